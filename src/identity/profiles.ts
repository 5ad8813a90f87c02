/**
 * The golden record: one row per person, each declared attribute taken from the record that wins
 * survivorship for it (most trusted source, then most recent; identity_nodes.survivor_rank), with
 * the id of that record beside the value.
 */
import type { IdentityConfig } from '../config/identity-config.js';
import { replaceTable } from '../kernel/index.js';
import { sql, tableSpec, type Engine, type Sql } from '../store/index.js';

/** The customers table's declared columns (all but the record's own id and source). */
export const PROFILE_ATTRIBUTES: readonly string[] = tableSpec('customers')
  .columns.map((c) => c.name)
  .filter((name) => name !== 'customer_id' && name !== 'source');

/** The golden records of the persons `where` keeps (on identity_nodes AS n). */
export function profileQuery(engine: Engine, where: Sql): Sql {
  const d = engine.dialect;
  const columns = PROFILE_ATTRIBUTES.flatMap((name) => {
    const rank = sql`CASE WHEN c.${sql.id(name)} IS NOT NULL THEN n.survivor_rank END`;
    return [
      sql`${d.argMax(sql`c.${sql.id(name)}`, rank)} AS ${sql.id(name)}`,
      sql`${d.argMax(sql`c.customer_id`, rank)} AS ${sql.id(`${name}_from`)}`,
    ];
  });
  return sql`SELECT n.person_id, count(c.customer_id) AS records, ${sql.join(columns)}
    FROM identity_nodes AS n LEFT JOIN customers AS c ON c.customer_id = n.node_id
    ${where} GROUP BY n.person_id`;
}

/**
 * Rewrites person_profiles: all of it, or only the given persons (after a split or an
 * incremental merge). `settings` is taken for symmetry with the resolution; the order itself was
 * stored per node when the graph was read.
 */
export async function writeProfiles(engine: Engine, _settings: IdentityConfig, personIds?: readonly string[]): Promise<void> {
  if (personIds === undefined) {
    await writeAllProfiles(engine);
    return;
  }
  if (personIds.length === 0) return;
  const list = sql.join(personIds.map((id) => sql`${id}`));
  await engine.exec(sql`DELETE FROM person_profiles WHERE person_id IN (${list})`);
  // Columns named: a datamart migrated from an older schema has its later columns at the end.
  const columns = sql.join(['person_id', 'records', ...PROFILE_ATTRIBUTES.flatMap((name) => [name, `${name}_from`])].map((name) => sql.id(name)));
  await engine.exec(sql`INSERT INTO person_profiles (${columns}) ${profileQuery(engine, sql`WHERE n.person_id IN (${list})`)}`);
}

const PROFILE_ROWS = '_identity_scratch_profile_rows';

/**
 * Every person's golden record. Where the engine takes one JOIN per SELECT (ClickHouse 18.16),
 * the nodes are joined to their records into a scratch table first, then aggregated: 18.16 crashes on a query that aggregates the strings of a JOIN's
 * right-hand side, and gives the right-hand key of an unmatched LEFT JOIN row as '' (hence
 * `record_id`, a copy of it); the columns are named apart from the aggregates' aliases.
 */
async function writeAllProfiles(engine: Engine): Promise<void> {
  const d = engine.dialect;
  if (d.supportsMultipleJoins) {
    // An engine with no such limits aggregates the join in one statement (nothing more written).
    await replaceTable(engine, 'person_profiles', profileQuery(engine, sql``));
    return;
  }
  const held = (name: string): Sql => sql.id(`held_${name}`);
  await replaceTable(engine, PROFILE_ROWS, sql`SELECT n.person_id AS profile_person_id, n.survivor_rank AS profile_rank, c.record_id AS record_id,
      ${sql.join(PROFILE_ATTRIBUTES.map((name) => sql`c.${sql.id(name)} AS ${held(name)}`))}
    FROM identity_nodes AS n LEFT JOIN (SELECT customer_id AS record_id, customer_id, ${sql.join(PROFILE_ATTRIBUTES.map((name) => sql.id(name)))} FROM customers) AS c
      ON c.customer_id = n.node_id`);
  const columns = PROFILE_ATTRIBUTES.flatMap((name) => {
    const rank = sql`CASE WHEN ${held(name)} IS NOT NULL THEN profile_rank END`;
    return [sql`${d.argMax(held(name), rank)} AS ${sql.id(name)}`, sql`${d.argMax(sql`record_id`, rank)} AS ${sql.id(`${name}_from`)}`];
  });
  await replaceTable(engine, 'person_profiles', sql`SELECT profile_person_id AS person_id, count(record_id) AS records, ${sql.join(columns)}
    FROM ${sql.id(PROFILE_ROWS)} GROUP BY profile_person_id`);
  await engine.exec(sql`DROP TABLE ${sql.id(PROFILE_ROWS)}`);
}
