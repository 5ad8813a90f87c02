import { ConfigError } from '../errors.js';
import type { ColumnType, TableSpec } from './schema.js';
import { sql, type Sql, type SqlCompiler, type SqlValue } from './sql.js';

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
   * look the column up first and add it with a plain ADD COLUMN (src/store/migrations.ts).
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
      (c) => `  ${this.quoteIdent(c.name)} ${this.columnType(c.type, !c.required)}`,
    );
    return `CREATE TABLE IF NOT EXISTS ${this.quoteIdent(spec.name)} (\n${columns.join(',\n')}\n)${this.tableSuffix(spec)}`;
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

  /** Distinct values of a group, sorted and joined by commas. */
  distinctList(expression: Sql): Sql {
    return sql`string_agg(DISTINCT ${expression}, ',' ORDER BY ${expression})`;
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
   * in the spec's order): DELETE then INSERT here, in the caller's transaction.
   */
  replaceRows(spec: TableSpec, rows: Sql): Sql[] {
    const columns = sql.join(spec.columns.map((c) => sql.id(c.name)));
    return [sql`DELETE FROM ${sql.id(spec.name)}`, sql`INSERT INTO ${sql.id(spec.name)} (${columns}) ${rows}`];
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
    return [sql`CREATE OR REPLACE TEMP TABLE ${sql.id(name)} AS ${query}`];
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

  /** The earliest day a date column holds, where the engine has a limit users meet (ClickHouse 18.16: 1970-01-01). */
  readonly earliestDate: string | null = null;

  /** Holds when a text starts with a year before earliestDate's (null where there is no limit). */
  yearBeforeEarliest(_text: Sql): Sql | null {
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

  /** A subquery giving `values` as rows of one text column, for `x IN (...)`: one bound list here. */
  textSet(values: readonly string[]): Sql {
    return sql`SELECT unnest(from_json(${JSON.stringify(values)}, '["VARCHAR"]'))`;
  }

  /** Statements that (re)create a scratch table of the given column definitions, for staged rows. */
  stagingTable(name: string, columns: readonly Sql[]): Sql[] {
    return [sql`CREATE OR REPLACE TEMP TABLE ${sql.id(name)} (${sql.join(columns)})`];
  }
}

export class DuckDbDialect extends Dialect {
  readonly name = 'duckdb';
  readonly supportsWindowFunctions = true;
  readonly supportsCte = true;
  readonly supportsMultipleJoins = true;
  readonly supportsTransactions = true;
  readonly supportsJsonDocuments = true;
  readonly supportsConditionalAlter = true;

  /**
   * Materialised first: DuckDB's Top-N pushes a filter on the sort column into the table scan
   * below it, and a scan with that filter no longer probes the index of the query's own filter (a
   * person's last events among 5M: 34 ms scanned, 3-4 ms through the index).
   */
  override topRows(query: Sql, orderBy: Sql, limit: number): Sql {
    return sql`WITH top_source AS MATERIALIZED (${query}) SELECT * FROM top_source ORDER BY ${orderBy} LIMIT ${sql.raw(String(Math.trunc(limit)))}`;
  }

  placeholder(index: number): string {
    return `$${index}`;
  }

  columnType(type: ColumnType, _nullable?: boolean): string {
    switch (type) {
      case 'string':
        return 'VARCHAR';
      case 'int':
        return 'BIGINT';
      case 'money':
        return `DECIMAL(18, ${this.moneyScale})`;
      case 'float':
        return 'DOUBLE';
      case 'date':
        return 'DATE';
      case 'timestamp':
        return 'TIMESTAMP';
      case 'bool':
        return 'BOOLEAN';
    }
  }
}

/**
 * ClickHouse as shipped by Debian (18.16): no server-side parameters, so values are inlined
 * through the escaping below; no window functions, no CTEs, one JOIN per query.
 */
export class ClickHouseDialect extends Dialect {
  readonly name = 'clickhouse';
  readonly supportsWindowFunctions = false;
  readonly supportsCte = false;
  readonly supportsMultipleJoins = false;
  readonly supportsTransactions = false;
  readonly supportsJsonDocuments = false;
  readonly supportsConditionalAlter = false;

  override quoteIdent(name: string): string {
    return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
  }

  placeholder(): null {
    return null;
  }

  override literal(value: SqlValue): string {
    // 18.16 has no TRUE or FALSE; booleans are UInt8 (columnType 'bool').
    if (typeof value === 'boolean') return value ? '1' : '0';
    return super.literal(value);
  }

  protected override stringLiteral(value: string): string {
    // ClickHouse reads backslash escapes inside quotes, so both quote and backslash are escaped.
    const escaped = value
      .replaceAll('\\', '\\\\')
      .replaceAll("'", "\\'")
      .replaceAll('\n', '\\n')
      .replaceAll('\r', '\\r')
      .replaceAll('\t', '\\t')
      .replaceAll('\0', '\\0');
    return `'${escaped}'`;
  }

  protected override timestampLiteral(value: Date): string {
    return `toDateTime('${value.toISOString().slice(0, 19).replace('T', ' ')}', 'UTC')`;
  }

  columnType(type: ColumnType, nullable: boolean): string {
    const base = {
      string: 'String',
      int: 'Int64',
      money: `Decimal(18, ${this.moneyScale})`,
      float: 'Float64',
      date: 'Date',
      timestamp: "DateTime('UTC')",
      bool: 'UInt8',
    }[type];
    return nullable ? `Nullable(${base})` : base;
  }

  /** ClickHouse's to<Type> conversions keep a Nullable argument's NULLs (its CAST fails on them). */
  override cast(expression: Sql, type: ColumnType): Sql {
    switch (type) {
      case 'string':
        return sql`toString(${expression})`;
      case 'int':
        return sql`toInt64(${expression})`;
      case 'money':
        return sql`toDecimal64(${expression}, ${sql.raw(String(this.moneyScale))})`;
      case 'float':
        return sql`toFloat64(${expression})`;
      case 'date':
        return sql`toDate(${expression})`;
      case 'timestamp':
        return sql`toDateTime(${expression}, 'UTC')`;
      case 'bool':
        return sql`toUInt8(${expression})`;
    }
  }

  /** 18.16 refuses an array inside a Nullable, so the list is taken as not null (filter NULLs before). */
  override splitToRows(list: Sql, separator: string): Sql {
    return sql`arrayJoin(splitByChar(${separator}, assumeNotNull(${list})))`;
  }

  override splitPart(text: Sql, separator: string, index: number): Sql {
    return sql`splitByChar(${separator}, assumeNotNull(${text}))[${sql.raw(String(Math.trunc(index)))}]`;
  }

  /** 18.16 has no trim function. */
  override trim(text: Sql): Sql {
    return sql`replaceRegexpAll(${text}, '^ +| +$', '')`;
  }

  override daysBetween(from: Sql, to: Sql): Sql {
    return sql`(toRelativeDayNum(${to}) - toRelativeDayNum(${from}))`;
  }

  override distinctList(expression: Sql): Sql {
    return sql`arrayStringConcat(arraySort(groupUniqArray(${expression})), ',')`;
  }

  override quantiles(expression: Sql, levels: readonly number[]): Sql {
    return sql`quantiles(${sql.raw(levels.map((l) => String(l)).join(', '))})(${expression})`;
  }

  override argMax(value: Sql, by: Sql): Sql {
    return sql`argMax(${value}, ${by})`;
  }

  override argMin(value: Sql, by: Sql): Sql {
    return sql`argMin(${value}, ${by})`;
  }

  override intDiv(dividend: Sql, divisor: Sql): Sql {
    return sql`intDiv(${dividend}, ${divisor})`;
  }

  override flag(condition: Sql): Sql {
    return sql`toUInt8(${condition})`;
  }

  /**
   * No window functions on 18.16: the rows are sorted in a subquery and numbered as they leave the
   * sort, which hands them on as one ordered stream.
   */
  override numberRows(query: Sql, orderBy: Sql, as: string): Sql {
    return sql`SELECT toInt64(rowNumberInAllBlocks()) AS ${sql.id(as)}, * FROM (SELECT * FROM (${query}) ORDER BY ${orderBy})`;
  }

  /** DateTime holds seconds. */
  override epochMs(expression: Sql): Sql {
    return sql`(toInt64(toUnixTimestamp(${expression})) * 1000)`;
  }

  override existingTables(names: readonly string[]): Sql {
    return sql`SELECT name FROM system.tables WHERE database = currentDatabase() AND name IN (${sql.join(names.map((n) => sql`${n}`))})`;
  }

  override createIndex(): Sql | null {
    return null;
  }

  override tableColumns(table: string): Sql {
    return sql`SELECT name FROM system.columns WHERE database = currentDatabase() AND table = ${table}`;
  }

  override tableExists(name: string): Sql {
    return sql`SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = ${name}`;
  }

  override monthOf(expression: Sql): Sql {
    return sql`toStartOfMonth(${expression})`;
  }

  override dateOf(expression: Sql): Sql {
    return sql`toDate(${expression})`;
  }

  /**
   * No window functions on 18.16: each group's rows go into one array of tuples (sort keys first,
   * descending ones negated), sorted, cut to n and unfolded again with their positions.
   */
  override topPerGroup(from: Sql, top: TopPerGroup): Sql {
    const keys = top.orderBy.map((o) => (o.descending ? sql`-toFloat64(${sql.id(o.column)})` : sql.id(o.column)));
    const row = sql`tuple(${sql.join([...keys, ...top.columns.map((c) => sql.id(c))])})`;
    const partition = sql.join(top.partitionBy.map((c) => sql.id(c)));
    const kept = top.columns.map((c, i) => sql`tupleElement(top_row, ${sql.raw(String(keys.length + i + 1))}) AS ${sql.id(c)}`);
    return sql`SELECT ${sql.join([...top.partitionBy.map((c) => sql.id(c)), ...kept])}, top_rank AS ${sql.id(top.rankAs)}
      FROM (SELECT ${partition}, arraySlice(arraySort(groupArray(${row})), 1, ${sql.raw(String(Math.trunc(top.n)))}) AS top_rows
        FROM (${from}) AS grouped GROUP BY ${partition})
      ARRAY JOIN top_rows AS top_row, arrayEnumerate(top_rows) AS top_rank`;
  }

  protected override derivedTableSuffix(): string {
    return ' ENGINE = MergeTree ORDER BY tuple()';
  }

  protected override tableSuffix(spec: TableSpec): string {
    // ReplacingMergeTree keeps the natural-key semantics of re-imports. A keyless (scratch) table is
    // a plain unsorted MergeTree: a ReplacingMergeTree ORDER BY tuple() would keep one row per merge.
    const partition = spec.partitionBy ? ` PARTITION BY ${this.quoteIdent(spec.partitionBy)}` : '';
    if (spec.key.length === 0) return ` ENGINE = MergeTree${partition} ORDER BY tuple()`;
    return ` ENGINE = ReplacingMergeTree${partition} ORDER BY (${spec.key.map((k) => this.quoteIdent(k)).join(', ')})`;
  }

  /**
   * The new rows go to a scratch table of the same structure, whose partition then replaces the
   * table's (ALTER TABLE ... REPLACE PARTITION, atomic for readers; 18.16 has no DELETE).
   */
  override replacePartition(spec: TableSpec, value: Sql, rows: Sql): Sql[] {
    if (!spec.partitionBy) throw new Error(`${spec.name} has no partition column`);
    const table = sql.id(spec.name);
    const scratch = sql.id(`${spec.name}__partition`);
    return [
      sql`DROP TABLE IF EXISTS ${scratch}`,
      sql`CREATE TABLE ${scratch} AS ${table}`,
      sql`INSERT INTO ${scratch} ${rows}`,
      sql`ALTER TABLE ${table} REPLACE PARTITION ${value} FROM ${scratch}`,
      sql`DROP TABLE ${scratch}`,
    ];
  }

  /**
   * No DELETE on 18.16: the rows fill a new table, swapped in by RENAME (a failure before leaves
   * the old rows). Keyless: a table a step writes may hold rows its key does not tell apart (an
   * identifier seen twice on a node), which a ReplacingMergeTree would fold when it merges.
   */
  override replaceRows(spec: TableSpec, rows: Sql): Sql[] {
    const table = sql.id(spec.name);
    const stage = sql.id(`${spec.name}__stage`);
    const old = sql.id(`${spec.name}__old`);
    const columns = sql.join(spec.columns.map((c) => sql.id(c.name)));
    return [
      sql`DROP TABLE IF EXISTS ${stage}`,
      sql`DROP TABLE IF EXISTS ${old}`,
      sql`${sql.raw(this.createTable({ ...spec, name: `${spec.name}__stage`, key: [] }))}`,
      sql`INSERT INTO ${stage} (${columns}) ${rows}`,
      sql`RENAME TABLE ${table} TO ${old}, ${stage} TO ${table}`,
      sql`DROP TABLE ${old}`,
    ];
  }

  /** A TinyLog table: one file per column, appended in order and read back in one stream, in that order. */
  override createTextTable(name: string, columns: readonly string[], recordColumn?: string): Sql[] {
    const list = [...(recordColumn ? [sql`${sql.id(recordColumn)} Int64`] : []), ...columns.map((c) => sql`${sql.id(c)} Nullable(String)`)];
    return [sql`DROP TABLE IF EXISTS ${sql.id(name)}`, sql`CREATE TABLE ${sql.id(name)} (${sql.join(list)}) ENGINE = TinyLog`];
  }

  /** A TinyLog table is read in one stream in insertion order, so the row number in the result is the index. */
  override insertionOrder(_table: string): Sql {
    return sql`toInt64(rowNumberInAllBlocks())`;
  }

  /** No window functions: each group's order values sorted into an array, numbered by arrayEnumerate, joined back. */
  override numberWithin(table: string, partitionBy: Sql, orderColumn: string, as: string): Sql {
    const order = sql.id(orderColumn);
    return sql`SELECT * FROM ${sql.id(table)} ALL INNER JOIN (SELECT ${order}, ${sql.id(as)} FROM (SELECT arraySort(groupArray(${order})) AS numbered
      FROM ${sql.id(table)} GROUP BY ${partitionBy}) ARRAY JOIN numbered AS ${order}, arrayEnumerate(numbered) AS ${sql.id(as)}) USING (${order})`;
  }

  /** 18.16 has no concat_ws; concat gives NULL if any part is NULL, so each later part brings its separator or nothing. */
  override concatSkippingNulls(separator: string, parts: readonly Sql[]): Sql {
    const [first, ...rest] = parts;
    if (!first) return sql`''`;
    return sql`concat(${sql.join([sql`ifNull(${first}, '')`, ...rest.map((p) => sql`ifNull(concat(${separator}, ${p}), '')`)])})`;
  }

  override md5Hex(text: Sql): Sql {
    return sql`lower(hex(MD5(${text})))`;
  }

  override anyValue(expression: Sql): Sql {
    return sql`any(${expression})`;
  }

  override scratchTable(name: string, query: Sql): Sql[] {
    return [sql`DROP TABLE IF EXISTS ${sql.id(name)}`, sql`CREATE TABLE ${sql.id(name)} ENGINE = MergeTree ORDER BY tuple() AS ${query}`];
  }

  override readonly supportsDelete = false;

  /** A subquery, so that an alias may follow and a cluster's JOIN rewrite leaves it as it is. */
  override latest(table: string): Sql {
    return sql`(SELECT * FROM ${sql.id(table)} FINAL)`;
  }

  override replacedRows(): Sql[] {
    return [];
  }

  /**
   * INSERT ... SELECT of the rows with their new values. The columns are read under names of
   * their own: a SELECT alias named like a column would shadow it in the WHERE (see
   * docs/clickhouse.md).
   */
  override updateRows(spec: TableSpec, set: Readonly<Record<string, Sql>>, where: Sql): Sql[] {
    const columns = spec.columns.map((c) => c.name);
    const inner = sql.join(columns.map((c) => sql`${sql.id(c)} AS ${sql.id(`old__${c}`)}`));
    const values = sql.join(columns.map((c) => set[c] ?? sql.id(`old__${c}`)));
    return [
      sql`INSERT INTO ${sql.id(spec.name)} (${sql.join(columns.map((c) => sql.id(c)))})
        SELECT ${values} FROM (SELECT ${inner} FROM ${sql.id(spec.name)} FINAL WHERE ${where})`,
    ];
  }

  override deleteRows(table: string, where: Sql): Sql[] {
    return [sql`ALTER TABLE ${sql.id(table)} DELETE WHERE ${where}`];
  }

  override foldReplacedRows(table: string): Sql[] {
    return [sql`OPTIMIZE TABLE ${sql.id(table)} FINAL`];
  }

  override textSet(values: readonly string[]): Sql {
    return sql`SELECT arrayJoin([${sql.join(values.map((v) => sql`${v}`))}])`;
  }

  override stagingTable(name: string, columns: readonly Sql[]): Sql[] {
    return [sql`DROP TABLE IF EXISTS ${sql.id(name)}`, sql`CREATE TABLE ${sql.id(name)} (${sql.join(columns)}) ENGINE = MergeTree ORDER BY tuple()`];
  }

  override createTableLike(name: string, like: string): Sql {
    return sql`CREATE TABLE ${sql.id(name)} AS ${sql.id(like)}`;
  }

  /**
   * One RENAME TABLE statement: sent whole, so a killed import cannot leave it half done; the
   * tables are renamed one after the other, so a concurrent reader may see some renamed and others
   * not (docs/clickhouse.md: "Two-phase swap").
   */
  override renameTables(pairs: readonly (readonly [from: string, to: string])[]): Sql[] {
    if (pairs.length === 0) return [];
    return [sql`RENAME TABLE ${sql.join(pairs.map(([from, to]) => sql`${sql.id(from)} TO ${sql.id(to)}`))}`];
  }

  /*
   * 18.16's conversions from text are lenient where DuckDB's TRY_CAST is strict (toDateOrNull
   * takes 2024-02-30 for March 1st, toDecimal64 reads "abc" as 0 and throws on a fifth decimal),
   * so each text is matched against the shape DuckDB accepts first, and dates are written back
   * and compared, which refuses the days a calendar lacks. A conversion that could throw gets a
   * harmless stand-in where the shape does not match: if() evaluates both branches.
   */
  override tryInteger(text: Sql): Sql {
    return sql`toInt64OrNull(${text})`;
  }

  override tryMoney(text: Sql): Sql {
    const shape = sql`match(${text}, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$')`;
    // At most moneyScale decimals reach toDecimal64 (it refuses more): extra ones are cut.
    const cut = sql`extract(${text}, ${`^([+-]?[0-9]*([.][0-9]{1,${this.moneyScale}})?)`})`;
    return sql`if(${shape}, toDecimal64(if(${shape}, ${cut}, '0'), ${sql.raw(String(this.moneyScale))}), NULL)`;
  }

  override tryDouble(text: Sql): Sql {
    return sql`if(match(${text}, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$'), toFloat64OrNull(${text}), NULL)`;
  }

  override tryDate(text: Sql): Sql {
    const day = this.isoDay(text);
    return sql`if(toString(toDateOrNull(${day})) = ${day} AND match(${text}, ${ISO_TIMESTAMP}), toDateOrNull(${day}), NULL)`;
  }

  override tryTimestamp(text: Sql): Sql {
    const day = this.isoDay(text);
    return sql`if(toString(toDateOrNull(${day})) = ${day} AND match(${text}, ${ISO_TIMESTAMP}), parseDateTimeBestEffortOrNull(${text}, 'UTC'), NULL)`;
  }

  /** The YYYY-MM-DD day a text starting with an ISO date names, months and days padded. */
  private isoDay(text: Sql): Sql {
    const part = (pattern: string): Sql => sql`extract(${text}, ${pattern})`;
    const padded = (value: Sql): Sql => sql`if(length(${value}) = 1, concat('0', ${value}), ${value})`;
    return sql`concat(${part('^([0-9]{4})-')}, '-', ${padded(part('^[0-9]{4}-([0-9]{1,2})-'))}, '-', ${padded(part('^[0-9]{4}-[0-9]{1,2}-([0-9]{1,2})'))})`;
  }

  /**
   * 18.16 has no strptime: the format becomes a regular expression whose groups are the day,
   * month, year, hour, minute and second, reassembled as an ISO text and checked as tryTimestamp.
   */
  override tryStrptime(text: Sql, format: string): Sql {
    const { pattern, groups } = strptimePattern(format);
    // extract gives the first group only: one regular expression per field, each capturing it.
    const field = (name: string, fallback: string): Sql => {
      if (!groups.includes(name)) return sql`${fallback}`;
      return sql`extract(${text}, ${strptimePattern(format, name).pattern})`;
    };
    const pad = (value: Sql): Sql => sql`if(length(${value}) = 1, concat('0', ${value}), ${value})`;
    const year = groups.includes('y') ? sql`concat('20', ${field('y', '00')})` : field('Y', '1970');
    const iso = sql`concat(${year}, '-', ${pad(field('m', '01'))}, '-', ${pad(field('d', '01'))}, ' ', ${pad(field('H', '00'))}, ':', ${pad(field('M', '00'))}, ':', ${pad(field('S', '00'))})`;
    return sql`if(match(${text}, ${pattern}), ${this.tryTimestamp(iso)}, NULL)`;
  }

  override replaceAll(text: Sql, from: string, to: string): Sql {
    return sql`replaceAll(${text}, ${from}, ${to})`;
  }

  override isDistinctFrom(a: Sql, b: Sql): Sql {
    return sql`NOT ((isNull(${a}) AND isNull(${b})) OR ifNull(${a} = ${b}, 0))`;
  }

  override nullableText(expression: Sql): Sql {
    return sql`CAST(${expression} AS Nullable(String))`;
  }

  override readonly earliestDate = '1970-01-01';

  override yearBeforeEarliest(text: Sql): Sql {
    return sql`ifNull(toInt32OrNull(extract(${text}, '^ *([0-9]{4})-')) < 1970, 0)`;
  }

  /** 18.16 has no correlated subqueries: IN over the referenced column (a set built once). */
  override notInTable(value: Sql, table: string, column: string): Sql {
    return sql`${value} NOT IN (SELECT ${sql.id(column)} FROM ${sql.id(table)})`;
  }

  /** Rebuilds the table under its spec's PARTITION BY (a table made before it had one): copy, then swap by RENAME. */
  override repartition(spec: TableSpec): string[] {
    const table = this.quoteIdent(spec.name);
    const next = this.quoteIdent(`${spec.name}__repartitioned`);
    const old = this.quoteIdent(`${spec.name}__unpartitioned`);
    return [
      `DROP TABLE IF EXISTS ${next}`,
      this.createTable({ ...spec, name: `${spec.name}__repartitioned` }),
      `INSERT INTO ${next} SELECT * FROM ${table}`,
      `RENAME TABLE ${table} TO ${old}, ${next} TO ${table}`,
      `DROP TABLE ${old}`,
    ];
  }
}

/** The ISO 8601 shapes DuckDB's TIMESTAMPTZ cast takes: a day, then optionally a time and an offset. */
const ISO_TIMESTAMP = '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ T]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?)? ?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$';

const STRPTIME_FIELDS: Record<string, string> = { d: '[0-9]{1,2}', m: '[0-9]{1,2}', Y: '[0-9]{4}', y: '[0-9]{2}', H: '[01]?[0-9]|2[0-3]', M: '[0-5][0-9]', S: '[0-5][0-9]' };

/**
 * A strptime format as an anchored regular expression; with `capture`, only that field is a
 * group (ClickHouse's extract returns the first group). Other directives are refused (ConfigError).
 */
function strptimePattern(format: string, capture?: string): { pattern: string; groups: string[] } {
  let pattern = '^';
  const groups: string[] = [];
  for (let i = 0; i < format.length; i++) {
    const c = format[i] as string;
    if (c === '%') {
      const directive = format[++i] ?? '';
      const field = STRPTIME_FIELDS[directive];
      if (field === undefined) throw new ConfigError(`the date format "${format}" of the mapping uses %${directive}, which Fidelis cannot read on ClickHouse 18.16 (it has no strptime); use %d %m %Y %y %H %M %S and other characters as written`);
      groups.push(directive);
      pattern += capture === undefined || capture === directive ? `(${field})` : `(?:${field})`;
    } else pattern += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return { pattern: `${pattern}$`, groups };
}
