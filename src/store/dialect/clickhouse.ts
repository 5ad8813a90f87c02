import { ConfigError } from '../../errors.js';
import type { ColumnType, TableSpec } from '../schema.js';
import { sql, type Sql, type SqlValue } from '../sql.js';
import { Dialect, type TopPerGroup } from './base.js';

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

  override inHashBucket(expression: Sql, buckets: number, bucket: number): Sql {
    return sql`(cityHash64(${expression}) % ${sql.raw(String(buckets))} = ${sql.raw(String(bucket))})`;
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
  /**
   * None: 18.16 has no window functions, and releases that have them take a RANGE offset as a
   * number in the ORDER BY column's unit, not an INTERVAL (the report then says none, not a guess).
   */
  override rollingCount(_partitionBy: Sql, _orderBy: Sql, _microseconds: number): Sql | null {
    return null;
  }

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

  /** A Log table: written once, read whole, and on a cluster kept on the query node (src/store/clickhouse-cluster.ts). */
  override scratchTable(name: string, query: Sql): Sql[] {
    return [sql`DROP TABLE IF EXISTS ${sql.id(name)}`, sql`CREATE TABLE ${sql.id(name)} ENGINE = Log AS ${query}`];
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

  override rewriteRows(table: string, set: Readonly<Record<string, Sql>>, where: Sql): Sql[] {
    const assignments = Object.entries(set).map(([column, value]) => sql`${sql.id(column)} = ${value}`);
    return [sql`ALTER TABLE ${sql.id(table)} UPDATE ${sql.join(assignments)} WHERE ${where}`];
  }

  /** On a cluster, the Distributed tables (what queries name), not the `<name>_local` tables under them. */
  override catalogColumns(): Sql {
    return sql`SELECT \`table\` AS table_name, name AS column_name FROM system.columns
      WHERE database = currentDatabase() AND \`table\` IN (SELECT name FROM system.tables WHERE database = currentDatabase() AND engine NOT LIKE '%View'
        AND name NOT IN (SELECT concat(name, '_local') FROM system.tables WHERE database = currentDatabase() AND engine = 'Distributed'))`;
  }

  /**
   * 18.16 has no JSON path functions (JSONExtract came with 19.x): visitParamExtractRaw narrows
   * the text to a key's raw value, key by key, and visitParamExtractString reads and unescapes the
   * last one. They take the first field of that name at any depth of the text they are given, so a
   * key that also appears nested before the wanted one (`{"properties":{"userId":..},"userId":..}`)
   * is read from there: callers match the result against known values, never trust it alone.
   */
  override jsonTextField(text: Sql, path: readonly string[]): Sql {
    let raw = text;
    for (const key of path.slice(0, -1)) raw = sql`visitParamExtractRaw(${raw}, ${key})`;
    return sql`nullIf(visitParamExtractString(${raw}, ${path[path.length - 1] ?? ''}), '')`;
  }

  /** The array's texts read with a regular expression (no JSON parser in 18.16): texts holding a double quote are not supported. */
  override jsonTextList(column: Sql, values: readonly string[]): { readonly holdsAny: Sql; readonly without: Sql; readonly lengthWithout: Sql } {
    const list = sql`extractAll(${column}, '"([^"]*)"')`;
    const given = sql`[${sql.join(values.map((v) => sql`${v}`))}]`;
    const kept = sql`arrayFilter(x -> NOT has(${given}, x), ${list})`;
    return {
      holdsAny: sql`hasAny(${list}, ${given})`,
      without: sql`concat('[', arrayStringConcat(arrayMap(x -> concat('"', x, '"'), ${kept}), ','), ']')`,
      lengthWithout: sql`toInt64(length(${kept}))`,
    };
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

  /**
   * 18.16's `Date` counts days from 1970-01-01, and day 0 is also its zero value ('0000-00-00'),
   * which is what it gives for a min or max over no rows and which rows are read back as NULL:
   * so 1970-01-01 itself cannot be stored either, and the first day a datamart holds is the 2nd.
   */
  override readonly earliestDate = '1970-01-02';

  override dayBeforeEarliest(text: Sql): Sql {
    return sql`(ifNull(toInt32OrNull(extract(${text}, '^ *([0-9]{4})-')) < 1970, 0) OR ifNull(match(${text}, '^ *1970-0?1-0?1([^0-9]|$)'), 0))`;
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
