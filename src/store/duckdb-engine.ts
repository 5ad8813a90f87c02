import {
  BIGINT,
  INTEGER,
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBTimestampValue,
  DuckDBTypeId,
  JSDuckDBValueConverter,
  type DuckDBAppender,
  type DuckDBBlobVector,
  type DuckDBConnection,
  type DuckDBPreparedStatement,
  type DuckDBType,
  type DuckDBValue,
  type DuckDBVector,
  TIMESTAMP,
  VARCHAR,
} from '@duckdb/node-api';
import { DuckDbDialect } from './dialect/index.js';
import { appendColumnValues, isTextColumn, type AppendColumn, type Column, type Engine, type Row, type TextColumn } from './engine.js';
import { compile, type Sql, type SqlValue } from './sql.js';

export interface DuckDbSettings {
  readonly memoryLimit?: string | undefined;
  readonly threads?: number | undefined;
}

/** The embedded default: one DuckDB database file (or ':memory:'). */
export class DuckDbEngine implements Engine {
  readonly dialect = new DuckDbDialect();
  private inTransaction = false;
  /**
   * Prepared statements by query text, on connections that serve the same few reads over and over
   * (the server's read pool): a profile lookup at 1,000/s spent a third of its DuckDB time
   * extracting and preparing the statement again. Null: no cache (the main connection, whose
   * pipeline runs each statement once).
   */
  private statements: Map<string, { readonly prepared: DuckDBPreparedStatement; busy: boolean }> | null = null;

  private constructor(
    readonly location: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    /** The first engine of an instance owns it; the others only close their connection. */
    private readonly ownsInstance = true,
  ) {}

  static async open(location: string, settings: DuckDbSettings = {}): Promise<DuckDbEngine> {
    const options: Record<string, string> = {};
    if (settings.memoryLimit) options.memory_limit = settings.memoryLimit;
    if (settings.threads) options.threads = String(settings.threads);
    const instance = await DuckDBInstance.create(location, options);
    return new DuckDbEngine(location, instance, await DuckDbEngine.connect(instance));
  }

  private static async connect(instance: DuckDBInstance): Promise<DuckDBConnection> {
    const connection = await instance.connect();
    // Timestamps are stored as UTC; parsing an offset must convert to UTC whatever the host says.
    await connection.run(`SET TimeZone = 'UTC'`);
    return connection;
  }

  /**
   * Another connection to the same database: it runs its queries at the same time as this one
   * and sees what this one has committed (DuckDB's MVCC). Close it before this engine.
   */
  async connectAgain(options: { cacheStatements?: boolean } = {}): Promise<DuckDbEngine> {
    const engine = new DuckDbEngine(this.location, this.instance, await DuckDbEngine.connect(this.instance), false);
    if (options.cacheStatements) engine.statements = new Map();
    return engine;
  }

  /**
   * The cached statement of a query text, prepared on first use and claimed (busy) for the
   * caller; null when another call holds it, or the cache is full of others.
   */
  private async claim(text: string): Promise<{ prepared: DuckDBPreparedStatement; busy: boolean } | null> {
    if (!this.statements) return null;
    let entry = this.statements.get(text);
    if (!entry) {
      if (this.statements.size >= 256) return null;
      const prepared = await this.connection.prepare(text);
      // Another call may have prepared the same text meanwhile: keep the first, drop ours.
      entry = this.statements.get(text);
      if (entry) prepared.destroySync();
      else this.statements.set(text, (entry = { prepared, busy: false }));
    }
    // Checked and set with no await between: two calls never bind one statement.
    if (entry.busy) return null;
    entry.busy = true;
    return entry;
  }

  async exec(query: Sql | string): Promise<void> {
    const { text, params } = compile(query, this.dialect);
    await this.connection.run(text, params.map(toDuckDbValue));
  }

  async query<T extends Row = Row>(query: Sql | string): Promise<T[]> {
    const { text, params } = compile(query, this.dialect);
    const entry = await this.claim(text).catch(() => null);
    if (entry) {
      try {
        entry.prepared.bind(params.map(toDuckDbValue));
        const reader = await entry.prepared.runAndReadAll();
        return reader.getRowObjectsJS().map((row) => normaliseRow(row) as T);
      } catch {
        // A statement the catalogue has moved under (a table dropped and made again): prepare afresh below.
        this.statements?.delete(text);
      } finally {
        entry.busy = false;
      }
    }
    const reader = await this.connection.runAndReadAll(text, params.map(toDuckDbValue));
    return reader.getRowObjectsJS().map((row) => normaliseRow(row) as T);
  }

  /** Engine.queryColumns: every batch of the result, concatenated. */
  async queryColumns(query: Sql | string): Promise<Column[]> {
    // Materialised, not streamed: DuckDB builds a materialised result in parallel.
    const { kinds, batches } = await this.columnBatches(query, false);
    const read: Column[][] = [];
    for await (const batch of batches) read.push(batch);
    const total = read.reduce((n, b) => n + (b[0]?.length ?? 0), 0);
    return kinds.map((kind, c): Column => {
      const out: Column = kind === 'int' ? new Int32Array(total) : kind === 'float' ? new Float64Array(total) : new Array<unknown>(total);
      let at = 0;
      for (const batch of read) {
        const column = batch[c] as Column;
        if (Array.isArray(out)) for (let r = 0; r < column.length; r++) out[at + r] = column[r];
        else out.set(column as Int32Array | Float64Array, at);
        at += column.length;
      }
      return out;
    });
  }

  /** Engine.queryColumnBatches: one batch per DuckDB chunk (2,048 rows), streamed: the result is never held whole. */
  async *queryColumnBatches(query: Sql | string): AsyncGenerator<Column[]> {
    yield* (await this.columnBatches(query, true)).batches;
  }

  private async columnBatches(query: Sql | string, stream: boolean): Promise<{ kinds: ColumnKind[]; batches: AsyncGenerator<Column[]> }> {
    const { text, params } = compile(query, this.dialect);
    const values = params.map(toDuckDbValue);
    const result = stream ? await this.connection.stream(text, values) : await this.connection.run(text, values);
    const kinds = result.columnTypes().map((t) => columnKind(t.typeId));
    async function* batches(): AsyncGenerator<Column[]> {
      for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        yield chunkColumns(chunk, kinds, (c) => result.columnName(c));
      }
    }
    return { kinds, batches: batches() };
  }

  /**
   * Engine.append through DuckDB's appender: one call per value, no statement to parse, no text
   * to read back (5,000 events rows staged as JSON lines and read with read_json cost their
   * JSON.stringify plus the reader's parse; appended, about a third of that CPU).
   */
  async append(table: string, rows: readonly (readonly SqlValue[])[], nameInErrors = table): Promise<void> {
    if (rows.length === 0) return;
    const appender = await this.connection.createAppender(table);
    try {
      const writers = Array.from({ length: appender.columnCount }, (_, c) => appendFunction(appender, appender.columnType(c).typeId));
      for (const row of rows) {
        if (row.length !== writers.length) throw new Error(`append to ${nameInErrors}: a row has ${row.length} values for ${writers.length} columns`);
        for (let c = 0; c < writers.length; c++) {
          const value = row[c];
          if (value === null || value === undefined) appender.appendNull();
          else {
            try {
              (writers[c] as (value: SqlValue) => void)(value);
            } catch (error) {
              // The appender's cast says neither its kind nor the column: say both, as a CAST's error would.
              const message = error instanceof Error ? error.message : String(error);
              throw new Error(`Conversion Error: ${message} (column ${c + 1} of ${nameInErrors})`, { cause: error });
            }
          }
        }
        appender.endRow();
      }
      appender.flushSync();
    } catch (error) {
      // Closing flushes: the rows before the one that failed would be written without it.
      appender.clear();
      throw error;
    } finally {
      appender.closeSync();
    }
  }

  /**
   * Engine.appendColumns. Columns given as text (the event loader's) are split by DuckDB in one
   * INSERT (`string_split` and `unnest`, cast to the table's types as `append` casts them): the
   * event loop only binds one string a column, where the appender made a native call a value
   * (about 23 an event of the ingest bench, the loader's largest share of the event loop).
   * Columns of values go to the appender a data chunk (2,048 rows) at a time. Either way a
   * refusal of DuckDB's that does not say which value (a chunk's cast) is explained by appending
   * the rows a value at a time to an empty copy of the table, whose error names the value and
   * column as `append`'s does.
   */
  async appendColumns(table: string, columns: readonly AppendColumn[], rowCount: number): Promise<void> {
    if (rowCount === 0) return;
    if (columns.every(isTextColumn)) {
      await this.insertTextColumns(table, columns, rowCount);
      return;
    }
    const appender = await this.connection.createAppender(table);
    let failure: unknown = null;
    try {
      if (columns.length !== appender.columnCount) throw new Error(`append to ${table}: ${columns.length} columns for ${appender.columnCount}`);
      const layouts = columns.map((column, c) => chunkLayout(appendColumnValues(column), appender.columnType(c).typeId));
      const types = layouts.map((l) => l.type);
      for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
        const size = Math.min(CHUNK_ROWS, rowCount - start);
        const chunk = DuckDBDataChunk.create(types, size);
        for (let c = 0; c < layouts.length; c++) {
          const vector = chunk.getColumnVector(c);
          try {
            (layouts[c] as ChunkLayout).fill(vector, start, size);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            throw new Error(`Conversion Error: ${message} (column ${c + 1} of ${table})`, { cause: error });
          }
          vector.flush();
        }
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } catch (error) {
      // Closing flushes: the chunks before the one that failed would be written without it.
      appender.clear();
      failure = error;
    } finally {
      appender.closeSync();
    }
    if (failure !== null) throw await this.explainAppendFailure(table, columns, rowCount, failure);
  }

  /** Text columns into `table` by one INSERT that splits them (see appendColumns). */
  private async insertTextColumns(table: string, columns: readonly TextColumn[], rowCount: number): Promise<void> {
    const id = (name: string): string => this.dialect.quoteIdent(name);
    const values = columns.map((column, c) => (column.epochMs ? `epoch_ms(CAST(nullif(c${c}, chr(31)) AS BIGINT))` : `nullif(c${c}, chr(31))`));
    const split = columns.map((_, c) => `unnest(string_split($${c + 1}, chr(30))) AS c${c}`);
    const result = await this.connection.run(`INSERT INTO ${id(table)} SELECT ${values.join(', ')} FROM (SELECT ${split.join(', ')})`, columns.map((c) => c.text));
    // unnest pads shorter lists with NULL: a column with a separator inside a value would show here.
    if (result.rowsChanged !== rowCount) throw new Error(`append to ${table}: ${result.rowsChanged} rows written for ${rowCount}`);
  }

  /** The error `append` gives for the same rows, found on an empty copy of the table; `failure` when that takes them. */
  private async explainAppendFailure(table: string, columns: readonly AppendColumn[], rowCount: number, failure: unknown): Promise<unknown> {
    if (failure instanceof Error && failure.message.startsWith('Conversion Error: ')) return failure;
    const copy = `fidelis_append_check`;
    try {
      await this.connection.run(`CREATE OR REPLACE TEMP TABLE ${copy} AS SELECT * FROM ${this.dialect.quoteIdent(table)} LIMIT 0`);
    } catch {
      // A transaction the failure aborted: its own error is all there is.
      return failure;
    }
    try {
      const values = columns.map(appendColumnValues);
      const rows = Array.from({ length: rowCount }, (_, r) => values.map((column) => column[r] ?? null));
      await this.append(copy, rows, table);
      return failure;
    } catch (error) {
      return error;
    } finally {
      await this.connection.run(`DROP TABLE IF EXISTS ${copy}`).catch(() => undefined);
    }
  }

  async transaction<T>(work: (engine: Engine) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this);
    await this.connection.run('BEGIN TRANSACTION');
    this.inTransaction = true;
    try {
      const result = await work(this);
      await this.connection.run('COMMIT');
      return result;
    } catch (error) {
      await this.connection.run('ROLLBACK');
      throw error;
    } finally {
      this.inTransaction = false;
    }
  }

  async close(): Promise<void> {
    for (const { prepared } of this.statements?.values() ?? []) prepared.destroySync();
    this.statements?.clear();
    this.connection.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
    return Promise.resolve();
  }
}

/**
 * How a column takes a non-null value. The appender casts what it is given to the column's type
 * as a CAST would: text for dates and decimals (parsed as SQL text is, so a price keeps the digits
 * it was written with), numbers for numbers, microseconds for timestamps given as Dates.
 */
/** ES2024's check (in Node 20), not yet in the project's TypeScript library. */
type WellFormedCheck = string & { isWellFormed(): boolean };

/** The times a timestamp's ISO text (four-digit years) can say. */
const MIN_TIME = Date.parse('0000-01-01T00:00:00.000Z');
const MAX_TIME = Date.parse('9999-12-31T23:59:59.999Z');

/** Rows of a DuckDB data chunk (its vector size). */
const CHUNK_ROWS = 2048;

/** How one column goes into data chunks: the vector type its values take, and what writes rows [start, start + size) of it. */
interface ChunkLayout {
  readonly type: DuckDBType;
  fill(vector: DuckDBVector, start: number, size: number): void;
}

/** A Date the TIMESTAMP vector can hold as microseconds (as `append`'s appendTimestamp takes it). */
function inTimestampRange(value: Date): boolean {
  const time = value.getTime();
  return time >= MIN_TIME && time <= MAX_TIME;
}

/** The chunk layout of a column: the vector type of the table's when every value has it, text otherwise (cast by DuckDB). */
function chunkLayout(column: readonly SqlValue[], type: DuckDBTypeId): ChunkLayout {
  const set = (vector: DuckDBVector, i: number, value: unknown): void => (vector).setItem(i, value as DuckDBValue);
  const every = (test: (value: SqlValue) => boolean): boolean => column.every((v) => v === null || test(v));
  const typed = (vectorType: DuckDBType, convert: (value: SqlValue) => unknown): ChunkLayout => ({
    type: vectorType,
    fill(vector, start, size) {
      for (let i = 0; i < size; i++) {
        const value = column[start + i] ?? null;
        set(vector, i, value === null ? null : convert(value));
      }
    },
  });
  switch (type) {
    case DuckDBTypeId.BOOLEAN:
      if (every((v) => typeof v === 'boolean')) return typed(BOOLEAN, (v) => v);
      break;
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
      // 32-bit values (identity resolution's node and value numbers) go as INTEGER, which the
      // appender widens: no BigInt made per value.
      if (every((v) => typeof v === 'number' && (v | 0) === v)) return typed(INTEGER, (v) => v);
      if (every((v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v)))) return typed(BIGINT, (v) => BigInt(v as number | bigint));
      break;
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.FLOAT:
      if (every((v) => typeof v === 'number')) return typed(DOUBLE, (v) => v);
      break;
    case DuckDBTypeId.TIMESTAMP:
      // An invalid Date is NULL; one past year 9999 goes as text, as `append` sends it, and fails as there.
      if (every((v) => v instanceof Date && (Number.isNaN(v.getTime()) || inTimestampRange(v)))) {
        return typed(TIMESTAMP, (v) => (Number.isNaN((v as Date).getTime()) ? null : new DuckDBTimestampValue(BigInt((v as Date).getTime()) * 1000n)));
      }
      break;
    default:
      break;
  }
  return typed(VARCHAR, asChunkText);
}

/** A value as the text `append` sends for a column of another type: an invalid Date is NULL. */
function asChunkText(value: SqlValue): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  const text = String(value);
  // Bound as a parameter or read as JSON such text fails; DuckDB would store U+FFFD instead, silently.
  if (!(text as WellFormedCheck).isWellFormed()) throw new Error(`text with a lone UTF-16 surrogate (half an emoji): ${JSON.stringify(text.slice(0, 40))}`);
  return text;
}

function appendFunction(appender: DuckDBAppender, type: DuckDBTypeId): (value: SqlValue) => void {
  // An invalid Date is no time at all: NULL, as JSON.stringify makes it.
  const asText = (value: SqlValue): void => {
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) appender.appendNull();
      else appender.appendVarchar(value.toISOString());
    } else {
      const text = String(value);
      // Bound as a parameter or read as JSON such text fails; the appender would store U+FFFD instead, silently.
      if (!(text as WellFormedCheck).isWellFormed()) throw new Error(`text with a lone UTF-16 surrogate (half an emoji): ${JSON.stringify(text.slice(0, 40))}`);
      appender.appendVarchar(text);
    }
  };
  switch (type) {
    case DuckDBTypeId.BOOLEAN:
      return (value) => (typeof value === 'boolean' ? appender.appendBoolean(value) : asText(value));
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
      return (value) => (typeof value === 'number' && Number.isSafeInteger(value) ? appender.appendBigInt(BigInt(value)) : typeof value === 'bigint' ? appender.appendBigInt(value) : asText(value));
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.FLOAT:
      return (value) => (typeof value === 'number' ? appender.appendDouble(value) : asText(value));
    case DuckDBTypeId.TIMESTAMP:
      return (value) =>
        // A year past 9999 goes as text, as every bound Date does, and fails as there: SQL text cannot write it back.
        value instanceof Date && value.getTime() >= MIN_TIME && value.getTime() <= MAX_TIME ? appender.appendTimestamp(new DuckDBTimestampValue(BigInt(value.getTime()) * 1000n)) : asText(value);
    default:
      return asText;
  }
}

function toDuckDbValue(value: SqlValue): DuckDBValue {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return value;
}

type ColumnKind = 'int' | 'float' | 'bytes' | 'other';

function columnKind(type: DuckDBTypeId): ColumnKind {
  switch (type) {
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
      return 'int';
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.FLOAT:
      return 'float';
    case DuckDBTypeId.BLOB:
      return 'bytes';
    default:
      return 'other';
  }
}

function normaliseRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] =
      typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
        ? Number(value)
        : value;
  }
  return out;
}

/**
 * A BLOB column's values as Uint8Arrays without the copy the converter makes of each: a value
 * longer than 12 bytes is already a fresh allocation of the bindings, a shorter one is a view over
 * the chunk's memory and is copied, so that no value outlives its chunk. Profile documents come
 * out of DuckDB as BLOBs for this (documents.ts: ~5 KB each, handed on as bytes, never decoded).
 */
function blobColumn(vector: DuckDBBlobVector, rows: number): (Uint8Array | null)[] {
  const out = new Array<Uint8Array | null>(rows);
  for (let r = 0; r < rows; r++) {
    const bytes = vector.getItemBytes(r);
    out[r] = bytes !== null && bytes.byteLength <= 12 ? bytes.slice() : bytes;
  }
  return out;
}

/** A chunk's columns as Engine.queryColumns types them. */
function chunkColumns(chunk: DuckDBDataChunk, kinds: readonly ColumnKind[], name: (column: number) => string): Column[] {
  const rows = chunk.rowCount;
  return kinds.map((kind, c): Column => {
    if (kind === 'other') return chunk.convertColumnValues(c, JSDuckDBValueConverter);
    if (kind === 'bytes') return blobColumn(chunk.getColumnVector(c) as DuckDBBlobVector, rows);
    const out = kind === 'int' ? new Int32Array(rows) : new Float64Array(rows);
    const vector = chunk.getColumnVector(c);
    for (let r = 0; r < rows; r++) {
      const value = vector.getItem(r) as number | null;
      if (value === null && kind === 'int') throw new Error(`queryColumns: NULL in integer column ${name(c)}`);
      out[r] = value ?? NaN;
    }
    return out;
  });
}
