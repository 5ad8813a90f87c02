import { sql } from '../store/index.js';
import { replaceTable, type PipelineStep } from '../kernel/index.js';

/**
 * Every order line up to the as-of date with the person who bought it, its category and its
 * money (as DOUBLE: these figures feed models, not accounts). The base of affinities,
 * associations and offers; read from `orders` rather than `order_facts` so that the needs steps
 * can be run at any date on their own (the evaluation trains at a split date).
 */
export const purchaseLines: PipelineStep = {
  name: 'purchase_lines',
  reads: ['orders', 'order_lines', 'customer_persons', 'products'],
  writes: ['person_purchase_lines'],
  requires: [],
  async run({ engine, asOf }) {
    // Nested, one join a level, so that only the result is written.
    const personOrders = sql`SELECT p.person_id AS person_id, o.order_id AS order_id, o.ordered_at AS ordered_at
      FROM orders AS o JOIN customer_persons AS p ON p.customer_id = o.customer_id WHERE o.ordered_at <= ${asOf}`;
    // The converted money gets names of its own: ClickHouse resolves a name to a SELECT alias
    // first, so `unit_price` in the revenue would be the converted one. d.cast keeps NULL costs.
    const d = engine.dialect;
    const lines = sql`SELECT o.person_id AS person_id, o.order_id AS order_id, o.ordered_at AS ordered_at,
      l.sku AS sku, l.quantity AS quantity, CAST(l.unit_price AS DOUBLE) AS line_unit_price,
      CAST(l.quantity * l.unit_price - coalesce(l.discount, 0) AS DOUBLE) AS line_revenue, ${d.cast(sql`l.unit_cost`, 'float')} AS line_unit_cost
      FROM order_lines AS l JOIN (${personOrders}) AS o ON o.order_id = l.order_id`;
    await replaceTable(engine, 'person_purchase_lines', sql`SELECT l.person_id AS person_id, l.order_id AS order_id,
      l.ordered_at AS ordered_at, l.sku AS sku, p.category AS category, l.quantity AS quantity, l.line_unit_price AS unit_price,
      l.line_revenue AS revenue, l.line_revenue - l.quantity * coalesce(l.line_unit_cost, ${d.cast(sql`p.unit_cost`, 'float')}, 0.0) AS margin
      FROM (${lines}) AS l JOIN products AS p ON p.sku = l.sku`);
  },
};
