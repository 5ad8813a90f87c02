import type { ColumnSpec, ColumnType, TableSpec } from '../schema.js';
import { sql, type Sql, type SqlCompiler, type SqlValue } from '../sql.js';

/** What `Dialect.topPerGroup` keeps: the columns besides the partition, and how rows are ranked. */
export interface TopPerGroup {
  readonly partitionBy: readonly string[];
  /** Descending columns must be numeric (ClickHouse sorts them by their negation). */
  readonly orderBy: readonly { readonly column: string; readonly descending?: boolean }[];
  /** Columns kept besides the partition columns. */
  readonly columns: readonly string[];
  readonly n: number;
  readonly rankAs: string;
}

/**
 * What differs between engines: capability flags choose fallbacks, and a handful of small
 * overrides (quoting, literals, types, DDL) do the rest. Queries are written once.
 */
export abstract class Dialect implements SqlCompiler {
  abstract readonly name: 'duckdb' | 'clickhouse';
  abstract readonly supportsWindowFunctions: boolean;
  abstract readonly supportsCte: boolean;
  /** Several JOINs in one SELECT (ClickHouse 18.16 takes one per query). */
  abstract readonly supportsMultipleJoins: boolean;
  abstract readonly supportsTransactions: boolean;
  /**
   * JSON built in SQL (json_object, json_group_array, to_json): the profile documents written at
   * the end of a run. Without it profiles are always read from the tables (ClickHouse 18.16).
   */
  abstract readonly supportsJsonDocuments: boolean;
  /**
   * ALTER TABLE IF EXISTS ... ADD COLUMN IF NOT EXISTS. Without it (ClickHouse 18.16) migrations
   * look the column up first and add it with a plain ADD COLUMN (src/store/migrations.ts, addColumn).
   */
  abstract readonly supportsConditionalAlter: boolean;
  /** Money is exact: DECIMAL with this scale everywhere. */
  readonly moneyScale = 4;

  quoteIdent(name: string): string {
    return `"${name.replaceAll('"', '""')}"`;
  }

  abstract placeholder(index: number): string | null;

  literal(value: SqlValue): string {
    if (value === null) return 'NULL';
    if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} as a SQL literal`);
      return String(value);
    }
    if (value instanceof Date) return this.timestampLiteral(value);
    return this.stringLiteral(value);
  }

  protected stringLiteral(value: string): string {
    return `'${value.replaceAll("'", "''")}'`;
  }

  protected timestampLiteral(value: Date): string {
    return `TIMESTAMP '${value.toISOString().replace('T', ' ').replace('Z', '')}'`;
  }

  abstract columnType(type: ColumnType, nullable: boolean): string;

  createTable(spec: TableSpec): string {
    const columns = spec.columns.map(
      (c) => `  ${this.quoteIdent(c.name)} ${this.columnType(c.type, !c.required)}${this.columnStorage(c)}`,
    );
    return `CREATE TABLE IF NOT EXISTS ${this.quoteIdent(spec.name)} (\n${columns.join(',\n')}\n)${this.tableSuffix(spec)}`;
  }

  /** What follows a column's type in its definition for how it is stored (ColumnSpec.storage): nothing by default. */
  protected columnStorage(_column: ColumnSpec): string {
    return '';
  }

  protected tableSuffix(_spec: TableSpec): string {
    return '';
  }

  /**
   * A value converted to a logical type, NULL staying NULL. On ClickHouse 18.16 a CAST to a
   * non-Nullable type fails on NULL, so it has its own conversions.
   */
  cast(expression: Sql, type: ColumnType): Sql {
    return sql`CAST(${expression} AS ${sql.raw(this.columnType(type, false))})`;
  }

  /**
   * A value as a Nullable column of a logical type: the same type on every branch of a UNION ALL
   * (a branch's NULL placeholder included), which ClickHouse requires for the branches to agree.
   * Plain CAST on both engines: NULL is what the cast must let through.
   */
  castToNullable(expression: Sql, type: ColumnType): Sql {
    return sql`CAST(${expression} AS ${sql.raw(this.columnType(type, true))})`;
  }

  /** One row per item of a separated list (in a SELECT list; the row's other columns repeat). */
  splitToRows(list: Sql, separator: string): Sql {
    return sql`unnest(string_split(${list}, ${separator}))`;
  }

  /** The `index`-th (from 1) item of a separated list. */
  splitPart(text: Sql, separator: string, index: number): Sql {
    return sql`split_part(${text}, ${separator}, ${sql.raw(String(Math.trunc(index)))})`;
  }

  /** Without leading and trailing spaces. */
  trim(text: Sql): Sql {
    return sql`trim(${text})`;
  }

  /** The calendar day of a timestamp. */
  dateOf(expression: Sql): Sql {
    return sql`CAST(${expression} AS DATE)`;
  }

  /** The first day of the month of a timestamp. */
  monthOf(expression: Sql): Sql {
    return sql`CAST(date_trunc('month', ${expression}) AS DATE)`;
  }

  /** Whole days from `from` to `to`. */
  daysBetween(from: Sql, to: Sql): Sql {
    return sql`date_diff('day', ${from}, ${to})`;
  }

  /**
   * Distinct values of a group, sorted and joined by commas (NULLs left out; NULL when there are
   * only NULLs). A sorted list, not an ordered string_agg: DuckDB buffers and sorts each group of
   * an ordered aggregate apart (100k persons' 705k purchase lines: 450-520 ms against 110-145 ms
   * for the same text).
   */
  distinctList(expression: Sql): Sql {
    return sql`array_to_string(list_sort(list(DISTINCT ${expression})), ',')`;
  }

  /** An array of the given quantiles of a group (1-based indexing on both engines). */
  quantiles(expression: Sql, levels: readonly number[]): Sql {
    return sql`quantile_cont(${expression}, [${sql.raw(levels.map((l) => String(l)).join(', '))}])`;
  }

  /** The value of the row where `by` is largest, in a group. */
  argMax(value: Sql, by: Sql): Sql {
    return sql`arg_max(${value}, ${by})`;
  }

  /** The value of the row where `by` is smallest, in a group. */
  argMin(value: Sql, by: Sql): Sql {
    return sql`arg_min(${value}, ${by})`;
  }

  /** Whether a row falls in hash bucket `bucket` of `buckets` by `expression` (the same bucket for equal values: a join cut in pieces). */
  inHashBucket(expression: Sql, buckets: number, bucket: number): Sql {
    return sql`(hash(${expression}) % ${sql.raw(String(buckets))} = ${sql.raw(String(bucket))})`;
  }

  /** Integer division rounding down. */
  intDiv(dividend: Sql, divisor: Sql): Sql {
    return sql`(${dividend} // ${divisor})`;
  }

  /** 1 when the condition holds, else 0. */
  flag(condition: Sql): Sql {
    return sql`CAST(${condition} AS INTEGER)`;
  }

  /**
   * The rows of `query` with their position from 0 in `orderBy` order (on the query's output
   * columns; a total order, so the numbering does not depend on how ties fall) as the BIGINT
   * column `as`, before the query's columns.
   */
  numberRows(query: Sql, orderBy: Sql, as: string): Sql {
    return sql`SELECT CAST(row_number() OVER (ORDER BY ${orderBy}) - 1 AS BIGINT) AS ${sql.id(as)}, * FROM (${query}) AS numbered_rows`;
  }

  /** Milliseconds since the epoch of a timestamp, as an integer (NULL stays NULL). */
  epochMs(expression: Sql): Sql {
    return sql`epoch_ms(${expression})`;
  }

  /**
   * The first `n` rows of each group of `from` in the given order, numbered 1..n in `rankAs`
   * (ties broken by the later sort columns). Window functions where the engine has them.
   */
  topPerGroup(from: Sql, top: TopPerGroup): Sql {
    const order = sql.join(top.orderBy.map((o) => sql`${sql.id(o.column)}${sql.raw(o.descending ? ' DESC' : '')}`));
    const partition = sql.join(top.partitionBy.map((c) => sql.id(c)));
    const columns = sql.join([...top.partitionBy, ...top.columns].map((c) => sql.id(c)));
    return sql`SELECT ${columns}, ${sql.id(top.rankAs)} FROM (SELECT ${columns},
      row_number() OVER (PARTITION BY ${partition} ORDER BY ${order}) AS ${sql.id(top.rankAs)}
      FROM (${from}) AS grouped) AS ranked WHERE ${sql.id(top.rankAs)} <= ${sql.raw(String(Math.trunc(top.n)))}`;
  }

  /**
   * A query that reads `rows` several times (`build` gets what to put after FROM): here a subquery
   * at each use; DuckDB computes it once (a MATERIALIZED CTE), which its planner would otherwise
   * inline and recompute per use.
   */
  overMaterialized(name: string, rows: Sql, build: (from: Sql) => Sql): Sql {
    return build(sql`(${rows})`);
  }

  /**
   * Per row, the rows of its partition whose `orderBy` timestamp lies within `microseconds`
   * before its own, itself included (a window with a RANGE frame over time); null where the engine
   * has no such frame.
   */
  rollingCount(partitionBy: Sql, orderBy: Sql, microseconds: number): Sql | null {
    if (!this.supportsWindowFunctions) return null;
    return sql`count(*) OVER (PARTITION BY ${partitionBy} ORDER BY ${orderBy}
            RANGE BETWEEN INTERVAL '${sql.raw(String(Math.trunc(microseconds)))} microseconds' PRECEDING AND CURRENT ROW)`;
  }

  /** The first `limit` rows of `query` in `orderBy` order. */
  topRows(query: Sql, orderBy: Sql, limit: number): Sql {
    return sql`SELECT * FROM (${query}) AS top_source ORDER BY ${orderBy} LIMIT ${sql.raw(String(Math.trunc(limit)))}`;
  }

  /** One row with `n` = 1 when the table exists, else 0 (derived tables appear after the first run). */
  tableExists(name: string): Sql {
    return sql`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ${name}`;
  }

  /** The names among `names` of the tables that exist (derived tables appear after the first run). */
  existingTables(names: readonly string[]): Sql {
    return sql`SELECT table_name AS name FROM information_schema.tables WHERE table_name IN (${sql.join(names.map((n) => sql`${n}`))})`;
  }

  /** An index for point lookups, or null where the engine has no secondary indexes (ClickHouse sorts by key instead). */
  createIndex(name: string, table: string, columns: readonly string[]): Sql | null {
    return sql`CREATE INDEX IF NOT EXISTS ${sql.id(name)} ON ${sql.id(table)} (${sql.join(columns.map((c) => sql.id(c)))})`;
  }

  /**
   * Adds a column unless it is there (and, with `tableMayBeMissing`, unless the table is not), in
   * one statement; only where `supportsConditionalAlter`.
   */
  addColumnIfMissing(table: string, column: string, type: string, tableMayBeMissing: boolean): string {
    return `ALTER TABLE ${tableMayBeMissing ? 'IF EXISTS ' : ''}${this.quoteIdent(table)} ADD COLUMN IF NOT EXISTS ${this.quoteIdent(column)} ${type}`;
  }

  /** A plain ADD COLUMN, for engines without the conditional form. */
  addColumn(table: string, column: string, type: string): string {
    return `ALTER TABLE ${this.quoteIdent(table)} ADD COLUMN ${this.quoteIdent(column)} ${type}`;
  }

  /** The names of a table's columns, as rows of `name` (none when the table is missing). */
  tableColumns(table: string): Sql {
    return sql`SELECT column_name AS name FROM information_schema.columns WHERE table_name = ${table} ORDER BY ordinal_position`;
  }

  /** A derived table from a query (pipeline outputs). */
  createTableAs(name: string, query: Sql): Sql {
    return sql`CREATE TABLE ${sql.id(name)}${sql.raw(this.derivedTableSuffix())} AS ${query}`;
  }

  protected derivedTableSuffix(): string {
    return '';
  }

  /**
   * A table a pipeline step makes for its own use and drops before it ends (not among its
   * `writes`): here a derived table like any other; DuckDB keeps it TEMP (duckdb.ts).
   */
  createScratchTableAs(name: string, query: Sql): Sql {
    return this.createTableAs(name, query);
  }

  /**
   * Statements that replace the rows of `spec` whose `partitionBy` column equals `value` by the
   * rows of `rows` (a SELECT of the table's columns, in order): DELETE then INSERT in a
   * transaction here; ClickHouse swaps a partition (it has no DELETE).
   */
  replacePartition(spec: TableSpec, value: Sql, rows: Sql): Sql[] {
    if (!spec.partitionBy) throw new Error(`${spec.name} has no partition column`);
    return [sql`DELETE FROM ${sql.id(spec.name)} WHERE ${sql.id(spec.partitionBy)} = ${value}`, sql`INSERT INTO ${sql.id(spec.name)} ${rows}`];
  }

  /**
   * Statements that replace every row of the table of `spec` by `rows` (a SELECT of its columns,
   * in the spec's order), in the caller's transaction: the table made again from its spec, then
   * filled. Not DELETE then INSERT, which keeps every index on the table up to date row by row:
   * in a second `fidelis run` of 1M persons, whose identity tables carry the lookup indexes of
   * the first, the identity step took 434 s that way against 166 s in the first run. A new table
   * has no index; the run's lookup_indexes step builds them again at its end.
   */
  replaceRows(spec: TableSpec, rows: Sql): Sql[] {
    const columns = sql.join(spec.columns.map((c) => sql.id(c.name)));
    return [sql`DROP TABLE IF EXISTS ${sql.id(spec.name)}`, sql.raw(this.createTable(spec)), sql`INSERT INTO ${sql.id(spec.name)} (${columns}) ${rows}`];
  }

  /** Statements that bring an existing table to its spec's partitioning (none where tables have no partitions). */
  repartition(_spec: TableSpec): string[] {
    return [];
  }

  /**
   * A scratch table made from a query, for work in progress (a file import's staged rows):
   * DuckDB keeps it in the session's temporary space; ClickHouse, which has no temporary tables
   * over HTTP, makes a plain table (dropped by its user, or on the next import).
   */
  scratchTable(name: string, query: Sql): Sql[] {
    return [this.tempTableAs(name, query)];
  }

  /** A table of the session's temporary space, made from a query (where the engine has one). */
  protected tempTableAs(name: string, query: Sql): Sql {
    return sql`CREATE OR REPLACE TEMP TABLE ${sql.id(name)} AS ${query}`;
  }

  /**
   * A table of text columns a file is staged into (with an integer record index first when
   * `recordColumn` is given), whose rows read back in insertion order.
   */
  createTextTable(name: string, columns: readonly string[], recordColumn?: string): Sql[] {
    const list = [...(recordColumn ? [sql`${sql.id(recordColumn)} BIGINT`] : []), ...columns.map((c) => sql`${sql.id(c)} VARCHAR`)];
    return [sql`CREATE OR REPLACE TEMP TABLE ${sql.id(name)} (${sql.join(list)})`];
  }

  /**
   * Each row's index (from 0) in insertion order, in a SELECT from a table made by createTextTable:
   * rows of a table created in an open transaction get row ids from a large base, in insertion
   * order, so the offset from the smallest is the record's index.
   */
  insertionOrder(table: string): Sql {
    return sql`rowid - (SELECT min(rowid) FROM ${sql.id(table)})`;
  }

  /**
   * Every row of `table` with its number (from 1) among the rows of the same `partitionBy`, in
   * `orderColumn` order (a column unique in the table), as column `as`.
   */
  numberWithin(table: string, partitionBy: Sql, orderColumn: string, as: string): Sql {
    return sql`SELECT *, row_number() OVER (PARTITION BY ${partitionBy} ORDER BY ${sql.id(orderColumn)}) AS ${sql.id(as)} FROM ${sql.id(table)}`;
  }

  /** Texts joined by `separator`, NULL ones left out (the first must not be NULL). */
  concatSkippingNulls(separator: string, parts: readonly Sql[]): Sql {
    return sql`concat_ws(${separator}, ${sql.join(parts)})`;
  }

  /** The MD5 digest of a text, as 32 lowercase hexadecimal digits. */
  md5Hex(text: Sql): Sql {
    return sql`md5(${text})`;
  }

  /** Any non-NULL value of a group. */
  anyValue(expression: Sql): Sql {
    return sql`any_value(${expression})`;
  }

  /** An empty table with the structure (columns, engine, sort key) of `like`. */
  createTableLike(name: string, like: string): Sql {
    return sql`CREATE TABLE ${sql.id(name)} AS SELECT * FROM ${sql.id(like)} LIMIT 0`;
  }

  /** Renames tables in one statement (ClickHouse: sent whole, but renamed one after the other: a concurrent reader may see some renamed and others not). */
  renameTables(pairs: readonly (readonly [from: string, to: string])[]): Sql[] {
    return pairs.map(([from, to]) => sql`ALTER TABLE ${sql.id(from)} RENAME TO ${sql.id(to)}`);
  }

  /** Text of an integer, NULL when it is not one. */
  tryInteger(text: Sql): Sql {
    return sql`TRY_CAST(${text} AS BIGINT)`;
  }

  /** Text of a decimal number as money (DECIMAL(18, moneyScale)), NULL when it is not one. */
  tryMoney(text: Sql): Sql {
    return sql`TRY_CAST(${text} AS DECIMAL(18, ${sql.raw(String(this.moneyScale))}))`;
  }

  /** Text of a floating-point number, NULL when it is not one. */
  tryDouble(text: Sql): Sql {
    return sql`TRY_CAST(${text} AS DOUBLE)`;
  }

  /** An ISO 8601 date (or date-time, whose day is taken), NULL when it is not a real day. */
  tryDate(text: Sql): Sql {
    return sql`COALESCE(TRY_CAST(${text} AS DATE), CAST(TRY_CAST(${text} AS TIMESTAMP) AS DATE))`;
  }

  /** An ISO 8601 date-time, an offset turning it into UTC, NULL when it is not one. */
  tryTimestamp(text: Sql): Sql {
    return sql`CAST(TRY_CAST(${text} AS TIMESTAMPTZ) AS TIMESTAMP)`;
  }

  /** Text written in a strptime `format` (%d/%m/%Y %H:%M...) as a timestamp, NULL when it does not match. */
  tryStrptime(text: Sql, format: string): Sql {
    return sql`CAST(try_strptime(${text}, ${format}) AS TIMESTAMP)`;
  }

  /** Every occurrence of `from` in a text replaced by `to`. */
  replaceAll(text: Sql, from: string, to: string): Sql {
    return sql`replace(${text}, ${from}, ${to})`;
  }

  /** NULL-safe inequality: two NULLs are not distinct, a NULL and a value are. */
  isDistinctFrom(a: Sql, b: Sql): Sql {
    return sql`${a} IS DISTINCT FROM ${b}`;
  }

  /** A value as nullable text (the branches of a UNION ALL of mixed types agree on it). */
  nullableText(expression: Sql): Sql {
    return sql`CAST(${expression} AS VARCHAR)`;
  }

  /** The engine's name as users read it in messages. */
  get engineName(): string {
    return this.name === 'duckdb' ? 'DuckDB' : 'ClickHouse';
  }

  /** The earliest day a date column holds, where the engine has a limit users meet (ClickHouse 18.16: 1970-01-02). */
  readonly earliestDate: string | null = null;

  /** Holds when a text starts with a day before earliestDate (null where there is no limit). */
  dayBeforeEarliest(_text: Sql): Sql | null {
    return null;
  }

  /** Holds when a non-NULL `value` is not among `table`.`column`. */
  notInTable(value: Sql, table: string, column: string): Sql {
    return sql`NOT EXISTS (SELECT 1 FROM ${sql.id(table)} AS r WHERE r.${sql.id(column)} = ${value})`;
  }

  /*
   * Rows changed in place. DuckDB has UPDATE and DELETE in transactions; ClickHouse 18.16 has
   * neither (only asynchronous ALTER TABLE ... DELETE mutations), but its keyed tables are
   * ReplacingMergeTrees: a row inserted with the key of a stored one replaces it, for a reader
   * of `latest(table)` at once, and for every reader once the server merges the table's parts.
   * So a change a read must see at once (logout, a key revoked, a saved position) is written as
   * a new version of the row, and read through `latest`.
   */

  /**
   * DELETE statements and UPDATE/INSERT forms of a row change work in place here (false on
   * ClickHouse: see above).
   */
  readonly supportsDelete: boolean = true;

  /** The rows of a keyed table as they are now, to read FROM (with an alias after it). */
  latest(table: string): Sql {
    return sql.id(table);
  }

  /**
   * What runs before inserting rows that replace the rows `where` selects, which have their
   * key: a DELETE here; nothing on ClickHouse (the insert replaces them, for `latest` readers).
   */
  replacedRows(table: string, where: Sql): Sql[] {
    return [sql`DELETE FROM ${sql.id(table)} WHERE ${where}`];
  }

  /**
   * Sets columns of the rows `where` selects: an UPDATE here; on ClickHouse a new version of
   * each such row, inserted (read through `latest`).
   */
  updateRows(spec: TableSpec, set: Readonly<Record<string, Sql>>, where: Sql): Sql[] {
    const assignments = Object.entries(set).map(([column, value]) => sql`${sql.id(column)} = ${value}`);
    return [sql`UPDATE ${sql.id(spec.name)} SET ${sql.join(assignments)} WHERE ${where}`];
  }

  /**
   * Deletes the rows `where` selects: at once here; on ClickHouse an asynchronous mutation, which
   * readers may not see for a moment (for rows nobody must read again at once: expired sessions,
   * old failure counts, events past their retention).
   */
  deleteRows(table: string, where: Sql): Sql[] {
    return [sql`DELETE FROM ${sql.id(table)} WHERE ${where}`];
  }

  /**
   * Makes a keyed table's replaced rows go for every reader, not only `latest`'s: nothing here;
   * on ClickHouse a merge of its parts (OPTIMIZE ... FINAL, synchronous on 18.16).
   */
  foldReplacedRows(_table: string): Sql[] {
    return [];
  }

  /**
   * Sets columns of the rows `where` selects in place, their old values gone from the table (an
   * erasure's pseudonyms): an UPDATE here; on ClickHouse a mutation (ClickHouseEngine.exec waits
   * for it), which cannot set a column of the table's key.
   */
  rewriteRows(table: string, set: Readonly<Record<string, Sql>>, where: Sql): Sql[] {
    const assignments = Object.entries(set).map(([column, value]) => sql`${sql.id(column)} = ${value}`);
    return [sql`UPDATE ${sql.id(table)} SET ${sql.join(assignments)} WHERE ${where}`];
  }

  /** Every base table's columns, as rows (table_name, column_name), a table's in their order: no views. */
  catalogColumns(): Sql {
    return sql`SELECT c.table_name AS table_name, c.column_name AS column_name
      FROM information_schema.columns AS c JOIN information_schema.tables AS t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
      WHERE c.table_schema = 'main' AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position`;
  }

  /** The text at `path` (object keys from the top) of a JSON text; NULL where the text is no JSON or lacks it. */
  jsonTextField(text: Sql, path: readonly string[]): Sql {
    return sql`CASE WHEN json_valid(${text}) THEN json_extract_string(${text}, ${`$.${path.join('.')}`}) END`;
  }

  /**
   * A column holding a JSON array of texts (`["a","b"]`), against some `values`: whether it holds
   * any of them, the array without them (as JSON text) and its length then.
   */
  jsonTextList(column: Sql, values: readonly string[]): { readonly holdsAny: Sql; readonly without: Sql; readonly lengthWithout: Sql } {
    const list = sql`from_json(${column}, '["VARCHAR"]')`;
    const given = sql`list_value(${sql.join(values.map((v) => sql`${v}`))})`;
    const kept = sql`list_filter(${list}, x -> NOT list_contains(${given}, x))`;
    return { holdsAny: sql`list_has_any(${list}, ${given})`, without: sql`CAST(to_json(${kept}) AS VARCHAR)`, lengthWithout: sql`len(${kept})` };
  }

  /** A subquery giving `values` as rows of one text column, for `x IN (...)`: one bound list here. */
  textSet(values: readonly string[]): Sql {
    return sql`SELECT unnest(from_json(${JSON.stringify(values)}, '["VARCHAR"]'))`;
  }

  /** Statements that (re)create a scratch table of the given column definitions, for staged rows. */
  stagingTable(name: string, columns: readonly Sql[]): Sql[] {
    return [sql`CREATE OR REPLACE TEMP TABLE ${sql.id(name)} (${sql.join(columns)})`];
  }
}
