import { chart, type ChartOption } from '../charts';
import { card, h } from '../dom';
import { className, currentLang, fmt, t } from '../i18n';
import type { Segment, SegmentFigures, SegmentSize, ValueDefinition } from '../types';

/** The segment's members at each snapshot: a small bar chart (its data table is the text alternative, charts.ts). */
function sizesOption(sizes: readonly SegmentSize[]): ChartOption {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => fmt.number(Number(v)) },
    grid: { left: 56, right: 16, top: 24, bottom: 28 },
    xAxis: { type: 'category', name: t('snapshotDate'), data: sizes.map((s) => fmt.date(s.asOf)) },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt.compact(v) } },
    series: [{ name: t('members'), type: 'bar', barMaxWidth: 48, data: sizes.map((s) => s.customers), label: { show: true, position: 'top', formatter: (p: { value: unknown }) => fmt.number(Number(p.value)) } }],
  };
}

export function sizesCard(s: Segment): HTMLElement {
  const sizes = s.sizes ?? [];
  if (sizes.length === 0) return card(t('sizeOverSnapshots'), h('p', { class: 'hint', 'data-sizes': 'none' }, t('noSizeHistory')));
  return card(
    t('sizeOverSnapshots'),
    h('p', { class: 'hint' }, t('sizeHint')),
    chart('segment-sizes', sizesOption(sizes), 200),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'table compact', 'data-table': 'segment-sizes' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('snapshotDate')), h('th', { scope: 'col' }, t('members')), h('th', { scope: 'col' }, t('shareOfSnapshot')))),
        h(
          'tbody',
          null,
          sizes.map((z) => h('tr', { 'data-as-of': z.asOf, 'data-customers': String(z.customers) }, h('th', { scope: 'row' }, fmt.date(z.asOf)), h('td', null, fmt.number(z.customers)), h('td', null, fmt.percent(z.share, 1)))),
        ),
      ),
    ),
  );
}

interface Line {
  readonly key: string;
  readonly label: string;
  readonly definition?: string;
  readonly value: (f: SegmentFigures) => string;
  /** The raw figure, for tests and tools reading the page (data-segment / data-base). */
  readonly raw: (f: SegmentFigures) => number | null;
}

/** A value figure's label and definition as the API words them (basis, horizon, discounting), in the page's language. */
function valueLine(defs: readonly ValueDefinition[], field: string, key: string, pick: (f: SegmentFigures) => number | null): Line {
  const d = defs.find((x) => x.field === field);
  const lang = currentLang();
  return {
    key,
    label: d ? t('perCustomerOf', { figure: d.label[lang] }) : field,
    ...(d ? { definition: d.definition[lang] } : {}),
    value: (f) => (pick(f) === null ? t('notComputed') : fmt.money(pick(f))),
    raw: pick,
  };
}

function lines(s: Segment): Line[] {
  const defs = s.valueDefinitions ?? [];
  return [
    { key: 'customers', label: t('cmpCustomers'), value: (f) => `${fmt.number(f.customers)} (${fmt.percent(f.customerShare, 1)})`, raw: (f) => f.customers },
    { key: 'revenue', label: t('cmpRevenue'), value: (f) => `${fmt.compactMoney(f.revenue)} (${fmt.percent(f.revenueShare, 1)})`, raw: (f) => f.revenue },
    valueLine(defs, 'clv_12m', 'avg-clv-12m', (f) => f.avgClv12m),
    valueLine(defs, 'clv_lifetime', 'avg-clv-lifetime', (f) => f.avgClvLifetime),
    {
      key: 'p-alive',
      label: t('cmpPAlive'),
      definition: t('cmpPAliveDefinition'),
      value: (f) =>
        `${fmt.percent(f.avgPAlive)} · ${t('cmpPAliveNote', { estimable: fmt.number(f.pAliveEstimable), notEstimable: fmt.number(f.pAliveNotEstimable), withoutModel: fmt.number(f.pAliveWithoutModel) })}`,
      raw: (f) => f.avgPAlive,
    },
    { key: 'orders', label: t('cmpOrders'), value: (f) => fmt.number(f.avgOrders, 1), raw: (f) => f.avgOrders },
    { key: 'recency', label: t('cmpRecency'), value: (f) => fmt.number(f.avgRecencyDays), raw: (f) => f.avgRecencyDays },
    { key: 'email-consent', label: t('cmpEmailConsent'), value: (f) => fmt.percent(f.emailConsentShare, 1), raw: (f) => f.emailConsentShare },
  ];
}

/** A class mix as one cell: each class's share, largest first. */
function mixText(f: SegmentFigures, dimension: string): string {
  const values = f.mix.find((m) => m.dimension === dimension)?.values ?? [];
  return values.map((v) => `${className(v.value)} ${fmt.percent(v.share)}`).join(' · ') || '–';
}

/** The segment beside the whole base, figure by figure, each with its definition. */
export function comparisonCard(s: Segment): HTMLElement | null {
  const c = s.comparison;
  if (!c) return null;
  const rows = lines(s).map((line) =>
    h(
      'tr',
      { 'data-figure': line.key, 'data-segment': String(line.raw(c.segment) ?? ''), 'data-base': String(line.raw(c.base) ?? '') },
      h('th', { scope: 'row' }, line.label, line.definition ? h('span', { class: 'definition' }, line.definition) : null),
      h('td', null, line.value(c.segment)),
      h('td', null, line.value(c.base)),
    ),
  );
  const mixes = (c.segment.mix.length > 0 ? c.segment.mix : c.base.mix).map((m) =>
    h('tr', { 'data-figure': `mix-${m.dimension}` }, h('th', { scope: 'row' }, t('cmpMix', { dimension: className(m.dimension) })), h('td', null, mixText(c.segment, m.dimension)), h('td', null, mixText(c.base, m.dimension))),
  );
  return card(
    t('compareWithBase'),
    h('p', { class: 'hint' }, t('compareHint')),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'table comparison', 'data-table': 'segment-comparison' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('figure')), h('th', { scope: 'col' }, t('thisSegment')), h('th', { scope: 'col' }, t('wholeBase')))),
        h('tbody', null, rows, mixes),
      ),
    ),
  );
}
