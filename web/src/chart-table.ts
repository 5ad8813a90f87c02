/**
 * A chart's figures as a table, read from its ECharts option: the text alternative of a canvas
 * (WCAG 1.1.1) without a second description to keep in step with each chart. Values are written
 * as the chart's tooltip or axis writes them (money, percentages), so the table says what the chart shows.
 */
import { fmt } from './i18n';
import { a11yText } from './a11y';

export interface ChartTable {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

type Formatter = (value: number) => string;
interface Axis {
  type?: string;
  name?: string;
  show?: boolean;
  data?: unknown[];
  axisLabel?: { formatter?: unknown };
}
interface Series {
  name?: string;
  type?: string;
  data?: unknown[];
  links?: { source: string; target: string; value: number }[];
  silent?: boolean;
  xAxisIndex?: number;
  yAxisIndex?: number;
  tooltip?: { show?: boolean; valueFormatter?: unknown };
}
interface Option {
  xAxis?: Axis | Axis[];
  yAxis?: Axis | Axis[];
  series?: Series | Series[];
  tooltip?: { valueFormatter?: unknown; formatter?: unknown };
}

/** Past this many points a chart is a cloud: the table counts them per series instead of listing them. */
const MAX_POINTS = 60;

const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const plain: Formatter = (v) => fmt.number(v, Number.isInteger(v) ? 0 : 2);
const asFormatter = (f: unknown): Formatter | null => (typeof f === 'function' ? (v: number) => String((f as (v: number) => unknown)(v)) : null);
/** A tooltip's HTML as one line of text. */
const flat = (html: string): string => html.replace(/<br\s*\/?>/gi, ' · ').replace(/<[^>]*>/g, '').trim();
const scalar = (v: unknown): number | null => {
  const raw: unknown = Array.isArray(v) ? (v as unknown[])[0] : v && typeof v === 'object' && 'value' in v ? v.value : v;
  return typeof raw === 'number' ? raw : raw === null || raw === undefined || raw === '' ? null : Number(raw);
};

function axisFormatter(axis: Axis | undefined): Formatter {
  const f = asFormatter(axis?.axisLabel?.formatter) ?? plain;
  // A time axis's formatter takes a timestamp; the data holds dates.
  return axis?.type === 'time' ? (v) => f(typeof v === 'number' ? v : new Date(v).getTime()) : f;
}

function categoryTable(option: Option, series: Series[], categoryAxis: Axis, valueAxes: Axis[], valueIndex: (s: Series) => number): ChartTable {
  const formatters = series.map((s) => asFormatter(s.tooltip?.valueFormatter) ?? asFormatter(option.tooltip?.valueFormatter) ?? axisFormatter(valueAxes[valueIndex(s)]));
  return {
    headers: [categoryAxis.name ?? '', ...series.map((s) => s.name ?? '')],
    rows: (categoryAxis.data ?? []).map((category, i) => [
      String(category),
      ...series.map((s, j) => {
        const v = scalar(s.data?.[i]);
        return v === null || Number.isNaN(v) ? '–' : (formatters[j] ?? plain)(v);
      }),
    ]),
  };
}

/** The table of a chart's option; null for a decorative chart (a sparkline beside its figure). */
export function chartTable(option: Option): ChartTable | null {
  const xAxes = list(option.xAxis);
  const yAxes = list(option.yAxis);
  const series = list(option.series).filter((s) => !(s.silent === true && s.tooltip?.show === false));
  if (xAxes.length > 0 && xAxes.every((a) => a.show === false) && yAxes.every((a) => a.show === false) && !series.some((s) => s.type === 'bar')) return null;

  const sankey = series.find((s) => s.type === 'sankey');
  if (sankey) {
    const value = asFormatter(option.tooltip?.valueFormatter) ?? plain;
    return { headers: [a11yText('chartFrom'), a11yText('chartTo'), a11yText('chartValue')], rows: (sankey.links ?? []).map((l) => [l.source, l.target, value(l.value)]) };
  }

  const x = xAxes[0];
  const y = yAxes[0];
  const heatmap = series.find((s) => s.type === 'heatmap');
  if (heatmap && x?.data && y?.data) {
    const tooltip = typeof option.tooltip?.formatter === 'function' ? (option.tooltip.formatter as (p: { value: unknown }) => string) : null;
    const cell = (i: number, j: number): string => {
      const item = (heatmap.data ?? []).find((d) => Array.isArray(d) && d[0] === i && d[1] === j) as unknown[] | undefined;
      if (!item) return '–';
      return tooltip ? flat(tooltip({ value: item })) : plain(Number(item[2]));
    };
    return {
      headers: [`${y.name ?? ''} \\ ${x.name ?? ''}`, ...x.data.map(String)],
      rows: y.data.map((row, j) => [String(row), ...(x.data ?? []).map((_, i) => cell(i, j))]),
    };
  }

  if (x?.type === 'category' && x.data) return categoryTable(option, series, x, yAxes, (s) => s.yAxisIndex ?? 0);
  if (y?.type === 'category' && y.data) return categoryTable(option, series, y, xAxes, (s) => s.xAxisIndex ?? 0);

  // Two value (or time) axes: points [x, y].
  const points = series.reduce((sum, s) => sum + (s.data?.length ?? 0), 0);
  const lines = series.every((s) => s.type === 'line');
  if (points > MAX_POINTS && !lines) return { headers: ['', a11yText('chartPoints')], rows: series.map((s) => [s.name ?? '', fmt.number(s.data?.length ?? 0)]) };
  // A long curve is read at evenly spaced points, its last one included.
  const step = Math.ceil(points / MAX_POINTS);
  const sampled = (data: unknown[]): unknown[] => (step <= 1 ? data : data.filter((_, i) => i % step === 0 || i === data.length - 1));
  const fx = axisFormatter(x);
  const fy = asFormatter(option.tooltip?.valueFormatter) ?? axisFormatter(y);
  const cells = (d: unknown): [string, string] => {
    const [px, py] = Array.isArray(d) ? (d as unknown[]) : [null, d];
    return [px === null || px === undefined ? '–' : fx(px as number), py === null || py === undefined ? '–' : fy(Number(py))];
  };
  // One curve reads as x -> value; several need the series' name first.
  const only = series.length === 1 ? series[0] : undefined;
  if (only) return { headers: [x?.name ?? '', only.name ?? y?.name ?? ''], rows: sampled(only.data ?? []).map(cells) };
  return {
    headers: ['', x?.name ?? '', y?.name ?? ''],
    rows: series.flatMap((s) => sampled(s.data ?? []).map((d) => [s.name ?? '', ...cells(d)])),
  };
}
