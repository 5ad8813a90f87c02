import { api, query } from '../api';
import { chart, disposeChart, PALETTE, type ChartOption } from '../charts';
import { card, h, mount, table } from '../dom';
import { className, fmt, t } from '../i18n';
import { href, type Route } from '../router';
import type { Migration } from '../types';

function sankey(m: Migration): ChartOption {
  const left = (v: string) => `${className(v)} · ${fmt.date(m.from)}`;
  const right = (v: string) => `${className(v)} · ${fmt.date(m.to)}`;
  const rows = m.rows.filter((r) => r.customers > 0);
  // One colour per class, the same on both sides, so a move reads as a change of colour.
  const classes = [...new Set(rows.flatMap((r) => [r.from, r.to]))].sort();
  const color = (v: string): string => PALETTE[classes.indexOf(v) % PALETTE.length] ?? '#999';
  const nodes = [
    ...[...new Set(rows.map((r) => r.from))].map((v) => ({ name: left(v), itemStyle: { color: color(v) } })),
    ...[...new Set(rows.map((r) => r.to))].map((v) => ({ name: right(v), itemStyle: { color: color(v) } })),
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
        links: rows.map((r) => ({ source: left(r.from), target: right(r.to), value: r.customers })),
        lineStyle: { color: 'gradient', opacity: 0.35 },
        label: { fontSize: 11, color: '#1d2733' },
      },
    ],
  };
}

function matrix(m: Migration): HTMLElement {
  const froms = [...new Set(m.rows.map((r) => r.from))].sort();
  const tos = [...new Set(m.rows.map((r) => r.to))].sort();
  const max = Math.max(1, ...m.rows.map((r) => r.customers));
  const count = (from: string, to: string) => m.rows.find((r) => r.from === from && r.to === to)?.customers ?? 0;
  return table(
    [`${fmt.date(m.from)} \\ ${fmt.date(m.to)}`, ...tos.map(className)],
    froms.map((from) => [
      h('strong', null, className(from)),
      ...tos.map((to) => {
        const n = count(from, to);
        const alpha = (0.08 + 0.6 * (n / max)).toFixed(2);
        return h('span', { class: from === to ? 'cell same' : 'cell', style: n > 0 ? `background: rgba(46, 134, 171, ${alpha})` : null }, n > 0 ? fmt.number(n) : '·');
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
    mount(body, controls, h('div', { class: 'migration-grid' }, h('div', { class: 'matrix-wrap' }, matrix(m)), chart('sankey', sankey(m), 420)));
  }

  await draw();
  return panel;
}
