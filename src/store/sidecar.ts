import { DuckDbEngine } from './duckdb-engine.js';
import type { Engine, Row } from './engine.js';
import { migrate } from './migrations.js';
import type { ColumnType } from './schema.js';
import { sql, type SqlValue } from './sql.js';

/** Rows per INSERT when a table is copied into ClickHouse (values are inlined literals there). */
const BATCH = 2000;

/**
 * Runs `work` on DuckDB: on the engine itself when it is DuckDB, else on an in-memory DuckDB that
 * holds copies of the `reads` tables, whose `writes` tables are then copied back, each staged in
 * a new table and swapped in with RENAME (a failure before the swap leaves the old table intact).
 *
 * Why: identity resolution reads the whole graph into typed arrays and writes back through
 * DuckDB's appender and window functions (row_number, dense_rank) that ClickHouse 18.16 lacks;
 * this gives ClickHouse exactly DuckDB's persons. The copy costs memory in this process in
 * proportion to the identity tables (docs/clickhouse.md), which suits a single server up to
 * millions of records, not the 100M-person cluster.
 */
export async function onDuckDb<T>(engine: Engine, tables: { readonly reads: readonly string[]; readonly writes: readonly string[] }, work: (duckdb: Engine) => Promise<T>): Promise<T> {
  if (engine instanceof DuckDbEngine) return work(engine);
  const sidecar = await DuckDbEngine.open(':memory:');
  try {
    await migrate(sidecar);
    for (const table of tables.reads) await copyInto(engine, sidecar, table);
    const result = await work(sidecar);
    for (const table of tables.writes) await swapInto(sidecar, engine, table);
    return result;
  } finally {
    await sidecar.close();
  }
}

/** The columns of a DuckDB table with the portable type each holds. */
async function duckDbColumns(duckdb: Engine, table: string): Promise<{ name: string; type: ColumnType }[]> {
  const rows = await duckdb.query<{ name: string; type: string }>(
    sql`SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = ${table} ORDER BY ordinal_position`,
  );
  return rows.map((r) => ({ name: r.name, type: portableType(r.type) }));
}

function portableType(duckdbType: string): ColumnType {
  const type = duckdbType.toUpperCase();
  if (/^(VARCHAR|TEXT|STRING|UUID)/.test(type)) return 'string';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(type)) return 'int';
  if (/^(DOUBLE|FLOAT|REAL)$/.test(type)) return 'float';
  if (type.startsWith('DECIMAL')) return 'money';
  if (type === 'DATE') return 'date';
  if (type.startsWith('TIMESTAMP')) return 'timestamp';
  if (type === 'BOOLEAN') return 'bool';
  throw new Error(`no portable type for DuckDB's ${duckdbType}`);
}

/** The columns of a ClickHouse table with the portable type each holds (Nullable and LowCardinality unwrapped). */
async function clickHouseColumns(engine: Engine, table: string): Promise<{ name: string; type: ColumnType }[]> {
  const rows = await engine.query<{ name: string; type: string }>(
    // In the table's order (18.16's system.columns has no position column).
    sql`SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = ${table}`,
  );
  return rows.map((r) => {
    const type = r.type.replace(/^(?:Nullable|LowCardinality)\((.*)\)$/, '$1').replace(/^Nullable\((.*)\)$/, '$1');
    const portable: ColumnType = type === 'String' || type.startsWith('FixedString') ? 'string'
      : /^U?Int\d+$/.test(type) ? 'int'
      : /^Float/.test(type) ? 'float'
      : type.startsWith('Decimal') ? 'money'
      : type === 'Date' ? 'date'
      : type.startsWith('DateTime') ? 'timestamp'
      : 'string';
    return { name: r.name, type: portable };
  });
}

/**
 * Replaces the sidecar's table by the engine's rows: a base table as migrated (empty), a derived
 * one (an earlier step's output) created from the engine's column types.
 */
async function copyInto(from: Engine, duckdb: Engine, table: string): Promise<void> {
  let columns = await duckDbColumns(duckdb, table);
  if (columns.length === 0) {
    columns = await clickHouseColumns(from, table);
    if (columns.length === 0) return; // not made on the engine either: the work sees it missing, as it would there
    await duckdb.exec(duckdb.dialect.createTable({ name: table, doc: '', key: [], columns: columns.map((c) => ({ ...c, doc: '' })) }));
  }
  const names = columns.map((c) => c.name);
  const rows = await from.query(sql`SELECT ${sql.join(names.map((n) => sql.id(n)))} FROM ${sql.id(table)}`);
  await duckdb.exec(sql`DELETE FROM ${sql.id(table)}`);
  await insertRows(duckdb, table, names, rows);
}

/** Writes the sidecar's table to the engine: a new table of the target's structure (or the sidecar's), filled, then renamed over the target. */
async function swapInto(duckdb: Engine, to: Engine, table: string): Promise<void> {
  const columns = await duckDbColumns(duckdb, table);
  const names = columns.map((c) => c.name);
  const stage = `${table}__stage`;
  const old = `${table}__old`;
  const exists = (await to.query(to.dialect.tableColumns(table))).length > 0;
  await to.exec(sql`DROP TABLE IF EXISTS ${sql.id(stage)}`);
  await to.exec(sql`DROP TABLE IF EXISTS ${sql.id(old)}`);
  // Keyless (a plain MergeTree): a table a step writes may hold rows its spec's key does not tell
  // apart (an identifier seen twice), which the migrated ReplacingMergeTree would fold on merge.
  await to.exec(to.dialect.createTable({ name: stage, doc: '', key: [], columns: columns.map((c) => ({ ...c, doc: '' })) }));
  await insertRows(to, stage, names, await duckdb.query(sql`SELECT ${sql.join(names.map((n) => sql.id(n)))} FROM ${sql.id(table)}`));
  if (exists) await to.exec(sql`RENAME TABLE ${sql.id(table)} TO ${sql.id(old)}, ${sql.id(stage)} TO ${sql.id(table)}`);
  else await to.exec(sql`RENAME TABLE ${sql.id(stage)} TO ${sql.id(table)}`);
  await to.exec(sql`DROP TABLE IF EXISTS ${sql.id(old)}`);
}

async function insertRows(engine: Engine, table: string, names: readonly string[], rows: readonly Row[]): Promise<void> {
  const columns = sql.join(names.map((n) => sql.id(n)));
  for (let start = 0; start < rows.length; start += BATCH) {
    const values = rows.slice(start, start + BATCH).map((row) => sql`(${sql.join(names.map((n) => sql`${sqlValue(row[n])}`))})`);
    await engine.exec(sql`INSERT INTO ${sql.id(table)} (${columns}) VALUES ${sql.join(values)}`);
  }
}

function sqlValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || value instanceof Date) return value;
  throw new TypeError(`cannot copy a value of type ${typeof value}`);
}
