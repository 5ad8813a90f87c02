import { api, query } from '../api';
import { chart, disposeChart, PALETTE, type ChartClick, type ChartOption } from '../charts';
import { card, h, mount, table } from '../dom';
import { className, fmt, t } from '../i18n';
import { href, type Route } from '../router';
import type { Migration } from '../types';

/** The classes of each dimension in their natural order (best first); others alphabetical; absent last. */
const NATURAL_ORDER: Readonly<Record<string, readonly string[]>> = {
  value_tier: ['CPP', 'CCM', 'CNR'],
  value_column: ['d1', 'd2', 'd3', 'd4'],
  grid: ['athlete', 'whale', 'thoroughbred', 'minnow', 'inactive'],
  digital_type: ['technophile', 'technomouton', 'techno-no', 'technonul'],
};
const ABSENT = '(none)';

export function naturalOrder(dimension: string, values: Iterable<string>): string[] {
  const order = NATURAL_ORDER[dimension] ?? [];
  const rank = (v: string): number => (v === ABSENT ? Number.MAX_SAFE_INTEGER : order.includes(v) ? order.indexOf(v) : order.length);
  return [...new Set(values)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The customers list of one cell: those in `from` at the earlier snapshot and in `to` at the later one. */
const moveHref = (m: Migration, from: string, to: string): string =>
  href(['customers'], { moveDimension: m.dimension, moveFrom: from, moveTo: to, moveFromDate: m.from, moveToDate: m.to });

function sankey(m: Migration): ChartOption {
  const left = (v: string) => `${className(v)} · ${fmt.date(m.from)}`;
  const right = (v: string) => `${className(v)} · ${fmt.date(m.to)}`;
  const rows = m.rows.filter((r) => r.customers > 0);
  // One colour per class, the same on both sides and in the natural order, so a move reads as a change of colour.
  const classes = naturalOrder(m.dimension, rows.flatMap((r) => [r.from, r.to]));
  const color = (v: string): string => (v === ABSENT ? '#9aa5b1' : PALETTE[classes.indexOf(v) % PALETTE.length] ?? '#999');
  const nodes = [
    ...naturalOrder(m.dimension, rows.map((r) => r.from)).map((v) => ({ name: left(v), itemStyle: { color: color(v) } })),
    ...naturalOrder(m.dimension, rows.map((r) => r.to)).map((v) => ({ name: right(v), itemStyle: { color: color(v) } })),
  ];
  return {
    tooltip: { trigger: 'item', valueFormatter: (v: unknown) => fmt.number(Number(v)) },
    series: [
      {
        type: 'sankey',
        left: 10,
        right: 140,
        top: 10,
        bottom: 10,
        nodeGap: 10,
        emphasis: { focus: 'adjacency' },
        data: nodes,
        // Nodes in the given order, not re-sorted by size, so classes read top to bottom as everywhere else.
        layoutIterations: 0,
        links: rows.map((r) => ({ source: left(r.from), target: right(r.to), value: r.customers, from: r.from, to: r.to })),
        lineStyle: { color: 'gradient', opacity: 0.35 },
        label: { fontSize: 11, color: '#1d2733' },
      },
    ],
  };
}

function matrix(m: Migration): HTMLElement {
  const froms = naturalOrder(m.dimension, m.rows.map((r) => r.from));
  const tos = naturalOrder(m.dimension, m.rows.map((r) => r.to));
  const max = Math.max(1, ...m.rows.map((r) => r.customers));
  const count = (from: string, to: string) => m.rows.find((r) => r.from === from && r.to === to)?.customers ?? 0;
  return table(
    [`${fmt.date(m.from)} \\ ${fmt.date(m.to)}`, ...tos.map(className)],
    froms.map((from) => [
      h('strong', null, className(from)),
      ...tos.map((to) => {
        const n = count(from, to);
        const alpha = (0.08 + 0.6 * (n / max)).toFixed(2);
        const style = n > 0 ? `background: rgba(46, 134, 171, ${alpha})` : null;
        const shade = from === to ? 'cell same' : 'cell';
        // A cell with customers opens them.
        return n > 0
          ? h('a', { class: shade, style, href: moveHref(m, from, to), 'data-move': `${from}>${to}`, title: t('openMovedCustomers') }, fmt.number(n))
          : h('span', { class: shade }, '·');
      }),
    ]),
    { class: 'table matrix', 'data-table': 'migration' },
  );
}

/** The migration card: pickers that redraw the card alone (and keep the link shareable). */
export async function migrationPanel(route: Route, isCurrent: () => boolean): Promise<HTMLElement> {
  const body = h('div', { class: 'migration-body' });
  const panel = card(t('migration'), h('p', { class: 'hint' }, t('migrationHint')), body);
  panel.classList.add('wide');
  panel.id = 'migration';
  const state = { dimension: route.query.get('dimension') ?? 'value_tier', from: route.query.get('from') ?? '', to: route.query.get('to') ?? '' };

  async function draw(): Promise<void> {
    const m = await api<Migration>(`/api/migration${query(state)}`);
    if (!isCurrent()) return;
    const snapshots = m.snapshots ?? [m.from, m.to].filter((s): s is string => s !== null);
    const picker = (name: 'from' | 'to', selected: string | null) => {
      const select = h('select', { id: `migration-${name}` }, snapshots.map((s) => h('option', { value: s }, fmt.date(s))));
      select.value = selected ?? '';
      select.addEventListener('change', () => {
        state[name] = select.value;
        void draw();
      });
      return h('label', null, t(name), select);
    };
    const dimension = h('select', { id: 'migration-dimension' }, m.dimensions.map((d) => h('option', { value: d }, className(d))));
    dimension.value = m.dimension;
    dimension.addEventListener('change', () => {
      state.dimension = dimension.value;
      void draw();
    });
    history.replaceState(null, '', href(['overview'], state));
    disposeChart(body.querySelector('[data-chart="sankey"]'));
    const controls = h('div', { class: 'controls' }, h('label', null, t('dimension'), dimension), picker('from', m.from), picker('to', m.to));
    if (m.from === null || m.to === null || m.rows.length === 0) {
      mount(body, controls, h('p', { class: 'notice' }, t('needTwoSnapshots')));
      return;
    }
    const openLink = (item: ChartClick): void => {
      const link = item.data as { from?: string; to?: string } | undefined;
      if (item.dataType === 'edge' && link?.from !== undefined && link.to !== undefined) location.hash = moveHref(m, link.from, link.to);
    };
    mount(body, controls, h('div', { class: 'migration-grid' }, h('div', { class: 'matrix-wrap' }, matrix(m)), chart('sankey', sankey(m), 420, openLink)));
  }

  await draw();
  return panel;
}
