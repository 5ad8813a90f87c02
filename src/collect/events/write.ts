import type { Engine, TableSpec } from '../../store/index.js';
import { sql } from '../../store/index.js';
import { TARGET_ORDER, TARGETS, type EventRow, type RowSet } from './rows.js';

const STAGE = 'evt_stage';
const MERGED = 'evt_merged';

/**
 * Rows travel to the engine as one JSON text per table, unfolded by DuckDB into a typed temp
 * table (one bound parameter, however many rows), then merged by natural key.
 */
async function stage(engine: Engine, spec: TableSpec, rows: readonly EventRow[]): Promise<void> {
  const struct = `[{${spec.columns
    .map((c) => `${JSON.stringify(c.name)}: ${JSON.stringify(engine.dialect.columnType(c.type, true))}`)
    .join(', ')}}]`;
  await engine.exec(sql`CREATE OR REPLACE TEMP TABLE ${sql.id(STAGE)} AS
    SELECT unnest(from_json(${JSON.stringify(rows)}, ${struct}), recursive := true)`);
}

async function mergeStaged(engine: Engine, spec: TableSpec, policy: 'keep' | 'update'): Promise<void> {
  const target = sql.id(spec.name);
  const stageId = sql.id(STAGE);
  const columns = sql.join(spec.columns.map((c) => sql.id(c.name)));
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

/** Writes every table of a row set, referenced tables first. Call inside a transaction. */
export async function writeRows(engine: Engine, rows: RowSet): Promise<Record<string, number>> {
  const written: Record<string, number> = {};
  for (const name of TARGET_ORDER) {
    const tableRows = rows.rows(name);
    if (tableRows.length === 0) continue;
    const { spec, policy } = TARGETS[name];
    await stage(engine, spec, tableRows);
    await mergeStaged(engine, spec, policy);
    written[name] = tableRows.length;
  }
  await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(STAGE)}`);
  await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(MERGED)}`);
  return written;
}

/** The message ids among `ids` already stored in `events`. */
export async function storedMessageIds(engine: Engine, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await engine.query<{ message_id: string }>(sql`SELECT message_id FROM events
    WHERE message_id IN (SELECT unnest(from_json(${JSON.stringify(ids)}, '["VARCHAR"]')))`);
  return new Set(rows.map((r) => r.message_id));
}
