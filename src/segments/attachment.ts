import { sql } from '../store/index.js';
import { dropTables, replaceTable, replaceTableByJoins, type PipelineStep } from '../kernel/index.js';
import { percentileCuts, percentileOf, readPercentileCuts } from './ranks.js';

/**
 * Attachment (seed 003), 0-100: tenure, regularity (share of periods since his first purchase in
 * which he bought), breadth of product ranges and recency, weighted. Revenue is deliberately
 * absent: the small customer who buys regularly, for years, across ranges must rank high.
 */
export const attachment: PipelineStep = {
  name: 'attachment',
  reads: ['customer_facts', 'order_facts', 'customer_persons'],
  writes: ['customer_attachment'],
  requires: [],
  async run({ engine, asOf, config }) {
    const d = engine.dialect;
    const s = config.segments.attachment;
    const total = s.weights.tenure + s.weights.regularity + s.weights.breadth + s.weights.recency || 1;
    const period = s.regularityPeriodDays;
    // A new customer is judged over at least a year of periods, not over the one he is in.
    const minPeriods = Math.max(1, Math.round(365 / period));
    const periods = sql`greatest(${d.intDiv(d.daysBetween(sql`f.first_purchase`, sql`${asOf}`), sql`${period}`)} + 1, ${minPeriods})`;
    await replaceTableByJoins(engine, 'attachment_periods', {
      from: sql`(SELECT p.person_id AS person_id, o.ordered_at AS ordered_at FROM order_facts AS o
        JOIN customer_persons AS p ON p.customer_id = o.customer_id)`,
      columns: sql`base.person_id AS person_id, base.ordered_at AS ordered_at`,
      joins: [{ table: 'customer_facts', alias: 'f', inner: true, on: sql`f.person_id = base.person_id`,
        columns: sql`${d.intDiv(d.daysBetween(sql`f.first_purchase`, sql`base.ordered_at`), sql`${period}`)} AS period_index` }],
    });
    const w = s.weights;
    const parts = sql`SELECT f.person_id AS person_id, f.tenure_days AS tenure_days,
      a.active_periods AS active_periods, ${periods} AS periods, f.categories AS categories, f.recency_days AS recency_days,
      least(1.0, greatest(0.0, CAST(f.tenure_days AS DOUBLE) / ${s.tenureFullDays})) AS tenure_score,
      least(1.0, CAST(a.active_periods AS DOUBLE) / ${periods}) AS regularity_score,
      least(1.0, CAST(f.categories AS DOUBLE) / ${s.breadthFullCategories}) AS breadth_score,
      pow(0.5, greatest(0.0, CAST(f.recency_days AS DOUBLE)) / ${s.recencyHalfLifeDays}) AS recency_score
      FROM customer_facts AS f JOIN (SELECT person_id, count(DISTINCT period_index) AS active_periods FROM attachment_periods GROUP BY person_id) AS a
      ON a.person_id = f.person_id WHERE f.orders > 0`;
    await replaceTable(engine, 'attachment_scored', sql`SELECT *, 100.0 * (${w.tenure / total} * tenure_score + ${w.regularity / total} * regularity_score
      + ${w.breadth / total} * breadth_score + ${w.recency / total} * recency_score) AS attachment
      FROM (${parts}) AS parts`);
    const [cuts] = await readPercentileCuts(engine, sql`SELECT ${percentileCuts(d, sql`attachment`)} AS cuts FROM attachment_scored`, ['cuts']);
    await replaceTable(engine, 'customer_attachment', sql`SELECT a.*, ${percentileOf(d, sql`a.attachment`, cuts)} AS attachment_percentile
      FROM attachment_scored AS a`);
    await dropTables(engine, ['attachment_periods', 'attachment_scored']);
  },
};
