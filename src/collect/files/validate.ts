import { InputValidationError, type InputProblem } from '../../errors.js';
import type { ColumnSpec, Dialect, Engine, TableSpec } from '../../store/index.js';
import { sql, type Sql } from '../../store/index.js';
import { csvRecordLines } from './csv-header.js';
import type { FileFormat } from './formats.js';
import type { KindMapping } from './mapping.js';
import type { ImportTables } from './import-tables.js';
import type { StagedFile } from './stage.js';
import { expectedFor, typedExpression } from './typing.js';

export interface TypedFile {
  readonly table: string;
  /** Spec columns the file provides (by column or constant); the others keep their stored value. */
  readonly provided: readonly string[];
  readonly records: number;
}

/**
 * The name a file column has in the typed table's inner SELECT: a name of its own, because on
 * ClickHouse an alias of the outer SELECT (the typed `birth_date`) would take the place of a
 * file column of the same name wherever it is read, even qualified.
 */
const sourceName = (staged: StagedFile, column: string): string => `__src${staged.columns.indexOf(column)}`;

/** Which file column (or constant) feeds each spec column. */
function resolveSources(
  file: string,
  spec: TableSpec,
  staged: StagedFile,
  mapping: KindMapping,
): { sources: Map<string, Sql>; problems: InputProblem[] } {
  const sources = new Map<string, Sql>();
  const problems: InputProblem[] = [];
  const byLowerName = new Map(staged.columns.map((c) => [c.toLowerCase(), c]));
  const found = staged.columns.join(', ');
  for (const column of spec.columns) {
    const constant = mapping.constants[column.name];
    if (constant !== undefined) {
      sources.set(column.name, sql`${constant}`);
      continue;
    }
    const mapped = mapping.columns[column.name];
    const name = mapped
      ? staged.columns.includes(mapped)
        ? mapped
        : undefined
      : (byLowerName.get(column.name.toLowerCase()) ?? undefined);
    if (name !== undefined) sources.set(column.name, sql.id(sourceName(staged, name)));
    else if (mapped) {
      problems.push({
        file,
        column: mapped,
        problem: `the mapping reads ${column.name} from column "${mapped}", which the file does not have`,
        expected: `one of the file's columns: ${found}`,
      });
    } else if (column.required) {
      problems.push({
        file,
        column: column.name,
        problem: 'missing column',
        expected: `a column named "${column.name}" (or one mapped to it with --mapping); the file has: ${found}`,
      });
    }
  }
  return { sources, problems };
}

/**
 * Types every record of a staged file into `typedTable` and checks it against the spec:
 * required values, types, allowed values, bounds, duplicate keys and references. Any problem
 * throws an InputValidationError that names file, line and column.
 */
export async function typeAndValidate(
  engine: Engine,
  tables: ImportTables,
  file: string,
  format: FileFormat,
  spec: TableSpec,
  staged: StagedFile,
  mapping: KindMapping,
  typedTable: string,
  maxProblems: number,
): Promise<TypedFile> {
  const { sources, problems } = resolveSources(file, spec, staged, mapping);
  if (problems.length > 0) throw new InputValidationError(problems);

  const provided = spec.columns.filter((c) => sources.has(c.name));
  const { dialect } = engine;
  const selections = provided.flatMap((c) => {
    const raw = sources.get(c.name) as Sql;
    const typed = sql`${typedExpression(c, raw, mapping, dialect)} AS ${sql.id(c.name)}`;
    return c.type === 'string' && !c.values ? [typed] : [typed, sql`${raw} AS ${sql.id(rawName(c))}`];
  });
  const renamed = staged.columns.map((c) => sql`${sql.id(c)} AS ${sql.id(sourceName(staged, c))}`);
  for (const statement of dialect.scratchTable(typedTable, sql`SELECT __record, ${sql.join(selections)}
    FROM (SELECT ${staged.record} AS __record, ${sql.join(renamed)} FROM ${sql.id(staged.table)}) AS s`)) {
    await engine.exec(statement);
  }
  // The typed table keeps the raw text of every typed column for messages: the staged copy can go.
  await engine.exec(sql`DROP TABLE ${sql.id(staged.table)}`);

  const checks = [
    ...provided.flatMap((c) => columnChecks(c, mapping, dialect)),
    ...((await hasDuplicateKeys(engine, spec, provided, typedTable)) ? keyCheck(spec, typedTable, dialect) : []),
    ...provided.flatMap((c) => referenceCheck(c, tables, dialect)),
    ...(spec.name === 'transactions' && sources.has('order_id') ? orderConsistencyChecks(typedTable, dialect) : []),
  ];
  if (checks.length > 0) {
    // Every branch gives the same column types (ClickHouse's UNION ALL wants them equal).
    // Aliases no table column has: on ClickHouse an alias `value` would stand for t.value too.
    const problems = sql`(${sql.join(checks.map((check) => sql`SELECT t.__record AS __record, ${check.column} AS __col, ${dialect.nullableText(check.value)} AS __value,
        ${check.problem} AS __problem, ${check.expected} AS __expected, ${check.related ?? sql`NULL`} AS __related
        FROM ${check.from ?? sql.id(typedTable)} AS t WHERE ${check.where}`), ' UNION ALL ')}) AS problems`;
    const found = await engine.query<{ __record: number; __col: string; __value: string | number | null; __problem: string; __expected: string; __related: number | null }>(
      sql`SELECT * FROM ${problems} ORDER BY __record, __col LIMIT ${maxProblems}`,
    );
    const rows: ProblemRow[] = found.map((r) => ({ __record: r.__record, col: r.__col, value: r.__value, problem: r.__problem, expected: r.__expected, related: r.__related }));
    if (rows.length > 0) {
      // Counted only when the list is cut (the same union again, in the refusal's path only).
      const total = rows.length < maxProblems ? rows.length : Number((await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${problems}`))[0]?.n ?? rows.length);
      const lines = await recordLines(file, format, rows);
      const lineOf = (record: number): number => lines.get(record) ?? record + staged.lineOffset;
      throw new InputValidationError(
        rows.map((r) => ({
          file,
          line: lineOf(Number(r.__record)),
          column: r.col,
          value: r.value === null ? null : String(r.value),
          problem: r.problem,
          expected: r.related === null ? r.expected : `${r.expected} (first seen at line ${lineOf(Number(r.related))})`,
        })),
        total,
      );
    }
  }
  return { table: typedTable, provided: provided.map((c) => c.name), records: staged.records };
}

type ProblemRow = {
  __record: number;
  col: string;
  value: string | number | null;
  problem: string;
  expected: string;
  related: number | null;
};

interface Check {
  column: string;
  value: Sql;
  problem: string | Sql;
  expected: string;
  where: Sql;
  /** Source of the rows, when the check needs more than the typed table. */
  from?: Sql;
  /** Another record the problem relates to (the first occurrence of a duplicated key). */
  related?: Sql;
}

const rawName = (c: ColumnSpec): string => `${c.name}__raw`;

const TYPE_WORDS: Record<ColumnSpec['type'], string> = {
  string: 'text',
  int: 'whole number',
  money: 'amount',
  float: 'number',
  date: 'date',
  timestamp: 'date',
  bool: 'true/false value',
};

function columnChecks(c: ColumnSpec, mapping: KindMapping, dialect: Dialect): Check[] {
  const col = sql`t.${sql.id(c.name)}`;
  const hasRaw = !(c.type === 'string' && !c.values);
  const raw = hasRaw ? sql`t.${sql.id(rawName(c))}` : col;
  const checks: Check[] = [];
  if (c.required) {
    checks.push({
      column: c.name,
      value: sql`NULL`,
      problem: 'missing value',
      expected: `a value (${c.name} is required)`,
      where: sql`(${raw} IS NULL OR ${dialect.trim(raw)} = '')`,
    });
  }
  if (hasRaw && !c.values) {
    // A day the engine cannot store (before 1970-01-02 on ClickHouse 18.16) is said so, not called invalid.
    const early = (c.type === 'date' || c.type === 'timestamp') && !mapping.dateFormat && !mapping.timestampFormat ? dialect.dayBeforeEarliest(raw) : null;
    checks.push({
      column: c.name,
      value: raw,
      problem: `not a valid ${TYPE_WORDS[c.type]}`,
      expected: expectedFor(c, mapping),
      where: sql`${col} IS NULL AND ${dialect.trim(raw)} <> ''${early ? sql` AND NOT ${early}` : sql``}`,
    });
    if (early && dialect.earliestDate) {
      checks.push({
        column: c.name,
        value: raw,
        problem: `a day before ${dialect.earliestDate}`,
        expected: `a day from ${dialect.earliestDate} on: the earliest ${dialect.engineName} stores (docs/clickhouse.md); leave it empty or import into DuckDB`,
        where: sql`${col} IS NULL AND ${early}`,
      });
    }
  }
  if (c.values) {
    checks.push({
      column: c.name,
      value: raw,
      problem: 'value not allowed',
      expected: `one of ${c.values.join(', ')}`,
      where: sql`${col} IS NOT NULL AND ${col} NOT IN (${sql.join(c.values.map((v) => sql`${v}`))})`,
    });
  }
  if (c.min !== undefined) {
    checks.push({
      column: c.name,
      value: raw,
      problem: c.min >= 0 ? sql`CASE WHEN ${col} < 0 THEN 'negative value' ELSE 'value too small' END` : 'value too small',
      expected: `a value of at least ${c.min}`,
      where: sql`${col} < ${c.min}`,
    });
  }
  if (c.max !== undefined) {
    checks.push({
      column: c.name,
      value: raw,
      problem: 'value too large',
      expected: `a value of at most ${c.max}`,
      where: sql`${col} > ${c.max}`,
    });
  }
  return checks;
}

/** A cheap hash aggregate first: the windowed check that locates duplicates runs only if there are some. */
async function hasDuplicateKeys(
  engine: Engine,
  spec: TableSpec,
  provided: readonly ColumnSpec[],
  typedTable: string,
): Promise<boolean> {
  if (spec.key.length === 0 || !spec.key.every((k) => provided.some((c) => c.name === k))) return false;
  const keys = sql.join(spec.key.map((k) => sql.id(k)));
  const [row] = await engine.query<{ n: number }>(
    sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${sql.id(typedTable)} GROUP BY ${keys} HAVING count(*) > 1 LIMIT 1)`,
  );
  return Number(row?.n ?? 0) > 0;
}

function keyCheck(spec: TableSpec, typedTable: string, dialect: Dialect): Check[] {
  const keys = sql.join(spec.key.map((k) => sql.id(k)));
  const described = sql.join(
    spec.key.map((k) => sql`${k + '='} || coalesce(${dialect.nullableText(sql`t.${sql.id(k)}`)}, '')`),
    " || ', ' || ",
  );
  const typed = sql.id(typedTable);
  return [
    {
      column: spec.key.join(', '),
      value: described,
      problem: 'duplicate key',
      expected: `each ${spec.key.join(' + ')} once per file`,
      // Without window functions the first record of each key comes from a grouped join.
      from: dialect.supportsWindowFunctions
        ? sql`(SELECT *, min(__record) OVER (PARTITION BY ${keys}) AS __first FROM ${typed})`
        : sql`(SELECT * FROM ${typed} LEFT JOIN (SELECT ${keys}, min(__record) AS __first FROM ${typed} GROUP BY ${keys}) USING (${keys}))`,
      where: sql`t.__record <> t.__first`,
      related: sql`t.__first`,
    },
  ];
}

/** Rows of a sales export that share an order id must be one order: same customer, same time. */
function orderConsistencyChecks(typedTable: string, dialect: Dialect): Check[] {
  const typed = sql.id(typedTable);
  return (['customer_id', 'date'] as const).map((column) => ({
    column,
    value: sql`t.${sql.id(column)}`,
    problem: 'differs within one order',
    expected: `the same ${column} on every row of one order_id`,
    from: dialect.supportsWindowFunctions
      ? sql`(SELECT *, first_value(__record) OVER (PARTITION BY order_id ORDER BY __record) AS __first,
      first_value(${sql.id(column)}) OVER (PARTITION BY order_id ORDER BY __record) AS __first_value
      FROM ${typed} WHERE order_id IS NOT NULL)`
      : sql`(SELECT * FROM ${typed} LEFT JOIN (SELECT order_id, min(__record) AS __first,
      ${dialect.argMin(sql.id(column), sql`__record`)} AS __first_value FROM ${typed} WHERE order_id IS NOT NULL GROUP BY order_id) USING (order_id)
      WHERE order_id IS NOT NULL)`,
    where: dialect.isDistinctFrom(sql`t.${sql.id(column)}`, sql`t.__first_value`),
    related: sql`t.__first`,
  }));
}

/** References are looked up where this import has left the referenced table (its copy, on ClickHouse). */
function referenceCheck(c: ColumnSpec, tables: ImportTables, dialect: Dialect): Check[] {
  if (!c.references) return [];
  const { table, column } = c.references;
  const col = sql`t.${sql.id(c.name)}`;
  return [
    {
      column: c.name,
      value: col,
      problem: `unknown ${table.replace(/s$/, '').replace('_', ' ')}`,
      expected: `a ${column} present in ${table} (already imported, or imported in the same command)`,
      where: sql`${col} IS NOT NULL AND ${dialect.notInTable(col, tables.read(table), column)}`,
    },
  ];
}

async function recordLines(file: string, format: FileFormat, rows: readonly ProblemRow[]): Promise<Map<number, number>> {
  if (format !== 'csv') return new Map();
  const records = rows.flatMap((r) => (r.related === null ? [r.__record] : [r.__record, r.related]));
  return csvRecordLines(file, records.map(Number));
}
