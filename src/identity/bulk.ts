/**
 * Moving millions of rows between the store and the resolver. DuckDB reads whole columns and
 * writes through its appender (row objects and bound INSERTs cost ten times more at 1M
 * customers); any other engine gets the portable path: row queries and batched INSERTs.
 */
import { timestampValue, type DuckDBAppender } from '@duckdb/node-api';
import { compile, DuckDbEngine, sql, type Engine, type Sql, type SqlValue } from '../store/index.js';

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
