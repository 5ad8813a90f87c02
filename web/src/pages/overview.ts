import { api } from '../api';
import { chart } from '../charts';
import { card, h, mount, table } from '../dom';
import { className, currentLang, fmt, setCurrency, t } from '../i18n';
import { href, navigate, type Route } from '../router';
import type { Overview } from '../types';
import { stat } from '../widgets';
import { migrationPanel } from './migration';
import { clvChart, digitalChart, gridChart, paretoChart, rfmChart, sparkline, tiersChart, trendsChart } from './overview-charts';

/** Change of the last month against the same month a year before, when both are there. */
function yearOnYear(values: readonly number[]): string | undefined {
  const last = values.at(-1);
  const before = values.at(-13);
  if (last === undefined || before === undefined || before === 0) return undefined;
  return t('vsYearBefore', { change: fmt.signedPercent(last / before - 1) });
}

/** The CLV figure says what it is (lifetime or horizon, basis, discounting): its definition on hover and under it. */
function clvKpi(o: Overview, element: HTMLElement): HTMLElement {
  const definition = o.clvDefinition?.definition[currentLang()];
  if (definition) {
    element.title = definition;
    element.append(h('p', { class: 'hint', 'data-definition': 'clv' }, definition));
  }
  return element;
}

function kpis(o: Overview): HTMLElement {
  const months = o.trends;
  const kpi = (name: string, label: string, value: string, note: string | undefined, series: readonly number[] | null) =>
    h('div', { class: 'kpi', 'data-kpi': name }, stat(label, value, note), series && series.length > 1 ? chart(`kpi-${name}`, sparkline(series), 48) : null);
  return h(
    'div',
    { class: 'kpis' },
    kpi('customers', t('kpiCustomers'), fmt.number(o.kpis.customers), months.length > 0 ? t('newThisMonth', { count: fmt.number(months.at(-1)?.newCustomers ?? 0) }) : undefined, months.map((m) => m.newCustomers)),
    kpi('active', t('kpiActive'), fmt.number(o.kpis.activeCustomers), yearOnYear(months.map((m) => m.activeCustomers)), months.map((m) => m.activeCustomers)),
    kpi('revenue', t('kpiRevenue'), fmt.compactMoney(o.kpis.revenue), yearOnYear(months.map((m) => m.revenue)), months.map((m) => m.revenue)),
    kpi('margin', t('kpiMargin'), fmt.compactMoney(o.kpis.margin), yearOnYear(months.map((m) => m.margin)), months.map((m) => m.margin)),
    clvKpi(o, kpi('clv', o.clvDefinition?.label[currentLang()] ?? t('kpiClv'), fmt.compactMoney(o.kpis.predictedClv), o.kpis.customers > 0 ? t('perCustomer', { value: fmt.money(o.kpis.predictedClv / o.kpis.customers) }) : undefined, null)),
  );
}

function tierTable(o: Overview): HTMLElement {
  const columns = ['d1', 'd2', 'd3', 'd4'];
  const cell = (tier: string, column: string) => {
    const rows = o.tiers.filter((x) => x.tier === tier && x.column === column);
    const customers = rows.reduce((sum, x) => sum + x.customers, 0);
    const value = rows.reduce((sum, x) => sum + x.predictedValue, 0);
    return customers === 0 ? '–' : h('span', null, h('strong', null, fmt.number(customers)), h('br'), h('small', null, fmt.compactMoney(value)));
  };
  return table(
    [t('tierColumn'), ...columns],
    ['CPP', 'CCM', 'CNR'].map((tier) => [h('a', { href: href(['segments'], { dimension: 'value_tier', value: tier }) }, tier), ...columns.map((column) => cell(tier, column))]),
    { class: 'table matrix', 'data-table': 'tiers' },
  );
}

function quadrantTable(o: Overview): HTMLElement {
  return table(
    [t('grid'), t('customers'), t('revenue'), t('netContribution')],
    o.grid.quadrants.map((q) => [h('a', { href: href(['segments'], { dimension: 'grid', value: q.grid }) }, className(q.grid)), fmt.number(q.customers), fmt.compactMoney(q.revenue), fmt.compactMoney(q.contribution)]),
  );
}

export async function renderOverview(main: HTMLElement, route: Route, isCurrent: () => boolean): Promise<void> {
  const [o, migration] = await Promise.all([api<Overview>('/api/overview'), migrationPanel(route, isCurrent)]);
  if (!isCurrent()) return;
  setCurrency(o.currency);
  // A heatmap cell opens that RFM cell in the segments explorer.
  const rfm = chart('rfm', rfmChart(o), 340, (item) => {
    const value = item.value as [number, number] | undefined;
    if (value) navigate(['segments'], { dimension: 'rfm_cell', value: `r${value[1] + 1}f${value[0] + 1}` });
  });
  mount(
    main,
    h('div', { class: 'page-title' }, h('h1', null, t('overview')), h('span', { class: 'as-of' }, t('asOf', { date: fmt.date(o.asOf) }))),
    kpis(o),
    h(
      'div',
      { class: 'cards' },
      card(t('trends'), chart('trends', trendsChart(o))),
      card(t('pareto'), h('p', { class: 'hint' }, t('paretoHint')), chart('pareto', paretoChart(o))),
      card(t('tiers'), h('p', { class: 'hint' }, t('tiersHint')), chart('tiers', tiersChart(o), 220), tierTable(o)),
      card(t('grid'), h('p', { class: 'hint' }, t('gridHint')), chart('grid', gridChart(o), 340), quadrantTable(o)),
      card(t('rfm'), h('p', { class: 'hint' }, t('rfmHint')), rfm),
      card(t('clvDistribution'), chart('clv', clvChart(o))),
      card(t('digital'), chart('digital', digitalChart(o), 260)),
    ),
    migration,
  );
}
