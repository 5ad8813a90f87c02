import { sql, type Sql } from '../store/index.js';
import { dropTables, replaceTable, type PipelineStep } from '../kernel/index.js';

/** Number of cut points strictly below the value: 0 .. bins - 1. */
function cutsBelow(value: Sql, cuts: Sql, bins: number, flag: (c: Sql) => Sql): Sql {
  const terms = Array.from({ length: bins - 1 }, (_, i) => flag(sql`${value} > ${cuts}[${sql.raw(String(i + 1))}]`));
  return sql.join(terms, ' + ');
}

/**
 * RFM scores 1..bins per axis from the quantiles of buyers (recency in days since the last
 * purchase, frequency as purchase occasions, monetary as revenue), the R-F-M code and the named
 * segment from the configured rule table. Cut points rather than NTILE: equal values always get
 * the same score, and the engine needs no window functions.
 */
export const rfm: PipelineStep = {
  name: 'rfm',
  reads: ['customer_facts'],
  writes: ['customer_rfm'],
  requires: [],
  async run({ engine, config }) {
    const d = engine.dialect;
    const { bins, segments } = config.value.rfm;
    const levels = Array.from({ length: bins - 1 }, (_, i) => (i + 1) / bins);
    await replaceTable(engine, 'rfm_cuts', sql`SELECT
      ${d.quantiles(sql`CAST(recency_days AS DOUBLE)`, levels)} AS r_cuts,
      ${d.quantiles(sql`CAST(occasions AS DOUBLE)`, levels)} AS f_cuts,
      ${d.quantiles(sql`CAST(revenue AS DOUBLE)`, levels)} AS m_cuts
      FROM customer_facts WHERE orders > 0`);
    const flag = (c: Sql): Sql => d.flag(c);
    await replaceTable(engine, 'rfm_scores', sql`SELECT f.person_id AS person_id, f.recency_days AS recency_days,
      f.occasions AS frequency, f.revenue AS monetary,
      ${bins} - (${cutsBelow(sql`CAST(f.recency_days AS DOUBLE)`, sql`c.r_cuts`, bins, flag)}) AS r_score,
      1 + ${cutsBelow(sql`CAST(f.occasions AS DOUBLE)`, sql`c.f_cuts`, bins, flag)} AS f_score,
      1 + ${cutsBelow(sql`CAST(f.revenue AS DOUBLE)`, sql`c.m_cuts`, bins, flag)} AS m_score
      FROM customer_facts AS f CROSS JOIN rfm_cuts AS c WHERE f.orders > 0`);
    const text = d.columnType('string', false);
    const between = (column: string, [low, high]: readonly [number, number]): Sql => sql`${sql.id(column)} BETWEEN ${low} AND ${high}`;
    const rules = segments.map(
      (s) => sql`WHEN ${between('r_score', s.r)} AND ${between('f_score', s.f)}${s.m ? sql` AND ${between('m_score', s.m)}` : sql``} THEN ${s.name}`,
    );
    await replaceTable(engine, 'customer_rfm', sql`SELECT person_id, recency_days, frequency, monetary, r_score, f_score, m_score,
      concat(CAST(r_score AS ${sql.raw(text)}), CAST(f_score AS ${sql.raw(text)}), CAST(m_score AS ${sql.raw(text)})) AS rfm_code,
      CASE ${sql.join(rules, ' ')} ELSE 'other' END AS segment
      FROM rfm_scores`);
    await dropTables(engine, ['rfm_cuts', 'rfm_scores']);
  },
};
