import type { z } from '@hono/zod-openapi';
import { InvalidRequestError } from '../errors.js';
import { migrationMatrix, SNAPSHOT_DIMENSIONS, type SnapshotDimension } from '../segments/index.js';
import { sql, type Engine } from '../store/index.js';
import type { migrationSchema } from './schemas.js';

export type Migration = z.infer<typeof migrationSchema>;

/** The snapshot a date names: the same instant, or the snapshot taken on that calendar day. */
export function snapshotAt(snapshots: readonly Date[], raw: string, parameter: string): Date {
  const wanted = new Date(raw);
  const found =
    snapshots.find((s) => s.getTime() === wanted.getTime()) ??
    (raw.length === 10 ? snapshots.find((s) => s.toISOString().slice(0, 10) === raw) : undefined);
  if (!found) {
    throw new InvalidRequestError(`${parameter}: no snapshot at ${raw}; snapshots: ${snapshots.map((s) => s.toISOString()).join(', ') || 'none'}`, {
      issues: [{ field: parameter, reason: 'not a snapshot date' }],
    });
  }
  return found;
}

/**
 * Moves between two snapshots on one class dimension. The latest pair is precomputed by the
 * dashboard step; another pair is counted on the fly (one join of two snapshots).
 */
/** The snapshots two dates name (the latest two by default); undefined where there is none. */
export async function snapshotPair(
  engine: Engine,
  query: { from?: string | undefined; to?: string | undefined },
  names: { from: string; to: string } = { from: 'from', to: 'to' },
): Promise<{ snapshots: Date[]; from: Date | undefined; to: Date | undefined }> {
  const snapshots = (await engine.query<{ as_of: Date }>(sql`SELECT as_of FROM dashboard_snapshots ORDER BY as_of`)).map((s) => s.as_of);
  const to = query.to === undefined ? snapshots.at(-1) : snapshotAt(snapshots, query.to, names.to);
  const from = query.from === undefined ? snapshots.filter((s) => to !== undefined && s < to).at(-1) : snapshotAt(snapshots, query.from, names.from);
  return { snapshots, from, to };
}

export async function migration(engine: Engine, dimension: SnapshotDimension, query: { from?: string | undefined; to?: string | undefined }): Promise<Migration> {
  const { snapshots, from, to } = await snapshotPair(engine, query);
  const base = { dimension, dimensions: [...SNAPSHOT_DIMENSIONS], snapshots: snapshots.map((s) => s.toISOString()) };
  if (!from || !to) return { ...base, from: from?.toISOString() ?? null, to: to?.toISOString() ?? null, rows: [] };
  const stored = await engine.query<{ from_class: string; to_class: string; customers: number }>(sql`SELECT from_class, to_class, customers
    FROM dashboard_migration WHERE dimension = ${dimension} AND from_as_of = ${from} AND to_as_of = ${to} ORDER BY from_class, to_class`);
  const precomputed = stored.length > 0 || (await engine.query(sql`SELECT 1 AS one FROM dashboard_migration WHERE from_as_of = ${from} AND to_as_of = ${to} LIMIT 1`)).length > 0;
  const rows = precomputed
    ? stored.map((r) => ({ from: r.from_class, to: r.to_class, customers: Number(r.customers) }))
    : (await migrationMatrix(engine, dimension, { from, to })).cells.map((c) => ({ ...c }));
  return { ...base, from: from.toISOString(), to: to.toISOString(), rows };
}
