import type { Readable } from 'node:stream';
import type { Dialect } from './dialect/index.js';
import type { Sql, SqlValue } from './sql.js';

export type Row = Record<string, unknown>;

/**
 * One column of `Engine.queryColumns`: 8, 16 and 32-bit integers (signed, or unsigned up to 16
 * bits) as an Int32Array, DOUBLE and FLOAT as a Float64Array (NULL as NaN), any other type as an
 * array of the values `query` would give (BIGINT as bigint, timestamps as Date, BLOB as
 * Uint8Array, NULL as null).
 */
export type Column = Int32Array | Float64Array | unknown[];

/**
 * One column of `Engine.appendColumns`: its values, or all of them in one text (`TextColumn`),
 * which a worker thread hands over as one string and the engine splits in SQL.
 */
export type AppendColumn = readonly SqlValue[] | TextColumn;

/**
 * A column's values as the text a CAST to the column's type takes, separated by
 * TEXT_COLUMN_SEPARATOR, NULL written as TEXT_COLUMN_NULL (no value may contain either); with
 * `epochMs`, milliseconds since the epoch of a timestamp column.
 */
export interface TextColumn {
  readonly text: string;
  readonly epochMs: boolean;
}

/** ASCII's record and unit separators: control characters that JSON text, names and ids do not hold (checked). */
export const TEXT_COLUMN_SEPARATOR = '\u001e';
export const TEXT_COLUMN_NULL = '\u001f';

export function isTextColumn(column: AppendColumn): column is TextColumn {
  return !Array.isArray(column);
}

/** The values of an append column, as `append` takes them. */
export function appendColumnValues(column: AppendColumn): readonly SqlValue[] {
  if (!isTextColumn(column)) return column;
  const { text, epochMs } = column;
  return text.split(TEXT_COLUMN_SEPARATOR).map((t) => (t === TEXT_COLUMN_NULL ? null : epochMs ? new Date(Number(t)) : t));
}

/** How queryColumnBatches cuts a result. */
export interface ColumnBatchOptions {
  /** Rows per batch where the engine chooses (ClickHouse; DuckDB gives its chunks of 2,048). */
  readonly rows?: number;
}

/** A connection to one SQL engine. Queries are built once with `sql` and compiled by the dialect. */
export interface Engine {
  readonly dialect: Dialect;
  /** Where the data lives (file path, or URL for a server). */
  readonly location: string;
  exec(query: Sql | string): Promise<void>;
  /**
   * Runs a `CREATE TABLE ... AS SELECT` that is per person: the rows of a person come from that
   * person's rows only (every join on `person_id`, every GROUP BY by it, no subquery over other
   * persons). A cluster runs it on each shard over its own rows when every table read is sharded
   * by the person (docs/clickhouse.md, "Per-person steps"). Optional: `exec` does the same elsewhere.
   */
  execPerPerson?(statement: Sql): Promise<void>;
  /**
   * The memory one query may use, in bytes, where a query that needs more fails instead of
   * spilling to disk: ClickHouse 18.16 spills GROUP BYs and sorts (spillSettings) but keeps a
   * join's right-hand side in memory. Undefined where joins spill (DuckDB) or there is no limit;
   * large joins are then cut in hash buckets (src/kernel/buckets.ts).
   */
  readonly queryMemoryLimit?: number | undefined;
  /** Rows as plain objects; integers come back as numbers when they fit, money as numbers. */
  query<T extends Row = Row>(query: Sql | string): Promise<T[]>;
  /**
   * A large result read column by column, without a row object per row: one Column per item of
   * the SELECT list, in its order, each as long as the result. An integer column must not hold
   * NULL (the call fails: coalesce it in SQL). Optional: engines without it answer `query`, and
   * callers fall back on it (see src/identity/bulk.ts `queryColumns`).
   */
  queryColumns?(query: Sql | string, options?: ColumnBatchOptions): Promise<Column[]>;
  /**
   * queryColumns a batch of rows at a time, each fetched as the previous one is consumed: a
   * result too large to hold at once (every profile document) streams through in bounded memory.
   */
  queryColumnBatches?(query: Sql | string, options?: ColumnBatchOptions): AsyncIterable<Column[]>;
  /**
   * Appends rows (each with a value for every column of the table, in the table's order) in the
   * current transaction, without SQL: values go to the engine's storage as they are, converted to
   * the column's type as a CAST would. The bulk write of the event loader. Optional: engines
   * without it take an INSERT (src/collect/events/write.ts).
   */
  append?(table: string, rows: readonly (readonly SqlValue[])[]): Promise<void>;
  /**
   * `append` given column by column (one AppendColumn per column of the table, in its order, each
   * `rowCount` long): the event loader's layout, which the engine can hand to its storage a
   * block of rows at a time instead of a value at a time.
   */
  appendColumns?(table: string, columns: readonly AppendColumn[], rowCount: number): Promise<void>;
  /**
   * Streams bytes in one of the server's own input formats into a table (an INSERT ... FORMAT
   * whose body is `body`), with per-insert format settings (format_csv_delimiter). Optional:
   * engines that read files themselves (DuckDB's read_csv) have none; file import uses it on
   * ClickHouse (src/collect/files/stage-stream.ts).
   */
  insertStream?(table: string, format: 'CSVWithNames' | 'TabSeparatedWithNames' | 'JSONEachRow', body: Readable, settings?: Readonly<Record<string, string | number>>): Promise<void>;
  /** Runs `work` atomically where the engine supports it: all of it is written, or none. */
  transaction<T>(work: (engine: Engine) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Batches of columns made one column each. */
export function concatBatches(batches: readonly Column[][]): Column[] {
  const first = batches[0];
  if (!first) return [];
  const total = batches.reduce((n, b) => n + (b[0]?.length ?? 0), 0);
  return first.map((sample, c): Column => {
    const out: Column = sample instanceof Int32Array ? new Int32Array(total) : sample instanceof Float64Array ? new Float64Array(total) : new Array<unknown>(total);
    let at = 0;
    for (const batch of batches) {
      const column = batch[c] as Column;
      if (Array.isArray(out)) for (let r = 0; r < column.length; r++) out[at + r] = column[r];
      else out.set(column as Int32Array & Float64Array, at);
      at += column.length;
    }
    return out;
  });
}
