import type { Engine, SqlValue, TableSpec } from '../../store/index.js';
import { sql } from '../../store/index.js';
import { TARGET_ORDER, TARGETS, type RowSet, type TargetName } from './rows.js';

const STAGE = 'evt_stage';
const MERGED = 'evt_merged';

/** One table's rows of a chunk, each with a value per column of the table's spec, in its order. */
export interface StagedTable {
  readonly name: TargetName;
  readonly rows: readonly (readonly SqlValue[])[];
}

/**
 * Each table's rows as arrays in the order of its columns, referenced tables first: what the
 * appender takes, and what a worker thread hands over (a structured clone of arrays is cheap;
 * serialising them as JSON lines for DuckDB's read_json was the thread's largest cost).
 */
export function stageRows(rows: RowSet): StagedTable[] {
  const staged: StagedTable[] = [];
  for (const name of TARGET_ORDER) {
    const tableRows = rows.rows(name);
    if (tableRows.length === 0) continue;
    const columns = TARGETS[name].spec.columns.map((c) => c.name);
    staged.push({ name, rows: tableRows.map((row) => columns.map((c) => row[c] ?? null)) });
  }
  return staged;
}

/** Rows bound into an INSERT at a time, for engines without an appender. */
const INSERT_BATCH = 500;

/** A temporary table shaped like `spec` (every column nullable), holding `rows`. */
async function loadStage(engine: Engine, spec: TableSpec, rows: StagedTable['rows']): Promise<void> {
  const columns = spec.columns.map((c) => sql`${sql.id(c.name)} ${sql.raw(engine.dialect.columnType(c.type, true))}`);
  await engine.exec(sql`CREATE OR REPLACE TEMP TABLE ${sql.id(STAGE)} (${sql.join(columns)})`);
  if (engine.append) {
    await engine.append(STAGE, rows).catch((error: unknown) => {
      throw namedColumn(error, spec);
    });
    return;
  }
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
  const onKey = sql.join(
    spec.key.map((k) => sql`s.${sql.id(k)} = t.${sql.id(k)}`),
    ' AND ',
  );
  if (policy === 'keep') {
    await engine.exec(sql`INSERT INTO ${target} (${columns}) SELECT ${columns} FROM ${stageId} AS s
      WHERE NOT EXISTS (SELECT 1 FROM ${target} AS t WHERE ${onKey})`);
    return;
  }
  // A stored row keeps the values the new one lacks: events bring partial traits.
  const combined = sql.join(
    spec.columns.map((c) =>
      spec.key.includes(c.name) ? sql`s.${sql.id(c.name)}` : sql`coalesce(s.${sql.id(c.name)}, t.${sql.id(c.name)}) AS ${sql.id(c.name)}`,
    ),
  );
  await engine.exec(sql`CREATE OR REPLACE TEMP TABLE ${sql.id(MERGED)} AS
    SELECT ${combined} FROM ${stageId} AS s LEFT JOIN ${target} AS t ON ${onKey}`);
  await engine.exec(sql`DELETE FROM ${target} AS t USING ${stageId} AS s WHERE ${onKey}`);
  await engine.exec(sql`INSERT INTO ${target} (${columns}) SELECT ${columns} FROM ${sql.id(MERGED)}`);
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
  const columns = await engine.query<{ column_name: string }>(sql`SELECT column_name FROM information_schema.columns
    WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = ${spec.name} ORDER BY ordinal_position`);
  const same = columns.length === spec.columns.length && columns.every((c, i) => c.column_name === spec.columns[i]?.name);
  known.set(spec.name, same);
  return same;
}

/** Merges staged tables into the datamart, in the order given. Call inside a transaction. */
export async function writeStaged(engine: Engine, tables: readonly StagedTable[]): Promise<void> {
  if (tables.length === 0) return;
  let merged = false;
  for (const table of tables) {
    const { spec, policy } = TARGETS[table.name];
    if (policy === 'append' && engine.append && (await hasSpecShape(engine, spec))) {
      // Straight into the table: no staging copy (the widest rows of a load, one per event).
      await engine.append(spec.name, table.rows);
      continue;
    }
    await loadStage(engine, spec, table.rows);
    await mergeStage(engine, spec, policy);
    merged ||= policy === 'update';
  }
  await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(STAGE)}`);
  if (merged) await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(MERGED)}`);
}

/**
 * Reads staged tables into typed temporary tables without merging them: where the values the
 * datamart refuses fail (bad JSON strings, casts, ranges), at a fraction of a merge's cost. The
 * loader's trials use it to find a refused message.
 */
export async function checkStaged(engine: Engine, tables: readonly StagedTable[]): Promise<void> {
  for (const table of tables) await loadStage(engine, TARGETS[table.name].spec, table.rows);
  await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(STAGE)}`);
}

/** The message ids among `ids` already stored in `events`. */
export async function storedMessageIds(engine: Engine, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await engine.query<{ message_id: string }>(sql`SELECT message_id FROM events
    WHERE message_id IN (SELECT unnest(from_json(${JSON.stringify(ids)}, '["VARCHAR"]')))`);
  return new Set(rows.map((r) => r.message_id));
}
