import { maskedNotice } from '../access';
import { api, query } from '../api';
import { chart, type ChartOption } from '../charts';
import { card, h, mount } from '../dom';
import { className, currentLang, fmt, t } from '../i18n';
import { href, navigate, type Route } from '../router';
import type { CustomerPage, Segment, Segments } from '../types';
import { classDefinition } from '../class-definitions';
import { systemName } from '../profile-labels';
import { stat } from '../widgets';
import { customerTable, segmentList } from './customers';
import { exportOrReason } from './segment-export';
import { comparisonCard, sizesCard } from './segments-compare';

function shareBars(name: string, items: readonly { label: string; share: number }[]): ChartOption {
  const top = items.slice(0, 10).reverse();
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => fmt.percent(Number(v), 1) },
    grid: { left: 110, right: 30, top: 10, bottom: 24 },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt.percent(v) } },
    yAxis: { type: 'category', data: top.map((i) => i.label) },
    series: [{ name, type: 'bar', data: top.map((i) => i.share) }],
  };
}

const isSelected = (route: Route, dimension: string, value: string): boolean => route.query.get('dimension') === dimension && route.query.get('value') === value;

function picker(segments: Segments, route: Route): HTMLElement {
  const groups = segments.dimensions
    .filter((d) => d.dimension !== 'rfm_cell')
    .map((d) =>
      h(
        'div',
        { class: 'picker-group' },
        h('h3', null, className(d.dimension)),
        h(
          'div',
          { class: 'chips' },
          d.values.map((v) =>
            h(
              'a',
              {
                class: isSelected(route, d.dimension, v.value) ? 'chip active' : 'chip',
                href: href(['segments'], { dimension: d.dimension, value: v.value }),
                'data-segment': `${d.dimension}/${v.value}`,
                title: classDefinition(d.dimension, v.value),
              },
              `${className(v.value)} `,
              h('small', null, fmt.compact(v.customers)),
            ),
          ),
        ),
      ),
    );
  const cells = segments.dimensions.find((d) => d.dimension === 'rfm_cell')?.values ?? [];
  const count = (r: number, f: number) => cells.find((c) => c.value === `r${r}f${f}`)?.customers ?? 0;
  const grid = h(
    'div',
    { class: 'rfm-grid' },
    [5, 4, 3, 2, 1].map((r) =>
      [1, 2, 3, 4, 5].map((f) =>
        h('a', { class: isSelected(route, 'rfm_cell', `r${r}f${f}`) ? 'active' : null, href: href(['segments'], { dimension: 'rfm_cell', value: `r${r}f${f}` }), title: `R${r} F${f}`, 'data-segment': `rfm_cell/r${r}f${f}` }, fmt.compact(count(r, f))),
      ),
    ),
  );
  return h('aside', { class: 'picker' }, groups, h('div', { class: 'picker-group' }, h('h3', null, `${t('rfmCells')} (${t('recency')} ↓ × ${t('frequency')} →)`), grid));
}

/** What the chosen class is, in one line (none for RFM cells and segments, named by their own rules). */
function definitionLine(dimension: string, value: string): HTMLElement | null {
  const definition = classDefinition(dimension, value);
  return definition ? h('p', { class: 'hint', 'data-definition': `${dimension}/${value}` }, definition) : null;
}

/** Members per page on the segment page (the customer list shows more; "see all" opens it with this filter). */
const MEMBERS_PAGE = 20;

/** The members' sort and page, from the route (the segment page's own: the picker keeps the segment). */
function membersState(route: Route): { sort: string; order: 'asc' | 'desc'; page: number } {
  const order = route.query.get('order') === 'asc' ? 'asc' : 'desc';
  return { sort: route.query.get('sort') ?? 'predicted_value', order, page: Math.max(1, Number(route.query.get('page') ?? 1) || 1) };
}

/** The segment's members: sortable by their headers, a page at a time, and a link to the whole list. */
function membersCard(dimension: string, value: string, customers: CustomerPage): HTMLElement {
  const state = { dimension, value, sort: customers.sort, order: customers.order };
  const go = (changes: Record<string, string | number | undefined>) => navigate(['segments'], { ...state, page: undefined, ...changes });
  const page = customers.page;
  const pages = Math.max(1, Math.ceil(customers.total / customers.pageSize));
  const link = (to: number) => href(['segments'], { ...state, page: to });
  const pager = h(
    'div',
    { class: 'pager' },
    h('a', { class: page > 1 ? 'button secondary' : 'button secondary disabled', href: page > 1 ? link(page - 1) : null, id: 'members-previous' }, t('previous')),
    h('span', { id: 'members-page' }, t('page', { page: fmt.number(page), pages: fmt.number(pages) })),
    h('a', { class: page < pages ? 'button secondary' : 'button secondary disabled', href: page < pages ? link(page + 1) : null, id: 'members-next' }, t('next')),
  );
  return card(
    t('segmentCustomers'),
    customers.masked === true ? maskedNotice() : null,
    customers.rows.length > 0
      ? h('div', { class: 'table-wrap' }, customerTable(customers.rows, { sort: customers.sort, order: customers.order, onSort: (sort, order) => go({ sort, order }) }))
      : h('p', { class: 'hint' }, t('noCustomers')),
    pager,
    h('a', { href: href(['customers'], { [dimension]: value, sort: customers.sort, order: customers.order }) }, t('seeAll')),
  );
}

async function detail(dimension: string, value: string, route: Route, isCurrent: () => boolean): Promise<HTMLElement | null> {
  const path = `/api/segments/${encodeURIComponent(dimension)}/${encodeURIComponent(value)}`;
  const members = membersState(route);
  const [s, customers] = await Promise.all([
    api<Segment>(path),
    api<CustomerPage>(`/api/customers${query({ [dimension]: value, sort: members.sort, order: members.order, page: members.page, pageSize: MEMBERS_PAGE })}`),
  ]);
  if (!isCurrent()) return null;
  return h(
    'div',
    { class: 'segment-detail', 'data-dimension': dimension, 'data-value': value },
    h(
      'div',
      { class: 'page-title' },
      h('h2', null, `${className(dimension)}: ${className(value)}`),
      definitionLine(dimension, value),
      // The server refuses the export to the analyst and read roles (403); their users see why instead of the control.
      exportOrReason(`${path}/export.csv`, `${dimension}-${value}`),
    ),
    h(
      'div',
      { class: 'stats' },
      stat(t('segmentSize'), fmt.number(s.customers), t('ofBase', { share: fmt.percent(s.share, 1) }), { id: 'segment-size', 'data-customers': String(s.customers) }),
      stat(t('revenue'), fmt.compactMoney(s.revenue)),
      stat(t('margin'), fmt.compactMoney(s.margin)),
      stat(t('netContribution'), fmt.compactMoney(s.netContribution)),
      stat(t('predictedValue'), fmt.compactMoney(s.predictedValue)),
      ...segmentValueStats(s),
      stat(t('avgOrders'), fmt.number(s.avgOrders, 1)),
      stat(t('avgBasket'), fmt.money(s.avgBasket)),
      stat(t('avgRecency'), s.avgRecencyDays === null ? '–' : t('days', { n: fmt.number(s.avgRecencyDays) })),
      stat(t('pAlive'), fmt.percent(s.pAlive)),
    ),
    h('div', { class: 'cards two' }, sizesCard(s), comparisonCard(s)),
    h(
      'div',
      { class: 'cards two' },
      card(t('channels'), chart('channels', shareBars(t('channels'), s.channels.map((c) => ({ label: systemName(c.channel), share: c.share }))), 240)),
      card(t('categories'), chart('categories', shareBars(t('categories'), s.categories.map((c) => ({ label: c.category, share: c.share }))), 240)),
    ),
    membersCard(dimension, value, customers),
  );
}

/** Mean lifetime and 12-month value under their own labels (basis, discounting), referral value and satisfaction. */
function segmentValueStats(s: Segment): HTMLElement[] {
  const defs = s.valueDefinitions ?? [];
  const lang = currentLang();
  const figure = (field: string, fallback: string, value: string, dataField: string): HTMLElement => {
    const d = defs.find((x) => x.field === field);
    return stat(d ? t('perCustomerOf', { figure: d.label[lang] }) : fallback, value, undefined, { 'data-field': dataField, title: d ? d.definition[lang] : '' });
  };
  return [
    figure('clv', t('avgClv'), fmt.money(s.avgClv), 'avg-clv'),
    figure('clv_12m', t('clv12m'), fmt.money(s.avgClv12m ?? null), 'avg-clv-12m'),
    figure('referral_value', t('referralValue'), fmt.money(s.avgReferralValue ?? null), 'avg-referral-value'),
    stat(t('avgNps'), fmt.number(s.avgNps ?? null, 1), undefined, { 'data-field': 'avg-nps' }),
    stat(t('avgCsat'), fmt.number(s.avgCsat ?? null, 1), undefined, { 'data-field': 'avg-csat' }),
    stat(t('complaintsPerCustomer'), fmt.number(s.complaintsPerCustomer ?? null, 2), undefined, { 'data-field': 'complaints-per-customer' }),
  ];
}

export async function renderSegments(main: HTMLElement, route: Route, isCurrent: () => boolean): Promise<void> {
  const segments = await segmentList();
  if (!isCurrent()) return;
  const dimension = route.query.get('dimension');
  const value = route.query.get('value');
  const right = dimension && value ? await detail(dimension, value, route, isCurrent) : h('p', { class: 'notice' }, t('pickSegment'));
  if (!isCurrent()) return;
  mount(main, h('div', { class: 'page-title' }, h('h1', null, t('segments'))), h('div', { class: 'segments-layout' }, picker(segments, route), h('div', null, right)));
}
