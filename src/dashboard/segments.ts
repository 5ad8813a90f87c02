import type { z } from '@hono/zod-openapi';
import type { Config } from '../config/index.js';
import { NotFoundError } from '../errors.js';
import { fittedClvModel, valueDefinitions } from '../value/value-definitions.js';
import { sql, type Engine } from '../store/index.js';
import { DASHBOARD_DIMENSIONS, DIMENSION_LABELS, type DashboardDimension } from './dimensions.js';
import { segmentComparison, segmentSizes } from './segment-page.js';
import { text } from './text.js';
import type { segmentSchema, segmentsSchema } from './schemas.js';

export type Segments = z.infer<typeof segmentsSchema>;
export type Segment = z.infer<typeof segmentSchema>;

const num = (v: unknown): number => Number(v ?? 0);
const ratio = (a: unknown, b: unknown): number | null => (num(b) > 0 ? num(a) / num(b) : null);

/** Every dimension's classes with their size and value: one GROUP BY per dimension over the class cube. */
export async function segments(engine: Engine): Promise<Segments> {
  const parts = DASHBOARD_DIMENSIONS.map(
    (d) => sql`SELECT ${d} AS dimension, CAST(${sql.id(d)} AS ${sql.raw(engine.dialect.columnType('string', false))}) AS value,
      sum(customers) AS customers, sum(revenue) AS revenue, sum(gross_margin) AS margin, sum(predicted_value) AS predicted_value
      FROM dashboard_cube GROUP BY ${sql.id(d)}`,
  );
  const rows = await engine.query(sql`SELECT * FROM (${sql.join(parts, ' UNION ALL ')}) AS s ORDER BY dimension, revenue DESC, value`);
  return {
    dimensions: DASHBOARD_DIMENSIONS.map((dimension) => ({
      dimension,
      label: DIMENSION_LABELS[dimension],
      values: rows
        .filter((r) => r.dimension === dimension)
        .map((r) => ({ value: text(r.value), customers: num(r.customers), revenue: num(r.revenue), margin: num(r.margin), predictedValue: num(r.predicted_value) })),
    })),
  };
}

/** A segment's size, value and behaviour (how it buys: channels and ranges), from the class cube. */
export async function segmentDetail(engine: Engine, dimension: DashboardDimension, value: string, config?: Config): Promise<Segment> {
  const inSegment = sql`${sql.id(dimension)} = ${value}`;
  const [[s], [all], channels, categories, sizes, comparison, clvModel] = await Promise.all([
    engine.query(sql`SELECT sum(customers) AS customers, sum(active_customers) AS active_customers, sum(orders) AS orders, sum(revenue) AS revenue,
      sum(gross_margin) AS margin, sum(net_contribution) AS net_contribution, sum(predicted_value) AS predicted_value, sum(clv) AS clv,
      sum(with_clv) AS with_clv, sum(p_alive) AS p_alive, sum(with_p_alive) AS with_p_alive, sum(recency_days) AS recency_days,
      sum(with_recency) AS with_recency, sum(clv_12m) AS clv_12m, sum(with_clv_12m) AS with_clv_12m, sum(referral_value) AS referral_value,
      sum(nps) AS nps, sum(with_nps) AS with_nps, sum(csat) AS csat, sum(with_csat) AS with_csat, sum(complaints) AS complaints
      FROM dashboard_cube WHERE ${inSegment}`),
    engine.query(sql`SELECT sum(customers) AS customers FROM dashboard_cube`),
    engine.query(sql`SELECT channel, sum(orders) AS orders, sum(revenue) AS revenue FROM dashboard_cube_channels WHERE ${inSegment}
      GROUP BY channel ORDER BY revenue DESC, channel`),
    engine.query(sql`SELECT category, sum(customers) AS customers, sum(revenue) AS revenue FROM dashboard_cube_categories WHERE ${inSegment}
      GROUP BY category ORDER BY revenue DESC, category`),
    segmentSizes(engine, dimension, value),
    segmentComparison(engine, dimension, value),
    config ? fittedClvModel(engine) : Promise.resolve(null),
  ]);
  const customers = num(s?.customers);
  if (customers === 0) throw new NotFoundError(`No customer in ${dimension} ${value}; GET /api/segments lists the values.`);
  const channelRevenue = channels.reduce((t, c) => t + num(c.revenue), 0);
  const categoryRevenue = categories.reduce((t, c) => t + num(c.revenue), 0);
  return {
    dimension,
    value,
    customers,
    share: customers / Math.max(1, num(all?.customers)),
    revenue: num(s?.revenue),
    margin: num(s?.margin),
    netContribution: num(s?.net_contribution),
    predictedValue: num(s?.predicted_value),
    avgClv: ratio(s?.clv, s?.with_clv),
    avgClv12m: ratio(s?.clv_12m, s?.with_clv_12m),
    avgReferralValue: num(s?.referral_value) / customers,
    avgNps: ratio(s?.nps, s?.with_nps),
    avgCsat: ratio(s?.csat, s?.with_csat),
    complaintsPerCustomer: num(s?.complaints) / customers,
    valueDefinitions: config
      ? valueDefinitions(config.value, { countReferralValue: config.segments.tiers.countReferralValue, model: clvModel }).map((d) => ({ field: d.field, label: d.label, definition: d.definition }))
      : [],
    avgOrders: num(s?.orders) / customers,
    avgBasket: ratio(s?.revenue, s?.orders),
    avgRecencyDays: ratio(s?.recency_days, s?.with_recency),
    pAlive: ratio(s?.p_alive, s?.with_p_alive),
    activeCustomers: num(s?.active_customers),
    channels: channels.map((c) => ({ channel: text(c.channel), share: channelRevenue > 0 ? num(c.revenue) / channelRevenue : 0, orders: num(c.orders), revenue: num(c.revenue) })),
    categories: categories.map((c) => ({
      category: text(c.category),
      share: categoryRevenue > 0 ? num(c.revenue) / categoryRevenue : 0,
      customers: num(c.customers),
      revenue: num(c.revenue),
    })),
    sizes,
    comparison,
  };
}
