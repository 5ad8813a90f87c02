import type { AppendColumn, Engine, SqlValue, TableSpec, TextColumn } from '../../store/index.js';
import { appendColumnValues, sql, type Sql, TEXT_COLUMN_NULL, TEXT_COLUMN_SEPARATOR } from '../../store/index.js';
import { TARGET_ORDER, TARGETS, type EventRow, type RowSet, type TargetName } from './rows.js';

const STAGE = 'evt_stage';
const MERGED = 'evt_merged';

/** One table's rows of a chunk, column by column in the order of the table's spec. */
export interface StagedTable {
  readonly name: TargetName;
  readonly rowCount: number;
  readonly columns: readonly AppendColumn[];
}

/** Times a TIMESTAMP column holds (the ISO text of four-digit years). */
const MIN_TIME = Date.parse('0000-01-01T00:00:00.000Z');
const MAX_TIME = Date.parse('9999-12-31T23:59:59.999Z');

/** ES2024's check (in Node 20), not yet in the project's TypeScript library. */
type WellFormedCheck = string & { isWellFormed(): boolean };

/**
 * A column as one text (TextColumn), or null when a value holds a separator or a lone surrogate:
 * such a table goes value by value, and the appender names the value it refuses. A timestamp
 * column of Dates goes as epoch milliseconds; other values as the text `append` casts them from.
 */
function textColumn(values: readonly SqlValue[], timestamp: boolean): TextColumn | null {
  const texts = new Array<string>(values.length);
  const epochMs = timestamp && values.every((v) => v === null || (v instanceof Date && (Number.isNaN(v.getTime()) || (v.getTime() >= MIN_TIME && v.getTime() <= MAX_TIME))));
  for (let r = 0; r < values.length; r++) {
    const value = values[r] ?? null;
    if (value === null) texts[r] = TEXT_COLUMN_NULL;
    else if (value instanceof Date) {
      const time = value.getTime();
      // An invalid Date is no time at all: NULL, as JSON.stringify makes it.
      texts[r] = Number.isNaN(time) ? TEXT_COLUMN_NULL : epochMs ? String(time) : value.toISOString();
    } else {
      const text = String(value);
      if (text.includes(TEXT_COLUMN_SEPARATOR) || text.includes(TEXT_COLUMN_NULL)) return null;
      texts[r] = text;
    }
  }
  const text = texts.join(TEXT_COLUMN_SEPARATOR);
  return (text as WellFormedCheck).isWellFormed() ? { text, epochMs } : null;
}

/**
 * Each table's rows column by column in the order of its spec, referenced tables first: what
 * the engine appends, and what a worker thread hands over. Each column goes as one text where it
 * can (one string to clone, and for the event loop one string to bind, instead of an array per
 * row and a native call per value); a table with a value no text column can hold goes as values.
 */
export function stageRows(rows: RowSet): StagedTable[] {
  const staged: StagedTable[] = [];
  for (const name of TARGET_ORDER) {
    const tableRows = rows.rows(name);
    const rowCount = tableRows.length;
    if (rowCount === 0) continue;
    const values = TARGETS[name].spec.columns.map((column) => {
      const out = new Array<SqlValue>(rowCount);
      for (let r = 0; r < rowCount; r++) out[r] = (tableRows[r] as EventRow)[column.name] ?? null;
      return out;
    });
    const texts: TextColumn[] = [];
    for (const [c, column] of TARGETS[name].spec.columns.entries()) {
      const text = textColumn(values[c] as SqlValue[], column.type === 'timestamp');
      if (text === null) break;
      texts.push(text);
    }
    staged.push({ name, rowCount, columns: texts.length === values.length ? texts : values });
  }
  return staged;
}

/** Staged rows as arrays of values (for engines without an appender, and to find the value a table refuses). */
function rowsOf(table: StagedTable): SqlValue[][] {
  const values = table.columns.map(appendColumnValues);
  return Array.from({ length: table.rowCount }, (_, r) => values.map((column) => column[r] ?? null));
}

/** Rows bound into an INSERT at a time, for engines without an appender. */
const INSERT_BATCH = 500;

/** A temporary table shaped like `spec` (every column nullable), holding `rows`. */
async function loadStage(engine: Engine, spec: TableSpec, table: StagedTable, valueByValue = false): Promise<void> {
  const columns = spec.columns.map((c) => sql`${sql.id(c.name)} ${sql.raw(engine.dialect.columnType(c.type, true))}`);
  for (const statement of engine.dialect.stagingTable(STAGE, columns)) await engine.exec(statement);
  if (valueByValue && engine.append) {
    await engine.append(STAGE, rowsOf(table)).catch((error: unknown) => {
      throw namedColumn(error, spec);
    });
    return;
  }
  if (engine.appendColumns) {
    await engine.appendColumns(STAGE, table.columns, table.rowCount).catch((error: unknown) => {
      throw namedColumn(error, spec);
    });
    return;
  }
  const rows = rowsOf(table);
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    const values = rows.slice(i, i + INSERT_BATCH).map((row) => sql`(${sql.join(row.map((v) => sql`${v}`))})`);
    await engine.exec(sql`INSERT INTO ${sql.id(STAGE)} VALUES ${sql.join(values)}`);
  }
}

/** An appender's error with the table and column a dead letter's reader knows instead of the staging table's column number. */
function namedColumn(error: unknown, spec: TableSpec): unknown {
  if (!(error instanceof Error)) return error;
  const at = /\(column (\d+) of [^)]*\)$/.exec(error.message);
  const column = at ? spec.columns[Number(at[1]) - 1] : undefined;
  if (!at || !column) return error;
  return new Error(`${error.message.slice(0, at.index).trimEnd()} in the ${spec.name} rows, column ${column.name}`, { cause: error });
}

async function mergeStage(engine: Engine, spec: TableSpec, policy: 'append' | 'keep' | 'update'): Promise<void> {
  const target = sql.id(spec.name);
  const stageId = sql.id(STAGE);
  const columns = sql.join(spec.columns.map((c) => sql.id(c.name)));
  if (policy === 'append') {
    await engine.exec(sql`INSERT INTO ${target} (${columns}) SELECT ${columns} FROM ${stageId}`);
    return;
  }
  if (!engine.dialect.supportsDelete) {
    await mergeByInsert(engine, spec, policy);
    return;
  }
  const onKey = sql.join(
    spec.key.map((k) => sql`s.${sql.id(k)} = t.${sql.id(k)}`),
    ' AND ',
  );
  // The stored rows whose first key column is among the staged ones: the lookups below build their
  // hash table on the few staged keys and probe the table's column, rather than hash the whole
  // table (twice as fast on a million rows, and this grows with the table).
  const first = sql.id(spec.key[0] as string);
  const candidates = (what: Sql): Sql => sql`(SELECT ${what} FROM ${target} WHERE ${first} IN (SELECT ${first} FROM ${stageId}))`;
  if (policy === 'keep') {
    const keys = sql.join(spec.key.map((k) => sql.id(k)));
    await engine.exec(sql`INSERT INTO ${target} (${columns}) SELECT ${columns} FROM ${stageId} AS s
      WHERE NOT EXISTS (SELECT 1 FROM ${candidates(keys)} AS t WHERE ${onKey})`);
    return;
  }
  // A stored row keeps the values the new one lacks: events bring partial traits.
  const combined = sql.join(
    spec.columns.map((c) =>
      spec.key.includes(c.name) ? sql`s.${sql.id(c.name)}` : sql`coalesce(s.${sql.id(c.name)}, t.${sql.id(c.name)}) AS ${sql.id(c.name)}`,
    ),
  );
  await engine.exec(sql`CREATE OR REPLACE TEMP TABLE ${sql.id(MERGED)} AS
    SELECT ${combined} FROM ${stageId} AS s LEFT JOIN ${candidates(columns)} AS t ON ${onKey}`);
  await engine.exec(sql`DELETE FROM ${target} AS t USING ${stageId} AS s WHERE ${onKey}`);
  await engine.exec(sql`INSERT INTO ${target} (${columns}) SELECT ${columns} FROM ${sql.id(MERGED)}`);
}

/**
 * mergeStage where rows cannot be deleted (ClickHouse: keyed tables are ReplacingMergeTrees, no
 * transaction, no correlated subquery). Only INSERTs, each of which a replay repeats harmlessly:
 * `keep` inserts the staged keys not stored yet; `update` inserts each staged row merged with its
 * stored version (read through `latest`), which replaces it, then merges the table's parts so
 * that every reader, not only `latest`'s, sees one row per key. Columns are read under names of
 * their own (`s__x`, `t__x`): an alias named like a column would shadow it on ClickHouse.
 */
async function mergeByInsert(engine: Engine, spec: TableSpec, policy: 'keep' | 'update'): Promise<void> {
  const { dialect } = engine;
  const names = spec.columns.map((c) => c.name);
  const side = (prefix: string, list: readonly string[]): Sql => sql.join(list.map((c) => sql`${sql.id(c)} AS ${sql.id(`${prefix}__${c}`)}`));
  const first = sql.id(spec.key[0] as string);
  const stored = (list: readonly string[], extra: Sql = sql``): Sql =>
    sql`(SELECT ${side('t', list)}${extra} FROM ${dialect.latest(spec.name)} AS stored WHERE ${first} IN (SELECT ${first} FROM ${sql.id(STAGE)}))`;
  const onKey = sql.join(
    spec.key.map((k) => sql`${sql.id(`s__${k}`)} = ${sql.id(`t__${k}`)}`),
    ' AND ',
  );
  const into = sql`INSERT INTO ${sql.id(spec.name)} (${sql.join(names.map((c) => sql.id(c)))})`;
  const staged = sql`(SELECT ${side('s', names)} FROM ${sql.id(STAGE)})`;
  if (policy === 'keep') {
    // An unmatched right-hand key reads '' or 0 on 18.16, not NULL: the marker is a column of its own.
    await engine.exec(sql`${into} SELECT ${sql.join(names.map((c) => sql.id(`s__${c}`)))}
      FROM ${staged} AS s LEFT JOIN ${stored(spec.key, sql`, 1 AS t__found`)} AS t ON ${onKey} WHERE t__found IS NULL`);
    return;
  }
  // Only rows that are new or bring a value the stored row lacks or differs in: most events repeat
  // their record (its id and source), and an unchanged row would only add a version to fold.
  const changed = sql.join(
    names.filter((c) => !spec.key.includes(c)).map((c) => sql`(${sql.id(`s__${c}`)} IS NOT NULL AND ${dialect.isDistinctFrom(sql.id(`s__${c}`), sql.id(`t__${c}`))})`),
    ' OR ',
  );
  const merged = names.map((c) => (spec.key.includes(c) ? sql.id(`s__${c}`) : sql`coalesce(${sql.id(`s__${c}`)}, ${sql.id(`t__${c}`)})`));
  await engine.exec(sql`${into} SELECT ${sql.join(merged)} FROM ${staged} AS s LEFT JOIN ${stored(names, sql`, 1 AS t__found`)} AS t ON ${onKey}
    WHERE t__found IS NULL OR ${changed}`);
  // Versions of one key left side by side (by this insert, or by one a crash interrupted before
  // its fold) are merged now, so readers without `latest` see one row per key.
  const staging = sql`${first} IN (SELECT ${first} FROM ${sql.id(STAGE)})`;
  const count = async (from: Sql): Promise<number> => Number((await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${from} AS t WHERE ${staging}`))[0]?.n ?? 0);
  const versions = { stored: await count(sql.id(spec.name)), latest: await count(dialect.latest(spec.name)) };
  if (versions.stored > versions.latest) for (const statement of dialect.foldReplacedRows(spec.name)) await engine.exec(statement);
}

/** Per connection, the tables whose columns are their spec's, in its order (checked once). */
const shapes = new WeakMap<Engine, Map<string, boolean>>();

/** True when the table's columns are the spec's, in its order: rows laid out by the spec can be appended to it as they are. */
async function hasSpecShape(engine: Engine, spec: TableSpec): Promise<boolean> {
  let known = shapes.get(engine);
  if (!known) {
    known = new Map<string, boolean>();
    shapes.set(engine, known);
  }
  const cached = known.get(spec.name);
  if (cached !== undefined) return cached;
  const columns = await engine.query<{ name: string }>(engine.dialect.tableColumns(spec.name));
  const same = columns.length === spec.columns.length && columns.every((c, i) => c.name === spec.columns[i]?.name);
  known.set(spec.name, same);
  return same;
}

/** Merges staged tables into the datamart, in the order given. Call inside a transaction. */
export async function writeStaged(engine: Engine, tables: readonly StagedTable[], onWrite?: (what: string) => void | Promise<void>): Promise<void> {
  if (tables.length === 0) return;
  let merged = false;
  for (const table of tables) {
    const { spec, policy } = TARGETS[table.name];
    if (policy === 'append' && engine.appendColumns && (await hasSpecShape(engine, spec))) {
      // Straight into the table: no staging copy (the widest rows of a load, one per event).
      await engine.appendColumns(spec.name, table.columns, table.rowCount);
      await onWrite?.(spec.name);
      continue;
    }
    await loadStage(engine, spec, table);
    await mergeStage(engine, spec, policy);
    await onWrite?.(spec.name);
    merged ||= policy === 'update';
  }
  await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(STAGE)}`);
  if (merged) await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(MERGED)}`);
}

/**
 * Reads staged tables into typed temporary tables without merging them: where the values the
 * datamart refuses fail (bad JSON strings, casts, ranges), at a fraction of a merge's cost. The
 * loader's trials use it to find a refused message; value by value, so that the dead letter's
 * reason names the value and its column.
 */
export async function checkStaged(engine: Engine, tables: readonly StagedTable[]): Promise<void> {
  for (const table of tables) await loadStage(engine, TARGETS[table.name].spec, table, true);
  await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(STAGE)}`);
}

/** The message ids among `ids` already stored in `events`. */
export async function storedMessageIds(engine: Engine, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await engine.query<{ message_id: string }>(sql`SELECT message_id FROM events WHERE message_id IN (${engine.dialect.textSet(ids)})`);
  return new Set(rows.map((r) => r.message_id));
}
