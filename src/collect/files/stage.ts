import { InputValidationError } from '../../errors.js';
import type { Engine } from '../../store/index.js';
import { sql, type Sql } from '../../store/index.js';
import { readCsvHeader } from './csv-header.js';
import type { FileFormat } from './formats.js';
import type { KindMapping } from './mapping.js';
import { withReadablePath } from './safe-path.js';

/** A file read into a temporary table of text columns, in file order (rowid = record index). */
export interface StagedFile {
  readonly table: string;
  readonly columns: readonly string[];
  readonly records: number;
  /** What a record index is called in messages and how to number it. */
  readonly lineOffset: number;
  /** The record's index in the file (from 0), in a SELECT from `table`. */
  readonly record: Sql;
}

/**
 * Reads the whole file with DuckDB's own readers into a temp table, every column as text, so
 * that typing and validation happen in SQL with the record's position kept.
 */
export function stageFile(engine: Engine, file: string, format: FileFormat, mapping: KindMapping, table: string): Promise<StagedFile> {
  return withReadablePath(file, (path) => stageFrom(engine, file, path, format, mapping, table));
}

/** stageFile, DuckDB reading `path` (the file itself, or a link to it with a name it will not glob). */
async function stageFrom(engine: Engine, file: string, path: string, format: FileFormat, mapping: KindMapping, table: string): Promise<StagedFile> {
  const target = sql.id(table);
  try {
    let columns: string[];
    let lineOffset: number;
    if (format === 'csv') {
      const header = await readCsvHeader(file, mapping.delimiter, mapping.encoding);
      columns = header.columns;
      assertDistinctColumns(file, columns);
      const types = structLiteral(engine, columns);
      await engine.exec(sql`CREATE OR REPLACE TEMP TABLE ${target} AS SELECT * FROM read_csv(${path},
        header = true, auto_detect = false, delim = ${header.delimiter}, quote = '"', escape = '"',
        strict_mode = true, encoding = ${mapping.encoding}, columns = ${sql.raw(types)})`);
      lineOffset = 2;
    } else if (format === 'jsonl') {
      const keys = await engine.query<{ k: string }>(
        sql`SELECT DISTINCT unnest(json_keys(json)) AS k FROM read_json_objects(${path}, format = 'newline_delimited') ORDER BY k`,
      );
      columns = keys.map((r) => r.k);
      if (columns.length === 0) columns = ['__empty'];
      const types = structLiteral(engine, columns);
      await engine.exec(sql`CREATE OR REPLACE TEMP TABLE ${target} AS SELECT * FROM read_json(${path},
        format = 'newline_delimited', columns = ${sql.raw(types)})`);
      lineOffset = 1;
    } else {
      const described = await engine.query<{ column_name: string }>(
        sql`DESCRIBE SELECT * FROM read_parquet(${path})`,
      );
      columns = described.map((r) => r.column_name);
      const casts = columns.map((c) => sql`CAST(${sql.id(c)} AS VARCHAR) AS ${sql.id(c)}`);
      await engine.exec(
        sql`CREATE OR REPLACE TEMP TABLE ${target} AS SELECT ${sql.join(casts)} FROM read_parquet(${path})`,
      );
      lineOffset = 1;
    }
    const [count] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${target}`);
    return { table, columns, records: Number(count?.n ?? 0), lineOffset, record: engine.dialect.insertionOrder(table) };
  } catch (error) {
    if (error instanceof InputValidationError) throw error;
    throw readError(file, path, error);
  }
}

function structLiteral(engine: Engine, columns: readonly string[]): string {
  return `{${columns.map((c) => `${engine.dialect.literal(c)}: 'VARCHAR'`).join(', ')}}`;
}

export function assertDistinctColumns(file: string, columns: readonly string[]): void {
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column)) {
      throw new InputValidationError([
        { file, line: 1, column, problem: 'column appears twice in the header', expected: 'unique column names' },
      ]);
    }
    seen.add(column);
  }
}

/** Turns a reader failure (malformed CSV row, broken JSON line, not a parquet file) into a located problem. */
export function readError(file: string, path: string, error: unknown): InputValidationError {
  const message = (error instanceof Error ? error.message : String(error)).replaceAll(path, file);
  const lineMatch = /Line:\s*(\d+)/i.exec(message) ?? /line (\d+)/i.exec(message);
  const firstLines = message
    .split('\n')
    .filter((l) => l.trim() && !/^\s*(Possible fixes|\*|file =|delimiter|quote|escape|new_line|header|skip_rows|comment|strict_mode|date_format|timestamp_format|null_padding|sample_size|ignore_errors|all_varchar)/.test(l))
    .slice(0, 3)
    .join(' ');
  return new InputValidationError([
    {
      file,
      ...(lineMatch?.[1] ? { line: Number(lineMatch[1]) } : {}),
      problem: `cannot read the file: ${firstLines.replace(/^[A-Za-z ]*Error:\s*/, '')}`,
    },
  ]);
}
