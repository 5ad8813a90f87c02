/**
 * Moving millions of rows between the store and the resolver, the same way on every engine:
 * results read column by column a batch at a time (Engine.queryColumnBatches), rows written as
 * columns (Engine.appendColumns). Row objects and bound INSERTs cost ten times more at 1M
 * customers; an engine without the bulk methods gets them as the fallback.
 */
import { sql, type Column, type ColumnType, type Engine, type Sql, type SqlValue, type TableSpec } from '../store/index.js';

/**
 * Rows per batch of a large read (on ClickHouse; DuckDB hands over its own chunks of 2,048):
 * besides the typed arrays the resolver keeps, a read holds one batch of rows at a time.
 */
export const CHUNK_ROWS = 65_536;

/**
 * A large result column-wise (Int32Array, Float64Array or values), read by the engine a batch of
 * `chunkRows` at a time where it chooses (Engine.queryColumns), or from row objects on an engine
 * without column reads.
 */
export async function queryColumns(engine: Engine, query: Sql, names: readonly string[], chunkRows = CHUNK_ROWS): Promise<Column[]> {
  if (engine.queryColumns) return engine.queryColumns(query, { rows: chunkRows });
  const rows = await engine.query(query);
  return names.map((name) => rows.map((row) => row[name]));
}

/** A result a batch at a time (each batch one Column per item of the SELECT list), for work that can go batch by batch. */
export async function* queryBatches(engine: Engine, query: Sql, names: readonly string[], chunkRows = CHUNK_ROWS): AsyncGenerator<Column[]> {
  if (engine.queryColumnBatches) {
    yield* engine.queryColumnBatches(query, { rows: chunkRows });
    return;
  }
  const rows = await engine.query(query);
  for (let start = 0; start < rows.length; start += chunkRows) {
    const batch = rows.slice(start, start + chunkRows);
    yield names.map((name) => batch.map((row) => row[name]));
  }
}

/** An Int32 column of queryColumns (numbers from an engine without typed columns). */
export function ints(column: Column | undefined): Int32Array {
  if (column instanceof Int32Array) return column;
  return Int32Array.from(column ?? [], (v) => Number(v));
}

/** A Float64 column of queryColumns (NULL as NaN). */
export function floats(column: Column | undefined): Float64Array {
  if (column instanceof Float64Array) return column;
  return Float64Array.from(column ?? [], (v) => (v === null || v === undefined ? NaN : Number(v)));
}

export type BulkValue = string | number | boolean | Date | null;

export interface BulkColumn {
  readonly name: string;
  readonly type: ColumnType;
  /** Whether the column may hold NULL. */
  readonly nullable?: boolean;
  readonly values: ArrayLike<BulkValue>;
}

/** (Re)creates a scratch table with exactly these columns, keyless, and fills it. */
export async function loadTable(engine: Engine, table: string, columns: readonly BulkColumn[]): Promise<void> {
  await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(table)}`);
  const spec: TableSpec = { name: table, doc: '', key: [], columns: columns.map((c) => ({ name: c.name, type: c.type, required: !c.nullable, doc: '' })) };
  await engine.exec(engine.dialect.createTable(spec));
  await appendColumns(engine, table, columns);
}

/** (Re)creates a scratch table of integer columns holding the given arrays. */
export async function loadIntTable(engine: Engine, table: string, columns: readonly { readonly name: string; readonly values: Int32Array }[]): Promise<void> {
  await loadTable(engine, table, columns.map((c) => ({ name: c.name, type: 'int', values: c.values })));
}

/** Appends rows (given as columns of equal length) to an existing table whose columns are exactly `columns`, in its order. */
export async function appendColumns(engine: Engine, table: string, columns: readonly BulkColumn[]): Promise<void> {
  const rowCount = columns[0]?.values.length ?? 0;
  if (rowCount === 0) return;
  // Plain arrays: the engines' append takes SqlValue arrays (an Int32Array's numbers as they are).
  const values = columns.map((c): SqlValue[] => Array.from(c.values, (v) => v ?? null));
  if (engine.appendColumns) {
    await engine.appendColumns(table, values, rowCount);
    return;
  }
  const names = sql.join(columns.map((c) => sql.id(c.name)));
  const batch = 500;
  for (let start = 0; start < rowCount; start += batch) {
    const rows: Sql[] = [];
    for (let r = start; r < Math.min(rowCount, start + batch); r++) rows.push(sql`(${sql.join(values.map((column) => sql`${column[r] ?? null}`))})`);
    await engine.exec(sql`INSERT INTO ${sql.id(table)} (${names}) VALUES ${sql.join(rows)}`);
  }
}
