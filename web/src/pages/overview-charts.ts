import type { ChartOption } from '../charts';
import { className, fmt, t } from '../i18n';
import type { Overview } from '../types';

const axisMoney = { axisLabel: { formatter: (v: number) => fmt.compactMoney(v) } };
const axisPercent = { axisLabel: { formatter: (v: number) => fmt.percent(v) } };
const tooltipAxis = { trigger: 'axis' as const };

/** A KPI's small line over the months. */
export function sparkline(values: readonly number[]): ChartOption {
  return {
    grid: { left: 2, right: 2, top: 4, bottom: 2 },
    xAxis: { type: 'category', show: false, data: values.map((_, i) => i) },
    yAxis: { type: 'value', show: false, scale: true },
    series: [{ type: 'line', data: values, showSymbol: false, lineStyle: { width: 2 }, areaStyle: { opacity: 0.12 } }],
  };
}

export function trendsChart(o: Overview): ChartOption {
  return {
    tooltip: { ...tooltipAxis, valueFormatter: (v: unknown) => fmt.number(Number(v)) },
    legend: { top: 0 },
    grid: { left: 70, right: 60, top: 36, bottom: 30 },
    xAxis: { type: 'category', data: o.trends.map((m) => fmt.month(m.month)) },
    yAxis: [{ type: 'value', ...axisMoney }, { type: 'value', axisLabel: { formatter: (v: number) => fmt.compact(v) }, splitLine: { show: false } }],
    series: [
      { name: t('revenue'), type: 'bar', data: o.trends.map((m) => Math.round(m.revenue)) },
      { name: t('margin'), type: 'bar', data: o.trends.map((m) => Math.round(m.margin)) },
      { name: t('activeCustomers'), type: 'line', yAxisIndex: 1, data: o.trends.map((m) => m.activeCustomers), showSymbol: false },
      { name: t('newCustomers'), type: 'line', yAxisIndex: 1, data: o.trends.map((m) => m.newCustomers), showSymbol: false },
    ],
  };
}

export function paretoChart(o: Overview): ChartOption {
  const points = [{ customerShare: 0, revenueShare: 0, marginShare: 0, netShare: 0, clvShare: 0 }, ...o.pareto];
  const line = (name: string, pick: (p: (typeof points)[number]) => number) => ({
    name,
    type: 'line' as const,
    data: points.map((p) => [p.customerShare, pick(p)]),
    showSymbol: true,
    symbolSize: 5,
  });
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => fmt.percent(Number(v), 1) },
    legend: { top: 0 },
    grid: { left: 55, right: 20, top: 36, bottom: 40 },
    xAxis: { type: 'value', min: 0, max: 1, name: t('customerShare'), nameLocation: 'middle', nameGap: 26, ...axisPercent },
    yAxis: { type: 'value', min: 0, ...axisPercent },
    series: [
      line(t('revenue'), (p) => p.revenueShare),
      line(t('margin'), (p) => p.marginShare),
      line(t('netContribution'), (p) => p.netShare),
      line(t('clv'), (p) => p.clvShare),
      { name: t('equality'), type: 'line', data: [[0, 0], [1, 1]], showSymbol: false, lineStyle: { type: 'dashed', color: '#999' }, itemStyle: { color: '#999' } },
    ],
  };
}

const TIERS = ['CNR', 'CCM', 'CPP'];
const COLUMNS = ['d1', 'd2', 'd3', 'd4'];

/** The pyramid: one bar per tier (CPP on top), split by column, centred by an invisible first bar. */
export function tiersChart(o: Overview): ChartOption {
  const customers = (tier: string, column: string): number => o.tiers.filter((x) => x.tier === tier && x.column === column).reduce((sum, x) => sum + x.customers, 0);
  const totals = TIERS.map((tier) => COLUMNS.reduce((sum, column) => sum + customers(tier, column), 0));
  const widest = Math.max(1, ...totals);
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: { seriesName: string; name: string; value: number }) => `${p.name} · ${p.seriesName}: ${fmt.number(p.value)}`,
    },
    legend: { top: 0, data: COLUMNS },
    grid: { left: 50, right: 20, top: 36, bottom: 10 },
    xAxis: { type: 'value', show: false, max: widest },
    yAxis: { type: 'category', data: TIERS, axisTick: { show: false } },
    series: [
      { name: 'offset', type: 'bar', stack: 'tier', silent: true, itemStyle: { color: 'transparent' }, tooltip: { show: false }, data: totals.map((total) => (widest - total) / 2) },
      ...COLUMNS.map((column) => ({
        name: column,
        type: 'bar',
        stack: 'tier',
        barCategoryGap: '12%',
        data: TIERS.map((tier) => customers(tier, column)),
        label: { show: true, formatter: (p: { value: number }) => (p.value >= widest * 0.06 ? fmt.compact(p.value) : ''), color: '#fff' },
      })),
    ],
  };
}

export const GRID_COLORS: Record<string, string> = { athlete: '#6a994e', whale: '#2e86ab', thoroughbred: '#f18f01', minnow: '#8e8e8e', inactive: '#cccccc' };

export function gridChart(o: Overview): ChartOption {
  const quadrants = ['athlete', 'whale', 'thoroughbred', 'minnow'];
  const { revenueThreshold: rx, profitabilityThreshold: py } = o.grid;
  const thresholds = [
    ...(rx !== null ? [{ xAxis: rx, label: { formatter: fmt.compactMoney(rx) } }] : []),
    ...(py !== null ? [{ yAxis: py, label: { formatter: fmt.number(py, 2) } }] : []),
  ];
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: { seriesName: string; value: [number, number, string] }) => `${p.value[2]}<br/>${p.seriesName}<br/>${t('revenue')}: ${fmt.money(p.value[0])}<br/>${t('profitability')}: ${fmt.number(p.value[1], 2)}`,
    },
    legend: { top: 0 },
    grid: { left: 60, right: 30, top: 36, bottom: 40 },
    xAxis: { type: 'value', name: t('revenue'), nameLocation: 'middle', nameGap: 26, ...axisMoney },
    yAxis: { type: 'value', name: t('profitability'), scale: true },
    series: quadrants.map((grid, i) => ({
      name: className(grid),
      type: 'scatter',
      symbolSize: 5,
      itemStyle: { color: GRID_COLORS[grid], opacity: 0.7 },
      data: o.grid.points.filter((p) => p.grid === grid).map((p) => [p.revenue, p.profitability, p.id]),
      ...(i === 0 && thresholds.length > 0 ? { markLine: { silent: true, symbol: 'none', lineStyle: { color: '#333', type: 'dashed' }, data: thresholds } } : {}),
    })),
  };
}

export function rfmChart(o: Overview): ChartOption {
  const monetary = o.rfm.map((c) => c.avgMonetary);
  return {
    tooltip: {
      formatter: (p: { value: [number, number, number, number] }) =>
        `R${p.value[1] + 1} F${p.value[0] + 1}<br/>${t('customers')}: ${fmt.number(p.value[3])}<br/>${t('avgMonetary')}: ${fmt.money(p.value[2])}`,
    },
    grid: { left: 70, right: 20, top: 10, bottom: 90 },
    xAxis: { type: 'category', data: [1, 2, 3, 4, 5].map((f) => `F${f}`), name: t('frequency'), nameLocation: 'middle', nameGap: 26, splitArea: { show: true } },
    yAxis: { type: 'category', data: [1, 2, 3, 4, 5].map((r) => `R${r}`), name: t('recency'), nameLocation: 'middle', nameGap: 40, splitArea: { show: true } },
    visualMap: {
      min: Math.min(0, ...monetary),
      max: Math.max(1, ...monetary),
      dimension: 2,
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      formatter: (v: number) => fmt.compactMoney(v),
      inRange: { color: ['#eef4fb', '#2e86ab', '#1f4e79'] },
    },
    series: [
      {
        type: 'heatmap',
        data: o.rfm.map((c) => [c.f - 1, c.r - 1, c.avgMonetary, c.customers]),
        label: { show: true, formatter: (p: { value: [number, number, number, number] }) => fmt.compact(p.value[3]) },
        emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } },
      },
    ],
  };
}

export function clvChart(o: Overview): ChartOption {
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => fmt.number(Number(v)) },
    grid: { left: 60, right: 20, top: 20, bottom: 50 },
    xAxis: { type: 'category', data: o.clvHistogram.map((b) => `${fmt.compactMoney(b.from)}–${fmt.compactMoney(b.to)}`), axisLabel: { rotate: 30 } },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt.compact(v) } },
    series: [{ name: t('customers'), type: 'bar', data: o.clvHistogram.map((b) => b.customers), barCategoryGap: '5%' }],
  };
}

export function digitalChart(o: Overview): ChartOption {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 100, right: 70, top: 36, bottom: 30 },
    yAxis: { type: 'category', data: o.digital.map((d) => className(d.type)) },
    xAxis: [{ type: 'value', axisLabel: { formatter: (v: number) => fmt.compact(v) } }, { type: 'value', ...axisMoney, splitLine: { show: false } }],
    series: [
      { name: t('customers'), type: 'bar', data: o.digital.map((d) => d.customers), tooltip: { valueFormatter: (v: unknown) => fmt.number(Number(v)) } },
      { name: t('revenue'), type: 'bar', xAxisIndex: 1, data: o.digital.map((d) => Math.round(d.revenue)), tooltip: { valueFormatter: (v: unknown) => fmt.money(Number(v)) } },
    ],
  };
}
