import type { Config } from '../config/index.js';
import { fittedClvModel, valueDefinitions } from '../value/value-definitions.js';
import type { z } from '@hono/zod-openapi';
import { paretoRows } from '../segments/index.js';
import { sql, type Engine, type Row } from '../store/index.js';
import { CLV_BINS } from './aggregates.js';
import type { overviewSchema } from './schemas.js';
import { text as iso } from './text.js';

export type Overview = z.infer<typeof overviewSchema>;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const month = (v: unknown): string => iso(v).slice(0, 7);

/** The CLV bins, empty ones included (the table holds the bins that have customers). */
function allBins(rows: readonly Row[]): Overview['clvHistogram'] {
  const [first] = rows;
  if (!first) return [];
  const width = num(first.bin_to) - num(first.bin_from);
  const low = num(first.bin_from) - num(first.bin) * width;
  const counts = new Map(rows.map((r) => [num(r.bin), num(r.customers)]));
  return Array.from({ length: CLV_BINS }, (_, bin) => ({ from: low + bin * width, to: low + (bin + 1) * width, customers: counts.get(bin) ?? 0 }));
}

/** Every figure of the overview page, from the tables the dashboard step precomputed (small reads, in parallel). */
/**
 * What the headline CLV figure is (lifetime or horizon, basis, discounting, model), in both
 * languages, as the segment and customer pages define it: the same quantity, the same name.
 */
function clvDefinition(config: Config, model: string | null): Overview['clvDefinition'] {
  const d = valueDefinitions(config.value, { countReferralValue: config.segments.tiers.countReferralValue, model }).find((v) => v.field === 'clv');
  return d ? { label: d.label, definition: d.definition } : null;
}

export async function overview(engine: Engine, config?: Config): Promise<Overview> {
  const [[head], trends, pareto, tiers, quadrants, points, [thresholds], rfm, histogram, digital, snapshots, clvModel] = await Promise.all([
    engine.query(sql`SELECT * FROM dashboard_overview`),
    engine.query(sql`SELECT * FROM dashboard_trends ORDER BY period`),
    paretoRows(engine),
    engine.query(sql`SELECT value_tier, value_column, sum(customers) AS customers, sum(revenue) AS revenue, sum(gross_margin) AS margin,
      sum(predicted_value) AS predicted_value FROM dashboard_cube GROUP BY value_tier, value_column ORDER BY value_tier, value_column`),
    engine.query(sql`SELECT grid, sum(customers) AS customers, sum(window_revenue) AS revenue, sum(window_contribution) AS contribution
      FROM dashboard_cube GROUP BY grid ORDER BY grid`),
    engine.query(sql`SELECT * FROM dashboard_grid_sample ORDER BY person_id`),
    engine.query(sql`SELECT revenue_cut, profitability_cut FROM grid_thresholds`),
    engine.query(sql`SELECT r_score, f_score, sum(customers) AS customers, sum(revenue) AS revenue FROM dashboard_cube
      WHERE r_score > 0 AND f_score > 0 GROUP BY r_score, f_score ORDER BY r_score, f_score`),
    engine.query(sql`SELECT * FROM dashboard_clv_histogram ORDER BY bin`),
    engine.query(sql`SELECT digital_type, sum(customers) AS customers, sum(revenue) AS revenue FROM dashboard_cube GROUP BY digital_type ORDER BY digital_type`),
    engine.query(sql`SELECT * FROM dashboard_snapshots ORDER BY as_of`),
    fittedClvModel(engine),
  ]);
  const h: Row = head ?? {};
  const byShare = new Map<number, Record<string, number>>();
  for (const p of pareto) byShare.set(p.customerShare, { ...byShare.get(p.customerShare), [p.measure]: p.valueShare });
  return {
    asOf: iso(h.as_of),
    currency: iso(h.currency),
    kpis: {
      customers: num(h.customers),
      activeCustomers: num(h.active_customers),
      revenue: num(h.revenue),
      margin: num(h.gross_margin),
      predictedClv: num(h.predicted_clv),
      netContribution: num(h.net_contribution),
      predictedValue: num(h.predicted_value),
    },
    clvDefinition: config ? clvDefinition(config, clvModel) : null,
    trends: trends.map((t) => ({
      month: month(t.period),
      activeCustomers: num(t.active_customers),
      newCustomers: num(t.new_customers),
      revenue: num(t.revenue),
      margin: num(t.gross_margin),
      contribution: num(t.contribution),
    })),
    pareto: [...byShare.entries()]
      .sort(([a], [b]) => a - b)
      .map(([customerShare, s]) => ({
        customerShare,
        revenueShare: s.revenue ?? 0,
        marginShare: s.gross_margin ?? 0,
        netShare: s.net_contribution ?? 0,
        clvShare: s.clv ?? 0,
      })),
    tiers: tiers.map((t) => ({
      tier: iso(t.value_tier),
      column: iso(t.value_column),
      customers: num(t.customers),
      revenue: num(t.revenue),
      margin: num(t.margin),
      predictedValue: num(t.predicted_value),
    })),
    grid: {
      quadrants: quadrants.map((q) => ({ grid: iso(q.grid), customers: num(q.customers), revenue: num(q.revenue), contribution: num(q.contribution) })),
      points: points.map((p) => ({ id: iso(p.person_id), revenue: num(p.revenue), profitability: num(p.profitability), grid: iso(p.grid) })),
      revenueThreshold: thresholds?.revenue_cut === null || thresholds?.revenue_cut === undefined ? null : Number(thresholds.revenue_cut),
      profitabilityThreshold: thresholds?.profitability_cut === null || thresholds?.profitability_cut === undefined ? null : Number(thresholds.profitability_cut),
    },
    rfm: rfm.map((c) => ({ r: num(c.r_score), f: num(c.f_score), customers: num(c.customers), avgMonetary: num(c.revenue) / Math.max(1, num(c.customers)) })),
    clvHistogram: allBins(histogram),
    digital: digital.map((d) => ({ type: iso(d.digital_type), customers: num(d.customers), revenue: num(d.revenue) })),
    snapshots: snapshots.map((s) => ({ asOf: iso(s.as_of), customers: num(s.customers) })),
  };
}
