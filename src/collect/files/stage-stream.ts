import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable, Transform } from 'node:stream';
import { InputValidationError, type InputProblem } from '../../errors.js';
import { DuckDbEngine, sql, type Engine } from '../../store/index.js';
import { csvRecordLines, readCsvHeader, splitRecord } from './csv-header.js';
import type { FileFormat } from './formats.js';
import type { KindMapping } from './mapping.js';
import { readablePath, withReadablePath } from './safe-path.js';
import { assertDistinctColumns, readError, type StagedFile } from './stage.js';

type InsertStream = NonNullable<Engine['insertStream']>;

/**
 * Stages a file on a server engine (ClickHouse) through its insert stream, every column as
 * text, with each record's index, as stageFile does with DuckDB's readers:
 * - CSV: the bytes as they are (transcoded to UTF-8 from Latin-1 or UTF-16), parsed by the
 *   server's CSVWithNames, with the delimiter detected from the header as on DuckDB. The rows go
 *   to a table kept in insertion order, numbered when read (the dialect's insertionOrder).
 * - JSON Lines: parsed here line by line (the server's JSONEachRow takes a number for a String
 *   column as an error, where DuckDB reads it as its text), each value turned into its text, and
 *   sent as JSONEachRow with its record index.
 * - Parquet: 18.16 has no Parquet input format, so the file is read by an in-process DuckDB (the
 *   same reader and casts to text as the DuckDB import) and its rows sent as JSONEachRow, a chunk
 *   of 2,048 rows at a time (never the whole file in memory).
 */
export async function streamFile(engine: Engine, insert: InsertStream, file: string, format: FileFormat, mapping: KindMapping, table: string): Promise<StagedFile> {
  if (format === 'csv') return streamCsv(engine, insert, file, mapping, table);
  const { columns, rows } = format === 'jsonl' ? await jsonLines(file, mapping) : await parquetRows(file);
  for (const statement of engine.dialect.createTextTable(table, columns, RECORD)) await engine.exec(statement);
  await insert(table, 'JSONEachRow', Readable.from(rows()));
  const [count] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.id(table)}`);
  return { table, columns, records: Number(count?.n ?? 0), lineOffset: 1, record: sql.id(RECORD) };
}

const RECORD = '__record';

async function streamCsv(engine: Engine, insert: InsertStream, file: string, mapping: KindMapping, table: string): Promise<StagedFile> {
  const header = await readCsvHeader(file, mapping.delimiter, mapping.encoding);
  assertDistinctColumns(file, header.columns);
  for (const statement of engine.dialect.createTextTable(table, header.columns)) await engine.exec(statement);
  try {
    // Only '"' quotes, as DuckDB's reader is told (ClickHouse also takes ' by default). 18.16's CSV
    // reader skips tabs around values, delimiters included: a tab-separated file is read as
    // TabSeparated (no quotes, backslash escapes; docs/clickhouse.md).
    if (header.delimiter === '\t') await insert(table, 'TabSeparatedWithNames', transcoded(file, mapping.encoding));
    else await insert(table, 'CSVWithNames', transcoded(file, mapping.encoding), { format_csv_delimiter: header.delimiter, format_csv_allow_single_quotes: 0 });
  } catch (error) {
    throw await csvReadError(file, header, mapping, error);
  }
  const [count] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.id(table)}`);
  return { table, columns: header.columns, records: Number(count?.n ?? 0), lineOffset: 2, record: engine.dialect.insertionOrder(table) };
}

const DECODINGS = { 'latin-1': 'latin1', 'utf-16': 'utf-16le' } as const;

/**
 * The file's bytes as UTF-8, which is all the server reads, ending with a line break (18.16's
 * CSV reader fails with "Attempt to read after eof" on a last record without one, which DuckDB
 * and spreadsheets take).
 */
function transcoded(file: string, encoding: KindMapping['encoding']): Readable {
  const decoder = encoding === 'utf-8' ? null : new TextDecoder(DECODINGS[encoding]);
  let last = 0x0a;
  const utf8 = (chunk: Buffer): Buffer => {
    const out = decoder ? Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8') : chunk;
    if (out.length > 0) last = out[out.length - 1] as number;
    return out;
  };
  return createReadStream(file).pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        done(null, utf8(chunk));
      },
      flush(done) {
        const rest = decoder ? Buffer.from(decoder.decode(), 'utf8') : Buffer.alloc(0);
        if (rest.length > 0) last = rest[rest.length - 1] as number;
        done(null, last === 0x0a || last === 0x0d ? rest : Buffer.concat([rest, Buffer.from('\n')]));
      },
    }),
  );
}

/**
 * The server's parse error as the problem DuckDB's reader reports for the same file: a record
 * with more or fewer values than the header has columns is worded as DuckDB words it (the
 * server says "Expected end of line (at row N)"), anything else keeps the server's first line.
 */
async function csvReadError(file: string, header: { delimiter: string; columns: string[] }, mapping: KindMapping, error: unknown): Promise<InputValidationError> {
  const message = error instanceof Error ? error.message : String(error);
  const row = /\(at row (\d+)\)/.exec(message);
  if (!row?.[1]) return new InputValidationError([{ file, problem: `cannot read the file: ${firstLine(message)}` }]);
  const record = Number(row[1]) - 1;
  const line = (await csvRecordLines(file, [record])).get(record) ?? record + 2;
  const text = await physicalLine(file, line, mapping.encoding);
  const found = splitRecord(text, header.delimiter).length;
  const problem: InputProblem =
    found !== header.columns.length
      ? { file, line, problem: `cannot read the file: CSV Error on Line: ${line} Original Line: ${text} Expected Number of Columns: ${header.columns.length} Found: ${found}` }
      : { file, line, problem: `cannot read the file: ${firstLine(message)}` };
  return new InputValidationError([problem]);
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/^Code: \d+[^:]*:\s*/, '').replace(/DB::Exception:\s*/g, '').replace(/\s*\(at row \d+\)\s*$/, '').replace(/:\s*$/, '');
}

/** The text of a 1-based physical line (read again only to word a refusal). */
async function physicalLine(file: string, line: number, encoding: KindMapping['encoding']): Promise<string> {
  const lines = createInterface({ input: transcoded(file, encoding), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const text of lines) if (++n === line) return text;
  } finally {
    lines.close();
  }
  return '';
}

/** Rows as objects: the client writes each as one JSONEachRow line. */
type Rows = { columns: string[]; rows: () => AsyncGenerator<Record<string, unknown>> };

/** A JSON value as the text DuckDB's read_json gives a VARCHAR column. */
function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * A JSON Lines file read twice: once for the keys (the columns) and to refuse a broken line,
 * once to send the records. Blank lines are no records.
 */
async function jsonLines(file: string, mapping: KindMapping): Promise<Rows> {
  const keys = new Set<string>();
  const problems: InputProblem[] = [];
  for await (const { line, value, error } of records(file, mapping)) {
    if (error !== undefined) problems.push({ file, line, problem: `cannot read the file: malformed JSON in line ${line}: ${error}` });
    else if (value === null || typeof value !== 'object' || Array.isArray(value)) problems.push({ file, line, problem: 'cannot read the file: the line is not a JSON object', expected: 'one JSON object per line' });
    else for (const key of Object.keys(value)) keys.add(key);
    if (problems.length > 0) throw new InputValidationError(problems);
  }
  const columns = keys.size === 0 ? ['__empty'] : [...keys].sort();
  return {
    columns,
    async *rows() {
      let index = 0;
      for await (const { value } of records(file, mapping)) {
        const object = value as Record<string, unknown>;
        const row: Record<string, unknown> = { [RECORD]: index++ };
        for (const column of columns) row[column] = asText(object[column]);
        yield row;
      }
    },
  };
}

async function* records(file: string, mapping: KindMapping): AsyncGenerator<{ line: number; value?: unknown; error?: string }> {
  const lines = createInterface({ input: transcoded(file, mapping.encoding), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    const body = line === 1 ? text.replace(/^\uFEFF/, '') : text;
    if (body.trim() === '') continue;
    try {
      yield { line, value: JSON.parse(body) as unknown };
    } catch (error) {
      yield { line, error: (error as Error).message };
    }
  }
}

/** A Parquet file's rows, every column cast to text by DuckDB, as JSONEachRow lines, a chunk at a time. */
async function parquetRows(file: string): Promise<Rows> {
  // Checked before anything is sent: the columns, and that the file reads at all.
  const columns = await withParquet(file, async (duckdb, path) => {
    const described = await duckdb.query<{ column_name: string }>(sql`DESCRIBE SELECT * FROM read_parquet(${path})`);
    return described.map((r) => r.column_name);
  });
  return {
    columns,
    async *rows() {
      const duckdb = await DuckDbEngine.open(':memory:');
      const readable = await readablePath(file);
      try {
        const casts = columns.map((c) => sql`CAST(${sql.id(c)} AS VARCHAR) AS ${sql.id(c)}`);
        let index = 0;
        for await (const batch of duckdb.queryColumnBatches(sql`SELECT ${sql.join(casts)} FROM read_parquet(${readable.path})`)) {
          const length = batch[0]?.length ?? 0;
          for (let i = 0; i < length; i++) {
            const row: Record<string, unknown> = { [RECORD]: index++ };
            columns.forEach((c, j) => {
              row[c] = asText((batch[j] as unknown[])[i]);
            });
            yield row;
          }
        }
      } finally {
        await readable.release();
        await duckdb.close();
      }
    },
  };
}

async function withParquet<T>(file: string, read: (duckdb: DuckDbEngine, path: string) => Promise<T>): Promise<T> {
  const duckdb = await DuckDbEngine.open(':memory:');
  try {
    return await withReadablePath(file, async (path) => {
      try {
        return await read(duckdb, path);
      } catch (error) {
        throw readError(file, path, error);
      }
    });
  } finally {
    await duckdb.close();
  }
}
