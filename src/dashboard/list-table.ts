import { sql, type Engine, type Sql } from '../store/index.js';
import { dropTables, replaceTable, replaceTableByJoins, type JoinedTable } from '../kernel/index.js';
import { CLASS_DIMENSIONS } from '../segments/index.js';
import { UNCLASSIFIED } from './dimensions.js';
import { foldName } from './fold.js';

/** Folded names (distinct values only go through JS), then inserted back for the join. */
async function writeNameKeys(engine: Engine, profiles: Sql): Promise<void> {
  const names = await engine.query<{ name: string }>(sql`SELECT DISTINCT name FROM (
    SELECT first_name AS name FROM ${profiles} AS f UNION ALL SELECT last_name AS name FROM ${profiles} AS l) AS n WHERE name IS NOT NULL`);
  const text = sql.raw(engine.dialect.columnType('string', false));
  await replaceTable(engine, 'dashboard_name_keys', sql`SELECT CAST('' AS ${text}) AS name, CAST('' AS ${text}) AS name_key WHERE 1 = 0`);
  for (let start = 0; start < names.length; start += 1000) {
    const rows = names.slice(start, start + 1000).map((n) => sql`(${n.name}, ${foldName(n.name)})`);
    await engine.exec(sql`INSERT INTO dashboard_name_keys VALUES ${sql.join(rows)}`);
  }
}

/**
 * His e-mail consent at the run (person_consents: 1 opted in, 0 not, NULL without that table), so
 * the segment page's "share with e-mail consent" is a sum over the cube. Exports read consents live.
 */
function emailConsentJoin(hasConsents: boolean, int: Sql): JoinedTable[] {
  if (!hasConsents) return [];
  return [{
    table: 'person_consents', alias: 'pc', on: sql`pc.person_id = base.person_id AND pc.channel = 'email'`,
    columns: sql`CAST(CASE WHEN pc.status = 'opt_in' THEN 1 ELSE 0 END AS ${int}) AS email_opt_in`,
  }];
}

/** Sort fields of the list with a precomputed rank (`rank_<field>`), and the column each sorts on. */
export const RANKED_SORTS: Readonly<Record<string, string>> = {
  revenue: 'revenue', clv: 'clv', predicted_value: 'predicted_value', orders: 'orders', last_purchase: 'last_purchase',
  net_contribution: 'net_contribution', gross_margin: 'gross_margin', p_alive: 'p_alive', name: 'full_key', id: 'person_id',
  clv_12m: 'clv_12m',
};

/**
 * `customer_list`: one row per person of customer_classes with what the customer list shows and
 * filters on (classes coalesced to "(unclassified)", so a filter and a segment count the same
 * rows), his first email and phone, folded name keys for search, and per sort field a rank
 * (nulls first, ties by id descending) so that any page, however deep, is an integer sort.
 */
export async function writeCustomerList(engine: Engine): Promise<void> {
  const d = engine.dialect;
  const text = sql.raw(d.columnType('string', true));
  const float = sql.raw(d.columnType('float', true));
  const int = sql.raw(d.columnType('int', true));
  const cls = (column: string): Sql => sql`coalesce(CAST(base.${sql.id(column)} AS ${text}), ${UNCLASSIFIED}) AS ${sql.id(column)}`;
  const cell = sql`CASE WHEN base.r_score IS NULL OR base.f_score IS NULL THEN ${UNCLASSIFIED}
    ELSE concat('r', CAST(CAST(base.r_score AS ${int}) AS ${text}), 'f', CAST(CAST(base.f_score AS ${int}) AS ${text})) END AS rfm_cell`;
  // A datamart whose persons were given rather than resolved has no golden records: no names, emails or phones then.
  const identity = new Set((await engine.query<{ name: string }>(d.existingTables(['person_profiles', 'person_identifiers', 'person_consents']))).map((r) => r.name));
  const profiles = identity.has('person_profiles')
    ? sql`person_profiles`
    : sql`(SELECT CAST(NULL AS ${text}) AS person_id, CAST(NULL AS ${text}) AS first_name, CAST(NULL AS ${text}) AS last_name,
        CAST(NULL AS ${text}) AS city WHERE 1 = 0)`;
  const identifiers = identity.has('person_identifiers')
    ? sql`person_identifiers`
    : sql`(SELECT CAST(NULL AS ${text}) AS person_id, CAST(NULL AS ${text}) AS type, CAST(NULL AS ${text}) AS value WHERE 1 = 0)`;
  await writeNameKeys(engine, profiles);
  await replaceTableByJoins(engine, 'dashboard_person_names', {
    from: profiles,
    columns: sql`base.person_id AS person_id, base.first_name AS first_name, base.last_name AS last_name, base.city AS city,
      ${d.trim(sql`concat(coalesce(base.first_name, ''), ' ', coalesce(base.last_name, ''))`)} AS name`,
    joins: [
      { table: 'dashboard_name_keys', alias: 'fk', on: sql`fk.name = base.first_name`, columns: sql`fk.name_key AS first_key` },
      { table: 'dashboard_name_keys', alias: 'lk', on: sql`lk.name = base.last_name`, columns: sql`lk.name_key AS last_key` },
    ],
  });
  await replaceTable(engine, 'dashboard_contact_points', sql`SELECT person_id,
    min(CASE WHEN type = 'email' THEN value END) AS email, min(CASE WHEN type = 'phone' THEN value END) AS phone
    FROM ${identifiers} AS i WHERE type IN ('email', 'phone') GROUP BY person_id`);
  await replaceTableByJoins(engine, 'dashboard_list_base', {
    perPerson: true,
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
      // Value beside clv: the 12-month value, their basis, referral value and satisfaction (issue 14 section 2).
      sql`CAST(base.clv_12m AS ${float}) AS clv_12m`,
      sql`CAST(base.clv_basis AS ${text}) AS clv_basis`,
      sql`CAST(base.referral_value AS ${float}) AS referral_value`,
      sql`CAST(base.latest_nps AS ${float}) AS latest_nps`,
      sql`CAST(base.latest_csat AS ${float}) AS latest_csat`,
      sql`CAST(coalesce(base.complaints, 0) AS ${int}) AS complaints`,
      sql`CAST(base.p_alive AS ${float}) AS p_alive`,
      sql`CAST(base.recency_days AS ${int}) AS recency_days`,
      sql`CAST(base.window_revenue AS ${float}) AS window_revenue`,
      sql`CAST(base.window_contribution AS ${float}) AS window_contribution`,
      sql`CAST(base.profitability AS ${float}) AS profitability`,
      sql`base.last_purchase AS last_purchase`,
      // The segment page's comparison (segment-page.ts): lifetime value and why P(alive) is missing.
      sql`CAST(base.clv_lifetime AS ${float}) AS clv_lifetime`,
      sql`CAST(base.p_alive_reason AS ${text}) AS p_alive_reason`,
      ...(identity.has('person_consents') ? [] : [sql`CAST(NULL AS ${int}) AS email_opt_in`]),
    ]),
    joins: [
      {
        table: 'dashboard_person_names', alias: 'n', on: sql`n.person_id = base.person_id`,
        columns: sql`n.name AS name, n.first_name AS first_name, n.last_name AS last_name, n.city AS city, n.first_key AS first_key,
          n.last_key AS last_key, ${d.trim(sql`concat(coalesce(n.first_key, ''), ' ', coalesce(n.last_key, ''))`)} AS full_key`,
      },
      { table: 'dashboard_contact_points', alias: 'cp', on: sql`cp.person_id = base.person_id`, columns: sql`cp.email AS email, cp.phone AS phone` },
      ...emailConsentJoin(identity.has('person_consents'), int),
    ],
  });
  // Ranks are numbered on a narrow copy (the id and the sort columns), then joined back: the
  // window sorts then carry 11 columns, not 40.
  const sortColumns = [...new Set(Object.values(RANKED_SORTS))];
  const ranks = Object.entries(RANKED_SORTS).map(([field, column]) =>
    d.supportsWindowFunctions
      ? sql`row_number() OVER (ORDER BY ${sql.id(column)} NULLS FIRST, person_id DESC) AS ${sql.id(`rank_${field}`)}`
      : sql`CAST(NULL AS ${int}) AS ${sql.id(`rank_${field}`)}`, // without window functions the list sorts on the columns
  );
  await replaceTable(engine, 'dashboard_list_ranks', sql`SELECT person_id, ${sql.join(ranks)}
    FROM (SELECT ${sql.join(sortColumns.map((c) => sql.id(c)))} FROM dashboard_list_base) AS s`);
  await replaceTableByJoins(engine, 'customer_list', {
    perPerson: true,
    from: sql`dashboard_list_base`,
    columns: sql`base.*`,
    joins: [{
      table: 'dashboard_list_ranks', alias: 'r', on: sql`r.person_id = base.person_id`,
      columns: sql.join(Object.keys(RANKED_SORTS).map((field) => sql`r.${sql.id(`rank_${field}`)} AS ${sql.id(`rank_${field}`)}`)),
    }],
  });
  const index = d.createIndex('customer_list_by_person_id', 'customer_list', ['person_id']);
  if (index) await engine.exec(index);
  await dropTables(engine, ['dashboard_list_base', 'dashboard_list_ranks', 'dashboard_person_names', 'dashboard_contact_points']);
}
