import type { Config } from '../config/index.js';
import { sql, type Engine } from '../store/index.js';
import { replaceTable } from '../kernel/index.js';
import { listSnapshots, migrationMatrix, SNAPSHOT_DIMENSIONS } from '../segments/index.js';
import { DASHBOARD_DIMENSIONS } from './dimensions.js';
import { SEGMENT_PAGE_CUBE_SUMS } from './segment-page.js';

/** Grid quadrants of the active base (the fifth, `inactive`, is everyone else). */
export const ACTIVE_QUADRANTS = ['athlete', 'whale', 'thoroughbred', 'minnow'] as const;
export const GRID_SAMPLE_SIZE = 2000;
export const CLV_BINS = 20;

const classes = sql.join(DASHBOARD_DIMENSIONS.map((d) => sql.id(d)));
const classesOf = (alias: string) => sql.join(DASHBOARD_DIMENSIONS.map((d) => sql`${sql.id(alias)}.${sql.id(d)}`));

/** The segment tables' value beside clv: 12-month value, referral value, satisfaction (issue 14 section 2). */
const LIFETIME_CUBE_SUMS = sql`sum(coalesce(clv_12m, 0)) AS clv_12m, count(clv_12m_known) AS with_clv_12m,
    sum(coalesce(referral_value, 0)) AS referral_value, sum(coalesce(latest_nps, 0)) AS nps, count(latest_nps) AS with_nps,
    sum(coalesce(latest_csat, 0)) AS csat, count(latest_csat) AS with_csat, sum(complaints) AS complaints`;

/**
 * `dashboard_cube`: the persons grouped by every combination of their classes, with the sums the
 * pages show. Any segment, the tier pyramid, the RFM heatmap and the grid quadrants are a GROUP BY
 * over these few thousand rows instead of the million persons. Channels and categories the same.
 */
export async function writeCube(engine: Engine): Promise<void> {
  const d = engine.dialect;
  const active = sql`grid IN (${sql.join(ACTIVE_QUADRANTS.map((q) => sql`${q}`))})`;
  // Grouped and counted on copies of the columns: ClickHouse reads `count(clv)` beside `sum(...) AS clv` as the sum's alias.
  await replaceTable(engine, 'dashboard_cube', sql`SELECT ${classes}, r_cube AS r_score, f_cube AS f_score,
    count(*) AS customers, sum(${d.flag(active)}) AS active_customers, sum(orders) AS orders, sum(revenue) AS revenue,
    sum(gross_margin) AS gross_margin, sum(net_contribution) AS net_contribution, sum(coalesce(predicted_value, 0)) AS predicted_value,
    sum(coalesce(clv, 0)) AS clv, count(clv_known) AS with_clv, sum(coalesce(p_alive, 0)) AS p_alive, count(p_alive_known) AS with_p_alive,
    sum(coalesce(recency_days, 0)) AS recency_days, count(recency_known) AS with_recency,
    sum(coalesce(window_revenue, 0)) AS window_revenue, sum(coalesce(window_contribution, 0)) AS window_contribution,
    ${LIFETIME_CUBE_SUMS}, ${SEGMENT_PAGE_CUBE_SUMS}
    FROM (SELECT *, coalesce(r_score, 0) AS r_cube, coalesce(f_score, 0) AS f_cube,
      clv AS clv_known, p_alive AS p_alive_known, recency_days AS recency_known, clv_12m AS clv_12m_known,
      clv_lifetime AS clv_lifetime_known, email_opt_in AS email_opt_in_known FROM customer_list) AS l
    GROUP BY ${classes}, r_cube, f_cube`);
  await replaceTable(engine, 'dashboard_person_channels', sql`SELECT p.person_id AS person_id, o.channel AS channel,
    count(*) AS orders, sum(CAST(o.revenue AS ${sql.raw(d.columnType('float', true))})) AS revenue
    FROM order_facts AS o JOIN customer_persons AS p ON p.customer_id = o.customer_id GROUP BY p.person_id, o.channel`);
  await replaceTable(engine, 'dashboard_cube_channels', sql`SELECT ${classesOf('l')}, c.channel AS channel, sum(c.orders) AS orders,
    sum(c.revenue) AS revenue FROM dashboard_person_channels AS c JOIN customer_list AS l ON l.person_id = c.person_id
    GROUP BY ${classesOf('l')}, c.channel`);
  await replaceTable(engine, 'dashboard_cube_categories', sql`SELECT ${classesOf('l')}, c.category AS category, count(*) AS customers,
    sum(c.revenue) AS revenue FROM person_category_revenue AS c JOIN customer_list AS l ON l.person_id = c.person_id
    GROUP BY ${classesOf('l')}, c.category`);
  await engine.exec(sql`DROP TABLE IF EXISTS dashboard_person_channels`);
}

/** One row of headline figures, and the monthly trends. */
export async function writeOverview(engine: Engine, asOf: Date, config: Config): Promise<void> {
  const d = engine.dialect;
  await replaceTable(engine, 'dashboard_overview', sql`SELECT ${asOf} AS as_of, ${config.currency} AS currency, sum(customers) AS customers,
    sum(active_customers) AS active_customers, sum(revenue) AS revenue, sum(gross_margin) AS gross_margin,
    sum(net_contribution) AS net_contribution, sum(clv) AS predicted_clv, sum(predicted_value) AS predicted_value FROM dashboard_cube`);
  // The month's sums named apart from the columns they read (ClickHouse resolves a name to a SELECT alias first).
  await replaceTable(engine, 'dashboard_trends', sql`SELECT a.period AS period, a.active_customers AS active_customers,
    coalesce(n.customers, 0) AS new_customers, a.month_revenue AS revenue, a.month_margin AS gross_margin, a.month_contribution AS contribution
    FROM (SELECT period, sum(${d.flag(sql`revenue > 0`)}) AS active_customers, sum(revenue) AS month_revenue, sum(gross_margin) AS month_margin,
      sum(contribution) AS month_contribution FROM customer_period_value GROUP BY period) AS a
    LEFT JOIN (SELECT ${d.monthOf(sql`first_purchase`)} AS period, count(*) AS customers FROM customer_classes
      WHERE first_purchase IS NOT NULL GROUP BY ${d.monthOf(sql`first_purchase`)}) AS n ON n.period = a.period`);
}

/**
 * The CLV distribution on equal bins between the 1st and 99th percentiles (the long tail is
 * folded into the last bin, negative values into the first), and a deterministic sample of the
 * active base for the grid scatter: ids read backwards spread the sample over the whole id range.
 */
export async function writeDistributions(engine: Engine): Promise<void> {
  const d = engine.dialect;
  const [range] = await engine.query<{ q: number[] | null }>(sql`SELECT ${d.quantiles(sql`clv`, [0.01, 0.99])} AS q FROM customer_list WHERE clv IS NOT NULL`);
  const low = Math.min(0, Number(range?.q?.[0] ?? 0));
  const high = Math.max(low + 1e-9, Number(range?.q?.[1] ?? 1));
  const width = (high - low) / CLV_BINS;
  const bin = sql`least(greatest(floor((clv - ${low}) / ${width}), 0), ${CLV_BINS - 1})`;
  await replaceTable(engine, 'dashboard_clv_histogram', sql`SELECT bin, ${low} + bin * ${width} AS bin_from, ${low} + (bin + 1) * ${width} AS bin_to,
    count(*) AS customers FROM (SELECT ${bin} AS bin FROM customer_list WHERE clv IS NOT NULL) AS b GROUP BY bin`);
  await replaceTable(engine, 'dashboard_grid_sample', sql`SELECT person_id, coalesce(window_revenue, 0) AS revenue,
    coalesce(profitability, 0) AS profitability, grid FROM customer_list
    WHERE grid IN (${sql.join(ACTIVE_QUADRANTS.map((q) => sql`${q}`))}) ORDER BY reverse(person_id), person_id LIMIT ${sql.raw(String(GRID_SAMPLE_SIZE))}`);
}

/** The snapshots and, for the latest two, every migration matrix (the default the page opens on). */
export async function writeSnapshotViews(engine: Engine): Promise<void> {
  const snapshots = await listSnapshots(engine);
  const text = sql.raw(engine.dialect.columnType('string', false));
  // Nullable: ClickHouse casts NULL only to a Nullable type.
  const stamp = sql.raw(engine.dialect.columnType('timestamp', true));
  const int = sql.raw(engine.dialect.columnType('int', false));
  await replaceTable(engine, 'dashboard_snapshots', sql`SELECT CAST(NULL AS ${stamp}) AS as_of, CAST(0 AS ${int}) AS customers WHERE 1 = 0`);
  if (snapshots.length > 0) {
    await engine.exec(sql`INSERT INTO dashboard_snapshots VALUES ${sql.join(snapshots.map((s) => sql`(${s.asOf}, ${s.customers})`))}`);
  }
  await replaceTable(engine, 'dashboard_migration', sql`SELECT CAST(NULL AS ${stamp}) AS from_as_of, CAST(NULL AS ${stamp}) AS to_as_of,
    CAST('' AS ${text}) AS dimension, CAST('' AS ${text}) AS from_class, CAST('' AS ${text}) AS to_class, CAST(0 AS ${int}) AS customers WHERE 1 = 0`);
  if (snapshots.length < 2) return;
  for (const dimension of SNAPSHOT_DIMENSIONS) {
    const matrix = await migrationMatrix(engine, dimension);
    if (matrix.cells.length === 0) continue;
    await engine.exec(sql`INSERT INTO dashboard_migration VALUES ${sql.join(
      matrix.cells.map((c) => sql`(${matrix.from}, ${matrix.to}, ${dimension}, ${c.from}, ${c.to}, ${c.customers})`),
    )}`);
  }
}
