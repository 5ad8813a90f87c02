import { BarChart, HeatmapChart, LineChart, SankeyChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { h } from './dom';

// Only the charts and components the dashboard draws: the bundle stays a third of the full library.
echarts.use([BarChart, HeatmapChart, LineChart, SankeyChart, ScatterChart, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export type ChartOption = EChartsCoreOption;

export const PALETTE = ['#1f4e79', '#2e86ab', '#f18f01', '#c73e1d', '#6a994e', '#8e7dbe', '#3b3b58', '#d4a373'];

const live = new Set<EChartsType>();

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
    const instance = echarts.init(element, null, { renderer: 'canvas' });
    instance.setOption({ animation: false, color: PALETTE, textStyle: { fontFamily: 'inherit' }, ...option });
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
