import { sql, type Sql } from '../store/index.js';
import { replaceTable, type PipelineStep } from '../kernel/index.js';
import { shareOfTop, valueHistogram } from './value-histogram.js';

export const PARETO_CUSTOMER_SHARES = [0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1] as const;
export const PARETO_MEASURES = ['revenue', 'gross_margin', 'net_contribution', 'clv'] as const;

/**
 * Seed 002's Pareto view: what share of revenue, margin, net contribution and predicted CLV the
 * top 1%, 5%, ... of buyers make, each ranked on that measure. On contribution the top can make
 * more than 100%: the customers at the bottom destroy value (the whale curve).
 */
export const pareto: PipelineStep = {
  name: 'pareto',
  reads: ['customer_facts', 'customer_clv'],
  writes: ['pareto_table'],
  requires: [],
  async run({ engine }) {
    const sources: Record<(typeof PARETO_MEASURES)[number], { from: Sql; value: Sql }> = {
      revenue: { from: sql`(SELECT * FROM customer_facts WHERE orders > 0) AS f`, value: sql`revenue` },
      gross_margin: { from: sql`(SELECT * FROM customer_facts WHERE orders > 0) AS f`, value: sql`gross_margin` },
      net_contribution: { from: sql`(SELECT * FROM customer_facts WHERE orders > 0) AS f`, value: sql`net_contribution` },
      clv: { from: sql`customer_clv`, value: sql`clv` },
    };
    const rows: Sql[] = [];
    for (const measure of PARETO_MEASURES) {
      const buckets = await valueHistogram(engine, sources[measure].from, sources[measure].value);
      for (const share of PARETO_CUSTOMER_SHARES) {
        const top = shareOfTop(buckets, share);
        rows.push(sql`SELECT ${measure} AS measure, ${share} AS customer_share, ${top.customers} AS customers,
          CAST(${top.value} AS DOUBLE) AS value, CAST(${top.share} AS DOUBLE) AS value_share`);
      }
    }
    await replaceTable(engine, 'pareto_table', sql.join(rows, ' UNION ALL '));
  },
};
