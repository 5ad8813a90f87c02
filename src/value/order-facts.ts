import { sql, type Sql } from '../store/index.js';
import { dropTables, replaceTable, type PipelineStep } from '../kernel/index.js';

const SCRATCH = ['order_line_facts', 'order_totals', 'order_refunds', 'order_money'];

/** A line's revenue (order_lines columns, as the schema defines it): the order facts and the 360's live orders count it alike. */
export const LINE_REVENUE = sql`quantity * unit_price - coalesce(discount, 0)`;

/**
 * One row per order up to the as-of date with its revenue, cost of goods, margin, units and
 * refunds: the base every value computation aggregates. Written without CTEs or window
 * functions and with one join per query, so the same SQL runs on ClickHouse.
 */
export const orderFacts: PipelineStep = {
  name: 'order_facts',
  reads: ['orders', 'order_lines', 'products', 'returns'],
  writes: ['order_facts'],
  requires: [],
  async run({ engine, asOf }) {
    const money = (expression: Sql): Sql => sql`CAST(${expression} AS DECIMAL(18, 4))`;
    await replaceTable(engine, 'order_line_facts', sql`
      SELECT l.order_id AS order_id,
        ${money(LINE_REVENUE)} AS revenue,
        ${money(sql`l.quantity * coalesce(l.unit_cost, p.unit_cost, 0)`)} AS cost,
        l.quantity AS units
      FROM order_lines AS l LEFT JOIN products AS p ON p.sku = l.sku`);
    await replaceTable(engine, 'order_totals', sql`
      SELECT order_id, ${money(sql`sum(revenue)`)} AS revenue, ${money(sql`sum(cost)`)} AS cost,
        sum(units) AS units, count(*) AS lines
      FROM order_line_facts GROUP BY order_id`);
    await replaceTable(engine, 'order_refunds', sql`
      SELECT order_id, ${money(sql`sum(refund_amount)`)} AS refunded, sum(quantity) AS units_returned
      FROM returns WHERE returned_at <= ${asOf} GROUP BY order_id`);
    await replaceTable(engine, 'order_money', sql`
      SELECT t.order_id AS order_id, t.revenue AS revenue, t.cost AS cost, t.units AS units, t.lines AS lines,
        ${money(sql`coalesce(r.refunded, 0)`)} AS refunded, coalesce(r.units_returned, 0) AS units_returned
      FROM order_totals AS t LEFT JOIN order_refunds AS r ON r.order_id = t.order_id`);
    await replaceTable(engine, 'order_facts', sql`
      SELECT o.order_id AS order_id, o.customer_id AS customer_id, o.ordered_at AS ordered_at,
        o.channel AS channel, o.store_id AS store_id,
        ${money(sql`coalesce(m.revenue, 0)`)} AS revenue, ${money(sql`coalesce(m.cost, 0)`)} AS cost,
        ${money(sql`coalesce(m.revenue, 0) - coalesce(m.cost, 0)`)} AS margin,
        coalesce(m.units, 0) AS units, coalesce(m.lines, 0) AS lines,
        ${money(sql`coalesce(m.refunded, 0)`)} AS refunded, coalesce(m.units_returned, 0) AS units_returned
      FROM orders AS o LEFT JOIN order_money AS m ON m.order_id = o.order_id
      WHERE o.ordered_at <= ${asOf}`);
    await dropTables(engine, SCRATCH);
  },
};
