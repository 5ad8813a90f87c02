import { sql, type Sql } from '../store/index.js';
import type { NeedsConfig } from '../config/needs-config.js';
import { dropTables, replaceTable, type PipelineStep } from '../kernel/index.js';

const SCRATCH = ['needs_group_source', 'needs_person_categories', 'needs_person_totals', 'needs_segment_categories', 'needs_segment_totals', 'needs_segment_shares'];

/** Each buyer's group (his "community"), 'unknown' where the grouping says nothing of him. */
function groupSource(groupBy: NeedsConfig['affinity']['groupBy']): Sql {
  if (groupBy === 'rfm_segment') return sql`SELECT person_id, max(segment) AS segment FROM customer_rfm GROUP BY person_id`;
  if (groupBy === 'everyone') return sql`SELECT DISTINCT person_id, 'everyone' AS segment FROM person_purchase_lines`;
  return sql`SELECT p.person_id AS person_id, max(c.${sql.id(groupBy)}) AS segment
    FROM customers AS c JOIN customer_persons AS p ON p.customer_id = c.customer_id GROUP BY p.person_id`;
}

/**
 * Category affinities: each buyer's share of revenue in each category he bought against the
 * share of the same category in his segment's revenue (index > 1: he over-buys it), with the
 * segment's penetration (share of its buyers who bought the category). Needs shared with the
 * community and needs of his own, side by side.
 */
export const categoryAffinity: PipelineStep = {
  name: 'category_affinity',
  reads: ['person_purchase_lines', 'customer_rfm', 'customers', 'customer_persons'],
  writes: ['customer_needs_group', 'customer_category_affinity', 'segment_category_shares'],
  requires: [],
  async run({ engine, config }) {
    await replaceTable(engine, 'needs_group_source', groupSource(config.needs.affinity.groupBy));
    await replaceTable(engine, 'needs_person_categories', sql`SELECT person_id, category, count(DISTINCT order_id) AS orders,
      count(*) AS lines, sum(quantity) AS units, sum(revenue) AS revenue, sum(margin) AS margin,
      max(unit_price) AS max_unit_price, max(ordered_at) AS last_purchase
      FROM person_purchase_lines GROUP BY person_id, category`);
    await replaceTable(engine, 'needs_person_totals', sql`SELECT person_id, sum(revenue) AS revenue, sum(lines) AS lines
      FROM needs_person_categories GROUP BY person_id`);
    await replaceTable(engine, 'customer_needs_group', sql`SELECT t.person_id AS person_id, coalesce(g.segment, 'unknown') AS segment,
      t.revenue AS revenue, t.lines AS lines
      FROM needs_person_totals AS t LEFT JOIN needs_group_source AS g ON g.person_id = t.person_id`);
    const personShares = sql`SELECT c.person_id AS person_id, g.segment AS segment, c.category AS category,
      c.orders AS orders, c.lines AS lines, c.units AS units, c.revenue AS revenue, c.margin AS margin,
      c.max_unit_price AS max_unit_price, c.last_purchase AS last_purchase,
      CASE WHEN g.revenue > 0 THEN c.revenue / g.revenue ELSE 0.0 END AS share,
      CAST(c.lines AS DOUBLE) / g.lines AS line_share
      FROM needs_person_categories AS c JOIN customer_needs_group AS g ON g.person_id = c.person_id`;
    await replaceTable(engine, 'needs_segment_categories', sql`SELECT segment, category, sum(revenue) AS revenue,
      sum(lines) AS lines, count(*) AS buyers FROM (${personShares}) AS p GROUP BY segment, category`);
    await replaceTable(engine, 'needs_segment_totals', sql`SELECT segment, sum(revenue) AS revenue, sum(lines) AS lines,
      count(*) AS buyers FROM customer_needs_group GROUP BY segment`);
    await replaceTable(engine, 'needs_segment_shares', sql`SELECT c.segment AS segment, c.category AS category,
      CASE WHEN t.revenue > 0 THEN c.revenue / t.revenue ELSE 0.0 END AS segment_share,
      CAST(c.lines AS DOUBLE) / t.lines AS segment_line_share,
      CAST(c.buyers AS DOUBLE) / t.buyers AS segment_penetration, t.buyers AS segment_buyers
      FROM needs_segment_categories AS c JOIN needs_segment_totals AS t ON t.segment = c.segment`);
    await replaceTable(engine, 'customer_category_affinity', sql`SELECT p.person_id AS person_id, p.segment AS segment,
      p.category AS category, p.orders AS orders, p.lines AS lines, p.units AS units, p.revenue AS revenue, p.margin AS margin,
      p.max_unit_price AS max_unit_price, p.last_purchase AS last_purchase, p.share AS share, p.line_share AS line_share,
      s.segment_share AS segment_share, s.segment_line_share AS segment_line_share,
      s.segment_penetration AS segment_penetration, s.segment_buyers AS segment_buyers,
      CASE WHEN s.segment_share > 0 THEN p.share / s.segment_share END AS affinity_index
      FROM (${personShares}) AS p JOIN needs_segment_shares AS s ON s.segment = p.segment AND s.category = p.category`);
    await replaceTable(engine, 'segment_category_shares', sql`SELECT * FROM needs_segment_shares`);
    await dropTables(engine, SCRATCH);
  },
};
