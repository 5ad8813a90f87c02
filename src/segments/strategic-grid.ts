import { sql } from '../store/index.js';
import { dropTables, replaceTable, type PipelineStep } from '../kernel/index.js';
import { percentileCuts, percentileOf, readPercentileCuts } from './ranks.js';

export const GRID_QUADRANTS = ['athlete', 'whale', 'thoroughbred', 'minnow', 'inactive'] as const;

/**
 * Seed 001's strategic grid: revenue x profitability over the last window, within the active
 * base. Athlete (high on both: must not leave), whale (high revenue: serve him at lower cost
 * online), thoroughbred (high profitability: sell him more), minnow (low on both); buyers outside
 * the active base are "inactive".
 */
export const strategicGrid: PipelineStep = {
  name: 'strategic_grid',
  reads: ['customer_facts', 'customer_period_value'],
  writes: ['customer_grid', 'grid_thresholds'],
  requires: [],
  async run({ engine, asOf, config }) {
    const d = engine.dialect;
    const g = config.segments.grid;
    const since = new Date(asOf.getTime() - g.windowDays * 86_400_000);
    await replaceTable(engine, 'grid_window', sql`SELECT person_id, sum(revenue) AS window_revenue, sum(contribution) AS window_contribution
      FROM customer_period_value WHERE period >= ${d.monthOf(sql`${since}`)} GROUP BY person_id`);
    const profitability = g.profitability === 'rate'
      ? sql`CASE WHEN w.window_revenue > 0 THEN w.window_contribution / w.window_revenue END`
      : sql`w.window_contribution`;
    await replaceTable(engine, 'grid_base', sql`SELECT f.person_id AS person_id, f.recency_days AS recency_days,
      coalesce(w.window_revenue, 0.0) AS window_revenue, coalesce(w.window_contribution, 0.0) AS window_contribution,
      ${profitability} AS profitability,
      f.recency_days <= ${g.activeDays} AND coalesce(w.window_revenue, 0.0) > 0 AS active
      FROM customer_facts AS f LEFT JOIN grid_window AS w ON w.person_id = f.person_id WHERE f.orders > 0`);
    await replaceTable(engine, 'grid_thresholds', sql`SELECT count(*) AS active_customers,
      ${d.quantiles(sql`window_revenue`, [g.revenueQuantile])}[1] AS revenue_cut,
      ${d.quantiles(sql`profitability`, [g.profitabilityQuantile])}[1] AS profitability_cut,
      ${percentileCuts(d, sql`window_revenue`)} AS revenue_cuts, ${percentileCuts(d, sql`profitability`)} AS profitability_cuts
      FROM grid_base WHERE active`);
    const high = (column: string, cut: string): string => `b.${column} >= t.${cut}`;
    const [revenueCuts, profitabilityCuts] = await readPercentileCuts(engine, sql`SELECT revenue_cuts, profitability_cuts FROM grid_thresholds`, ['revenue_cuts', 'profitability_cuts']);
    await replaceTable(engine, 'customer_grid', sql`SELECT b.person_id AS person_id, b.active AS active, b.recency_days AS recency_days,
      b.window_revenue AS window_revenue, b.window_contribution AS window_contribution, b.profitability AS profitability,
      t.revenue_cut AS revenue_cut, t.profitability_cut AS profitability_cut,
      CASE WHEN b.active THEN ${percentileOf(d, sql`b.window_revenue`, revenueCuts)} END AS revenue_percentile,
      CASE WHEN b.active THEN ${percentileOf(d, sql`b.profitability`, profitabilityCuts)} END AS profitability_percentile,
      CASE WHEN NOT b.active THEN 'inactive'
        WHEN ${sql.raw(high('window_revenue', 'revenue_cut'))} AND ${sql.raw(high('profitability', 'profitability_cut'))} THEN 'athlete'
        WHEN ${sql.raw(high('window_revenue', 'revenue_cut'))} THEN 'whale'
        WHEN ${sql.raw(high('profitability', 'profitability_cut'))} THEN 'thoroughbred'
        ELSE 'minnow' END AS grid
      FROM grid_base AS b CROSS JOIN (SELECT active_customers, revenue_cut, profitability_cut FROM grid_thresholds) AS t`);
    await dropTables(engine, ['grid_window', 'grid_base']);
  },
};
