import { sql, type Engine, type Sql } from '../store/index.js';

/** Replaces a derived table by the result of a query, on any engine. */
export async function replaceTable(engine: Engine, name: string, query: Sql): Promise<void> {
  await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(name)}`);
  await engine.exec(engine.dialect.createTableAs(name, query));
}

/**
 * Replaces a derived table by a per-person query: each person's rows come from his own rows only
 * (joins on person_id, GROUP BY person_id, no subquery over other persons). A cluster then makes it
 * shard by shard, no row crossing shards (Engine.execPerPerson); elsewhere it is replaceTable.
 */
export async function replacePerPersonTable(engine: Engine, name: string, query: Sql): Promise<void> {
  await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(name)}`);
  const create = engine.dialect.createTableAs(name, query);
  await (engine.execPerPerson ? engine.execPerPerson(create) : engine.exec(create));
}

export async function dropTables(engine: Engine, names: readonly string[]): Promise<void> {
  for (const name of names) await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(name)}`);
}

/** One table joined onto the base: its ON condition may name only the base's columns (as `base.x`) and its own. */
export interface JoinedTable {
  readonly table: string;
  readonly alias: string;
  readonly on: Sql;
  /** Its columns in the select list, qualified by its alias and named (`j.x AS y`). */
  readonly columns: Sql;
  readonly inner?: boolean;
}

/**
 * Replaces a table by a base joined to several tables, then filtered on the output column names.
 * One statement where the engine joins several tables at once (far cheaper than materialising
 * each step), else one join per statement.
 */
export async function replaceTableByJoins(
  engine: Engine,
  name: string,
  spec: {
    readonly from: Sql;
    readonly columns: Sql;
    readonly joins: readonly JoinedTable[];
    readonly where?: Sql;
    /** Every join is on the person and the base has one row set per person (see replacePerPersonTable). */
    readonly perPerson?: boolean;
  },
): Promise<void> {
  const replace = spec.perPerson ? replacePerPersonTable : replaceTable;
  const join = (j: JoinedTable): Sql => sql`${sql.raw(j.inner ? 'JOIN' : 'LEFT JOIN')} ${sql.id(j.table)} AS ${sql.id(j.alias)} ON ${j.on}`;
  const filtered = (query: Sql): Sql => (spec.where ? sql`SELECT * FROM (${query}) AS joined WHERE ${spec.where}` : query);
  if (engine.dialect.supportsMultipleJoins) {
    const columns = [spec.columns, ...spec.joins.map((j) => j.columns)];
    await replace(engine, name, filtered(sql`SELECT ${sql.join(columns)} FROM ${spec.from} AS base ${sql.join(spec.joins.map(join), ' ')}`));
    return;
  }
  const scratch: string[] = [];
  let current = `${name}_join_0`;
  await replace(engine, current, sql`SELECT ${spec.columns} FROM ${spec.from} AS base`);
  scratch.push(current);
  for (const [index, j] of spec.joins.entries()) {
    const next = `${name}_join_${index + 1}`;
    await replace(engine, next, sql`SELECT base.*, ${j.columns} FROM ${sql.id(current)} AS base ${join(j)}`);
    scratch.push(next);
    current = next;
  }
  await replace(engine, name, filtered(sql`SELECT * FROM ${sql.id(current)}`));
  await dropTables(engine, scratch);
}
