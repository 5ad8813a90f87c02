/**
 * Moving millions of rows between the store and the resolver. DuckDB reads whole columns and
 * writes through its appender (row objects and bound INSERTs cost ten times more at 1M
 * customers); any other engine gets the portable path: row queries and batched INSERTs.
 */
import { DuckDBDataChunk, INTEGER, timestampValue, type DuckDBAppender, type DuckDBIntegerVector } from '@duckdb/node-api';
import type { Column } from '../store/engine.js';
import { compile, DuckDbEngine, sql, type Engine, type Sql, type SqlValue } from '../store/index.js';

/** A large result column-wise (Engine.queryColumns), or from row objects on an engine without it. */
export async function queryColumns(engine: Engine, query: Sql, names: readonly string[]): Promise<Column[]> {
  if (engine.queryColumns) return engine.queryColumns(query);
  const rows = await engine.query(query);
  return names.map((name) => rows.map((row) => row[name]));
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

/**
 * (Re)creates a scratch table of INTEGER columns holding the given arrays. DuckDB takes them
 * 2048 rows at a time through its appender (no row objects, no strings); other engines get
 * batched INSERTs.
 */
export async function loadIntTable(engine: Engine, table: string, columns: readonly { readonly name: string; readonly values: Int32Array }[]): Promise<void> {
  await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(table)}`);
  if (!(engine instanceof DuckDbEngine)) {
    await engine.exec(engine.dialect.createTable({ name: table, doc: '', key: [], columns: columns.map((c) => ({ name: c.name, type: 'int', required: true, doc: '' })) }));
    await appendColumns(engine, table, columns.map((c) => ({ name: c.name, type: 'int', values: c.values })));
    return;
  }
  await engine.exec(`CREATE TABLE ${engine.dialect.quoteIdent(table)} (${columns.map((c) => `${engine.dialect.quoteIdent(c.name)} INTEGER NOT NULL`).join(', ')})`);
  const rowCount = columns[0]?.values.length ?? 0;
  if (rowCount === 0) return;
  const appender = await engine.connection.createAppender(table);
  try {
    const size = 2048;
    for (let start = 0; start < rowCount; start += size) {
      const rows = Math.min(size, rowCount - start);
      const chunk = DuckDBDataChunk.create(columns.map(() => INTEGER), rows);
      columns.forEach((column, c) => {
        const vector = chunk.getColumnVector(c) as DuckDBIntegerVector;
        const values = column.values;
        for (let r = 0; r < rows; r++) vector.setItem(r, values[start + r] as number);
        vector.flush();
      });
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** The columns of a query's result, each as an array (same order as the SELECT list). */
export async function readColumns(engine: Engine, query: Sql, names: readonly string[]): Promise<unknown[][]> {
  if (engine instanceof DuckDbEngine) {
    const { text, params } = compile(query, engine.dialect);
    const bound = params.map((p) => (p instanceof Date ? p.toISOString() : typeof p === 'number' && Number.isInteger(p) ? BigInt(p) : p));
    const reader = await engine.connection.runAndReadAll(text, bound);
    return reader.getColumnsJS();
  }
  const rows = await engine.query(query);
  return names.map((name) => rows.map((row) => row[name]));
}

export type BulkType = 'string' | 'int' | 'float' | 'timestamp' | 'bool';
export type BulkValue = string | number | boolean | Date | null;

/** Appends rows (given as columns of equal length) to an existing table whose columns are exactly `columns`. */
export async function appendColumns(
  engine: Engine,
  table: string,
  columns: readonly { readonly name: string; readonly type: BulkType; readonly values: ArrayLike<BulkValue> }[],
): Promise<void> {
  const rowCount = columns[0]?.values.length ?? 0;
  if (rowCount === 0) return;
  if (engine instanceof DuckDbEngine) {
    const appender = await engine.connection.createAppender(table);
    try {
      for (let r = 0; r < rowCount; r++) {
        for (const column of columns) append(appender, column.type, column.values[r] ?? null);
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    return;
  }
  const names = sql.join(columns.map((c) => sql.id(c.name)));
  const batch = 500;
  for (let start = 0; start < rowCount; start += batch) {
    const rows: Sql[] = [];
    for (let r = start; r < Math.min(rowCount, start + batch); r++) {
      rows.push(sql`(${sql.join(columns.map((c) => sql`${(c.values[r] ?? null) as SqlValue}`))})`);
    }
    await engine.exec(sql`INSERT INTO ${sql.id(table)} (${names}) VALUES ${sql.join(rows)}`);
  }
}

function append(appender: DuckDBAppender, type: BulkType, value: BulkValue): void {
  if (value === null) appender.appendNull();
  else if (type === 'string') appender.appendVarchar(String(value));
  else if (type === 'int') appender.appendBigInt(BigInt(Math.trunc(Number(value))));
  else if (type === 'float') appender.appendDouble(Number(value));
  else if (type === 'bool') appender.appendBoolean(Boolean(value));
  else {
    const ms = value instanceof Date ? value.getTime() : Number(value);
    appender.appendTimestamp(timestampValue(BigInt(Math.round(ms)) * 1000n));
  }
}
