import type { z } from '@hono/zod-openapi';
import { replaceTable } from '../kernel/index.js';
import { SNAPSHOT_DIMENSIONS } from '../segments/index.js';
import { sql, type Engine, type Row, type Sql } from '../store/index.js';
import { UNCLASSIFIED, type DashboardDimension } from './dimensions.js';
import { text } from './text.js';
import type { segmentComparisonSchema, segmentFiguresSchema, segmentSizeSchema } from './schemas.js';

export type SegmentFigures = z.infer<typeof segmentFiguresSchema>;
export type SegmentComparison = z.infer<typeof segmentComparisonSchema>;
export type SegmentSize = z.infer<typeof segmentSizeSchema>;

/**
 * The cube's sums the segment page compares a segment with the whole base on (beside the others):
 * lifetime value, P(alive) not estimable (the model sets it to 1 by construction) and e-mail
 * consent at the run. Read by writeCube, so any segment and the base are sums over the cube.
 */
// Counted on the copies writeCube's FROM makes (`*_known`): ClickHouse reads `count(x)` beside `sum(...) AS x` as the sum's alias.
export const SEGMENT_PAGE_CUBE_SUMS = sql`sum(coalesce(clv_lifetime, 0)) AS clv_lifetime, count(clv_lifetime_known) AS with_clv_lifetime,
    count(p_alive_reason) AS p_alive_not_estimable, sum(coalesce(email_opt_in, 0)) AS email_opt_in, count(email_opt_in_known) AS with_consents`;

/** Dimensions whose mix the comparison shows (value tier and digital type: the two a marketer targets on). */
export const MIX_DIMENSIONS = ['value_tier', 'digital_type'] as const;

/**
 * `dashboard_segment_sizes`: how many customers each class had at each snapshot (customers with at
 * least one order at that date, as the snapshot step keeps them; no class: "(unclassified)"), one
 * GROUP BY per class dimension over customer_snapshots, so a segment's history is a few rows.
 */
export async function writeSegmentSizes(engine: Engine): Promise<void> {
  const d = engine.dialect;
  const textType = sql.raw(d.columnType('string', false));
  const parts = SNAPSHOT_DIMENSIONS.map(
    (dimension) => sql`SELECT as_of, dimension, value, count(*) AS customers FROM (SELECT as_of, CAST(${dimension} AS ${textType}) AS dimension,
      coalesce(CAST(${sql.id(dimension)} AS ${textType}), ${UNCLASSIFIED}) AS value FROM customer_snapshots) AS c GROUP BY as_of, dimension, value`,
  );
  await replaceTable(engine, 'dashboard_segment_sizes', sql`SELECT * FROM (${sql.join(parts, ' UNION ALL ')}) AS s`);
}

/** A segment's size at every snapshot, oldest first (a snapshot where it had nobody counts 0); none for RFM cells, which snapshots do not keep. */
export async function segmentSizes(engine: Engine, dimension: DashboardDimension, value: string): Promise<SegmentSize[]> {
  if (!(SNAPSHOT_DIMENSIONS as readonly string[]).includes(dimension)) return [];
  const rows = await engine.query<{ as_of: Date; customers: number | null; base: number }>(sql`SELECT s.as_of AS as_of, s.customers AS base,
      z.customers AS customers FROM dashboard_snapshots AS s
    LEFT JOIN (SELECT as_of, customers FROM dashboard_segment_sizes WHERE dimension = ${dimension} AND value = ${value}) AS z ON z.as_of = s.as_of
    ORDER BY s.as_of`);
  return rows.map((r) => {
    const customers = Number(r.customers ?? 0);
    const base = Number(r.base ?? 0);
    return { asOf: text(r.as_of), customers, share: base > 0 ? customers / base : 0 };
  });
}

const num = (v: unknown): number => Number(v ?? 0);
const ratio = (a: unknown, b: unknown): number | null => (num(b) > 0 ? num(a) / num(b) : null);

const FIGURE_SUMS = sql`sum(customers) AS customers, sum(revenue) AS revenue, sum(orders) AS orders, sum(clv_12m) AS clv_12m,
  sum(with_clv_12m) AS with_clv_12m, sum(clv_lifetime) AS clv_lifetime, sum(with_clv_lifetime) AS with_clv_lifetime,
  sum(p_alive) AS p_alive, sum(with_p_alive) AS with_p_alive, sum(p_alive_not_estimable) AS p_alive_not_estimable,
  sum(recency_days) AS recency_days, sum(with_recency) AS with_recency, sum(email_opt_in) AS email_opt_in, sum(with_consents) AS with_consents`;

function figures(r: Row | undefined, base: { customers: number; revenue: number }, mix: SegmentFigures['mix']): SegmentFigures {
  const customers = num(r?.customers);
  const revenue = num(r?.revenue);
  const estimable = num(r?.with_p_alive);
  const notEstimable = num(r?.p_alive_not_estimable);
  return {
    customers,
    customerShare: base.customers > 0 ? customers / base.customers : 0,
    revenue,
    revenueShare: base.revenue !== 0 ? revenue / base.revenue : 0,
    avgClv12m: ratio(r?.clv_12m, r?.with_clv_12m),
    avgClvLifetime: ratio(r?.clv_lifetime, r?.with_clv_lifetime),
    avgPAlive: ratio(r?.p_alive, estimable),
    pAliveEstimable: estimable,
    pAliveNotEstimable: notEstimable,
    pAliveWithoutModel: Math.max(0, customers - estimable - notEstimable),
    avgOrders: customers > 0 ? num(r?.orders) / customers : 0,
    avgRecencyDays: ratio(r?.recency_days, r?.with_recency),
    emailConsentShare: num(r?.with_consents) > 0 ? num(r?.email_opt_in) / customers : null,
    mix,
  };
}

/** Per mix dimension, the customers of each class among `where`'s, largest first. */
async function mixes(engine: Engine, where: Sql): Promise<SegmentFigures['mix']> {
  const textType = sql.raw(engine.dialect.columnType('string', false));
  const parts = MIX_DIMENSIONS.map(
    (m) => sql`SELECT CAST(${m} AS ${textType}) AS dimension, CAST(${sql.id(m)} AS ${textType}) AS value, sum(customers) AS customers
      FROM dashboard_cube WHERE ${where} GROUP BY ${sql.id(m)}`,
  );
  const rows = await engine.query(sql`SELECT * FROM (${sql.join(parts, ' UNION ALL ')}) AS m ORDER BY dimension, customers DESC, value`);
  return MIX_DIMENSIONS.map((dimension) => {
    const own = rows.filter((r) => r.dimension === dimension);
    const total = own.reduce((t, r) => t + num(r.customers), 0);
    return { dimension, values: own.map((r) => ({ value: text(r.value), customers: num(r.customers), share: total > 0 ? num(r.customers) / total : 0 })) };
  });
}

/**
 * The segment beside the whole base on the same figures, each a sum over the class cube (pushed
 * down: a few thousand rows, whatever the base's size): four queries, side by side.
 */
export async function segmentComparison(engine: Engine, dimension: DashboardDimension, value: string): Promise<SegmentComparison> {
  const inSegment = sql`${sql.id(dimension)} = ${value}`;
  const [[s], [b], segmentMix, baseMix] = await Promise.all([
    engine.query(sql`SELECT ${FIGURE_SUMS} FROM dashboard_cube WHERE ${inSegment}`),
    engine.query(sql`SELECT ${FIGURE_SUMS} FROM dashboard_cube`),
    mixes(engine, inSegment),
    mixes(engine, sql`1 = 1`),
  ]);
  const base = { customers: num(b?.customers), revenue: num(b?.revenue) };
  return { segment: figures(s, base, segmentMix), base: figures(b, base, baseMix) };
}
