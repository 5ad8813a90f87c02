import { BarChart, HeatmapChart, LineChart, SankeyChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { a11yText } from './a11y';
import { chartTable } from './chart-table';
import { h } from './dom';

// Only the charts and components the dashboard draws: the bundle stays a third of the full library.
echarts.use([BarChart, HeatmapChart, LineChart, SankeyChart, ScatterChart, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export type ChartOption = EChartsCoreOption;

export const PALETTE = ['#1f4e79', '#2e86ab', '#f18f01', '#c73e1d', '#6a994e', '#8e7dbe', '#3b3b58', '#d4a373'];

const live = new Set<EChartsType>();
let tables = 0;

/** The chart's title for a listener: the heading just before it, else its card's. */
function titleOf(element: HTMLElement): string {
  for (let sibling = element.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
    if (/^H[1-6]$/.test(sibling.tagName)) return sibling.textContent?.trim() ?? '';
  }
  return element.closest('.card')?.querySelector('h2')?.textContent?.trim() ?? element.dataset.chart ?? '';
}

/**
 * A canvas says nothing to a screen reader: the chart is named, and its figures follow it in a
 * table only assistive technology sees. A chart without figures of its own (a sparkline beside
 * its KPI) is hidden from it.
 */
function describe(element: HTMLElement, option: ChartOption): void {
  const data = chartTable(option as Parameters<typeof chartTable>[0]);
  if (!data) {
    element.setAttribute('aria-hidden', 'true');
    return;
  }
  const title = titleOf(element);
  const id = `chart-table-${++tables}`;
  element.setAttribute('role', 'img');
  element.setAttribute('aria-label', a11yText('chartLabel', { title }));
  element.setAttribute('aria-describedby', id);
  // The hiding is on a wrapper: a table is never narrower than its content, and would widen the page.
  element.after(
    h(
      'div',
      { class: 'visually-hidden' },
      h(
      'table',
      { id, 'data-chart-table': element.dataset.chart ?? '' },
      h('caption', null, a11yText('chartData', { title })),
      h('thead', null, h('tr', null, data.headers.map((header) => h('th', { scope: 'col' }, header)))),
      h('tbody', null, data.rows.map(([first, ...rest]) => h('tr', null, h('th', { scope: 'row' }, first ?? ''), rest.map((cell) => h('td', null, cell))))),
      ),
    ),
  );
}

type Axis = Record<string, unknown> & { name?: string; nameLocation?: string; axisLabel?: Record<string, unknown> };
const axes = (x: unknown): Axis[] => (x === undefined ? [] : Array.isArray(x) ? (x as Axis[]) : [x as Axis]);

/**
 * Keeps a chart's texts apart: axis labels that would overlap are dropped (ECharts' hideOverlap);
 * a legend over a top axis (a second x axis, a y axis named at its end) gets room of its own; and
 * on a narrow chart the legend stays on one line and scrolls, instead of wrapping into the plot.
 */
function laidOut(element: HTMLElement, option: ChartOption): ChartOption {
  const xAxis = axes(option.xAxis).map((axis) => ({ ...axis, axisLabel: { hideOverlap: true, ...axis.axisLabel } }));
  const yAxis = axes(option.yAxis).map((axis) => ({ ...axis, axisLabel: { hideOverlap: true, ...axis.axisLabel } }));
  const shaped: ChartOption = { ...option, ...(xAxis.length > 0 ? { xAxis, yAxis } : {}) };
  const legend = option.legend as Record<string, unknown> | undefined;
  if (!legend) return shaped;
  const grid = option.grid as Record<string, unknown> | undefined;
  const topAxis = xAxis.length > 1 || yAxis.some((axis) => axis.name !== undefined && axis.nameLocation !== 'middle' && axis.nameLocation !== 'center');
  if (grid && topAxis && typeof grid.top === 'number') shaped.grid = { ...grid, top: grid.top + 18 };
  const narrow = element.clientWidth < 600;
  element.dataset.legend = narrow ? 'scroll' : 'plain';
  return narrow ? { ...shaped, legend: { ...legend, type: 'scroll' } } : shaped;
}

/**
 * A chart in a new element. It is drawn once the element is in the page (ECharts needs its size);
 * without animation, so what is shown is final at once.
 */
/** What a click on a chart gives: an item's name and value; for a Sankey link, its data (source, target). */
export interface ChartClick {
  value?: unknown;
  name?: string;
  dataType?: string;
  data?: unknown;
}

export function chart(name: string, option: ChartOption, height = 300, onClick?: (item: ChartClick) => void): HTMLElement {
  const element = h('div', { class: 'chart', 'data-chart': name, style: `height:${height}px` });
  const started = performance.now();
  const draw = (): void => {
    if (!element.isConnected) {
      // Pages build their charts before they mount them; give up on one never mounted.
      if (performance.now() - started < 30_000) requestAnimationFrame(draw);
      return;
    }
    describe(element, option);
    const instance = echarts.init(element, null, { renderer: 'canvas' });
    instance.setOption({ animation: false, color: PALETTE, textStyle: { fontFamily: 'inherit' }, ...laidOut(element, option) });
    if (onClick) instance.on('click', (item) => onClick(item as ChartClick));
    live.add(instance);
  };
  requestAnimationFrame(draw);
  return element;
}

/** Frees one chart (its element is about to be replaced). */
export function disposeChart(element: Element | null): void {
  const instance = element instanceof HTMLElement ? echarts.getInstanceByDom(element) : undefined;
  if (!instance) return;
  live.delete(instance);
  instance.dispose();
}

/** Frees the charts of the page being left. */
export function disposeCharts(): void {
  for (const instance of live) instance.dispose();
  live.clear();
}

addEventListener('resize', () => {
  for (const instance of live) instance.resize();
});
