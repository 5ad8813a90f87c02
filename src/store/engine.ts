import type { Dialect } from './dialect.js';
import type { Sql, SqlValue } from './sql.js';

export type Row = Record<string, unknown>;

/**
 * One column of `Engine.queryColumns`: 8, 16 and 32-bit integers (signed, or unsigned up to 16
 * bits) as an Int32Array, DOUBLE and FLOAT as a Float64Array (NULL as NaN), any other type as an
 * array of the values `query` would give (BIGINT as bigint, timestamps as Date, NULL as null).
 */
export type Column = Int32Array | Float64Array | unknown[];

/** A connection to one SQL engine. Queries are built once with `sql` and compiled by the dialect. */
export interface Engine {
  readonly dialect: Dialect;
  /** Where the data lives (file path, or URL for a server). */
  readonly location: string;
  exec(query: Sql | string): Promise<void>;
  /** Rows as plain objects; integers come back as numbers when they fit, money as numbers. */
  query<T extends Row = Row>(query: Sql | string): Promise<T[]>;
  /**
   * A large result read column by column, without a row object per row: one Column per item of
   * the SELECT list, in its order, each as long as the result. An integer column must not hold
   * NULL (the call fails: coalesce it in SQL). Optional: engines without it answer `query`, and
   * callers fall back on it (see src/identity/bulk.ts `readColumns`).
   */
  queryColumns?(query: Sql | string): Promise<Column[]>;
  /**
   * queryColumns a batch of rows at a time, each fetched as the previous one is consumed: a
   * result too large to hold at once (every profile document) streams through in bounded memory.
   */
  queryColumnBatches?(query: Sql | string): AsyncIterable<Column[]>;
  /**
   * Appends rows (each with a value for every column of the table, in the table's order) in the
   * current transaction, without SQL: values go to the engine's storage as they are, converted to
   * the column's type as a CAST would. The bulk write of the event loader. Optional: engines
   * without it take an INSERT (src/collect/events/write.ts).
   */
  append?(table: string, rows: readonly (readonly SqlValue[])[]): Promise<void>;
  /** Runs `work` atomically where the engine supports it: all of it is written, or none. */
  transaction<T>(work: (engine: Engine) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
