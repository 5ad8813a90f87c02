import { sql, type Engine } from '../store/index.js';
import { UsageError } from '../errors.js';

/** Classes `fidelis segments` and the dashboard summarise (columns of customer_classes). */
export const CLASS_DIMENSIONS = ['value_tier', 'value_column', 'grid', 'digital_type', 'online_move', 'rfm_segment'] as const;
export type ClassDimension = (typeof CLASS_DIMENSIONS)[number];

export interface ClassSummaryRow {
  readonly class: string;
  readonly customers: number;
  readonly customerShare: number;
  readonly revenue: number;
  readonly revenueShare: number;
  readonly grossMargin: number;
  readonly netContribution: number;
  readonly clv: number;
  readonly averageAttachment: number | null;
  readonly averagePotential: number | null;
}

/** Size and value of each class of one dimension, over the buyers, biggest revenue first. */
export async function classSummary(engine: Engine, dimension: ClassDimension): Promise<ClassSummaryRow[]> {
  await requireClasses(engine);
  const text = sql.raw(engine.dialect.columnType('string', true));
  const rows = await engine.query<{ cls: string | null; customers: number; revenue: number; margin: number; contribution: number; clv: number; attachment: number | null; potential: number | null }>(sql`
    SELECT cls, count(*) AS customers, sum(revenue) AS revenue, sum(margin) AS margin, sum(contribution) AS contribution,
      sum(clv) AS clv, avg(attachment) AS attachment, avg(potential) AS potential
    FROM (SELECT coalesce(CAST(${sql.id(dimension)} AS ${text}), '(unclassified)') AS cls, CAST(revenue AS DOUBLE) AS revenue,
      CAST(gross_margin AS DOUBLE) AS margin, net_contribution AS contribution, coalesce(clv, 0.0) AS clv, attachment, potential
      FROM customer_classes WHERE orders > 0) AS c
    GROUP BY cls ORDER BY revenue DESC`);
  const customers = rows.reduce((s, r) => s + Number(r.customers), 0) || 1;
  const revenue = rows.reduce((s, r) => s + Number(r.revenue), 0) || 1;
  return rows.map((r) => ({
    class: r.cls ?? '(unclassified)',
    customers: Number(r.customers),
    customerShare: Number(r.customers) / customers,
    revenue: Number(r.revenue),
    revenueShare: Number(r.revenue) / revenue,
    grossMargin: Number(r.margin),
    netContribution: Number(r.contribution),
    clv: Number(r.clv),
    averageAttachment: r.attachment === null ? null : Number(r.attachment),
    averagePotential: r.potential === null ? null : Number(r.potential),
  }));
}

export interface ParetoRow {
  readonly measure: string;
  readonly customerShare: number;
  readonly customers: number;
  readonly value: number;
  readonly valueShare: number;
}

export async function paretoRows(engine: Engine): Promise<ParetoRow[]> {
  await requireClasses(engine);
  const rows = await engine.query<{ measure: string; customer_share: number; customers: number; value: number; value_share: number }>(
    sql`SELECT * FROM pareto_table ORDER BY measure, customer_share`,
  );
  return rows.map((r) => ({ measure: r.measure, customerShare: Number(r.customer_share), customers: Number(r.customers), value: Number(r.value), valueShare: Number(r.value_share) }));
}

/** Fails with what to do when the pipeline has not run on this datamart yet. */
export async function requireClasses(engine: Engine): Promise<void> {
  const [run] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM pipeline_runs`);
  if (!run || Number(run.n) === 0) throw new UsageError('No analysis yet: run `fidelis run` on this datamart first.');
}
