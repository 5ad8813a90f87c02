import { sql, type Engine, type Sql } from '../store/index.js';
import { dropTables, replaceTable, replaceTableByJoins } from '../pipeline/tables.js';
import { CLASS_DIMENSIONS } from '../segments/index.js';
import { UNCLASSIFIED } from './dimensions.js';
import { foldName } from './fold.js';

/** The list's columns a page shows, besides the id; also what the CSV export writes. */
export const LIST_COLUMNS = [
  'name', 'email', 'phone', 'city', 'value_tier', 'value_column', 'rfm_segment', 'rfm_cell', 'grid', 'digital_type', 'online_move',
  'orders', 'revenue', 'gross_margin', 'net_contribution', 'clv', 'predicted_value', 'p_alive', 'last_purchase',
] as const;

/** Folded names (distinct values only go through JS), then inserted back for the join. */
async function writeNameKeys(engine: Engine): Promise<void> {
  const names = await engine.query<{ name: string }>(sql`SELECT DISTINCT name FROM (
    SELECT first_name AS name FROM person_profiles UNION ALL SELECT last_name AS name FROM person_profiles) AS n WHERE name IS NOT NULL`);
  const text = sql.raw(engine.dialect.columnType('string', false));
  await replaceTable(engine, 'dashboard_name_keys', sql`SELECT CAST('' AS ${text}) AS name, CAST('' AS ${text}) AS name_key WHERE 1 = 0`);
  for (let start = 0; start < names.length; start += 1000) {
    const rows = names.slice(start, start + 1000).map((n) => sql`(${n.name}, ${foldName(n.name)})`);
    await engine.exec(sql`INSERT INTO dashboard_name_keys VALUES ${sql.join(rows)}`);
  }
}

/**
 * `customer_list`: one row per person of customer_classes with what the customer list shows and
 * filters on (classes coalesced to "(unclassified)", so a filter and a segment count the same
 * rows), his first email and phone, and folded name keys for search; sorted by revenue.
 */
export async function writeCustomerList(engine: Engine): Promise<void> {
  const d = engine.dialect;
  const text = sql.raw(d.columnType('string', true));
  const float = sql.raw(d.columnType('float', true));
  const int = sql.raw(d.columnType('int', true));
  const cls = (column: string): Sql => sql`coalesce(CAST(base.${sql.id(column)} AS ${text}), ${UNCLASSIFIED}) AS ${sql.id(column)}`;
  const cell = sql`CASE WHEN base.r_score IS NULL OR base.f_score IS NULL THEN ${UNCLASSIFIED}
    ELSE concat('r', CAST(CAST(base.r_score AS ${int}) AS ${text}), 'f', CAST(CAST(base.f_score AS ${int}) AS ${text})) END AS rfm_cell`;
  await writeNameKeys(engine);
  await replaceTable(engine, 'dashboard_contact_points', sql`SELECT person_id,
    min(CASE WHEN type = 'email' THEN value END) AS email, min(CASE WHEN type = 'phone' THEN value END) AS phone
    FROM person_identifiers WHERE type IN ('email', 'phone') GROUP BY person_id`);
  await replaceTableByJoins(engine, 'dashboard_list_people', {
    from: sql`customer_classes`,
    columns: sql.join([
      sql`base.person_id AS person_id`,
      ...CLASS_DIMENSIONS.map(cls),
      cell,
      sql`CAST(base.r_score AS ${int}) AS r_score`,
      sql`CAST(base.f_score AS ${int}) AS f_score`,
      sql`CAST(coalesce(base.orders, 0) AS ${int}) AS orders`,
      sql`CAST(coalesce(base.revenue, 0) AS ${float}) AS revenue`,
      sql`CAST(coalesce(base.gross_margin, 0) AS ${float}) AS gross_margin`,
      sql`CAST(coalesce(base.net_contribution, 0) AS ${float}) AS net_contribution`,
      sql`CAST(base.clv AS ${float}) AS clv`,
      sql`CAST(base.predicted_value AS ${float}) AS predicted_value`,
      sql`CAST(base.p_alive AS ${float}) AS p_alive`,
      sql`CAST(base.recency_days AS ${int}) AS recency_days`,
      sql`CAST(base.window_revenue AS ${float}) AS window_revenue`,
      sql`CAST(base.window_contribution AS ${float}) AS window_contribution`,
      sql`CAST(base.profitability AS ${float}) AS profitability`,
      sql`base.last_purchase AS last_purchase`,
    ]),
    joins: [
      { table: 'person_profiles', alias: 'p', on: sql`p.person_id = base.person_id`, columns: sql`p.first_name AS first_name, p.last_name AS last_name, p.city AS city` },
      { table: 'dashboard_contact_points', alias: 'cp', on: sql`cp.person_id = base.person_id`, columns: sql`cp.email AS email, cp.phone AS phone` },
    ],
  });
  await replaceTableByJoins(engine, 'dashboard_list_keys', {
    from: sql`dashboard_list_people`,
    columns: sql`base.*`,
    joins: [
      { table: 'dashboard_name_keys', alias: 'fk', on: sql`fk.name = base.first_name`, columns: sql`fk.name_key AS first_key` },
      { table: 'dashboard_name_keys', alias: 'lk', on: sql`lk.name = base.last_name`, columns: sql`lk.name_key AS last_key` },
    ],
  });
  await replaceTable(engine, 'customer_list', sql`SELECT *,
    trim(concat(coalesce(first_name, ''), ' ', coalesce(last_name, ''))) AS name,
    trim(concat(coalesce(first_key, ''), ' ', coalesce(last_key, ''))) AS full_key
    FROM dashboard_list_keys ORDER BY revenue DESC, person_id`);
  await dropTables(engine, ['dashboard_list_people', 'dashboard_list_keys', 'dashboard_contact_points']);
}
