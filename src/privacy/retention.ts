/**
 * Retention of collected events (`collect.retention` days): events and raw_events older than that
 * are deleted, and so are the log's lines older than that which the loader has loaded. What the
 * events were mapped to (orders, web events, consents...) is business data and stays.
 */
import { rmSync, statSync } from 'node:fs';
import { listSegments, segmentPath } from '../collect/events/segment-files.js';
import { sql, type Engine } from '../store/index.js';
import { scrubLog, type LogPosition } from './log-compaction.js';

export interface RetentionReport {
  readonly cutoff: Date;
  readonly events: number;
  readonly rawEvents: number;
  /** Log segments deleted whole. */
  readonly segments: number;
  /** Lines blanked in the segments that also hold newer lines. */
  readonly lines: number;
}

const DAY_MS = 86_400_000;

async function deleteOlder(engine: Engine, table: 'events' | 'raw_events', cutoff: Date): Promise<number> {
  const [row] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.id(table)} WHERE ${sql.id('timestamp')} < ${cutoff}`);
  const n = Number(row?.n ?? 0);
  if (n > 0) for (const statement of engine.dialect.deleteRows(table, sql`${sql.id('timestamp')} < ${cutoff}`)) await engine.exec(statement);
  return n;
}

/**
 * Deletes what is older than `days` before `now`: rows of events and raw_events by their
 * (corrected) time, log segments whose last write is older and which the loader has passed, and,
 * in the segments it has not finished, the lines it has loaded that were received before the
 * cutoff. Call it between loads (it reads the loader's saved position); `activeSegment` is the
 * segment a running server appends to.
 */
export async function applyRetention(engine: Engine, logFolder: string, days: number, now: Date, activeSegment?: number | null): Promise<RetentionReport> {
  // Unless told, the newest segment is taken as the one being appended to (overwritten in place, never swapped).
  const active = activeSegment === undefined ? (listSegments(logFolder).at(-1) ?? null) : activeSegment;
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const [events, rawEvents] = [await deleteOlder(engine, 'events', cutoff), await deleteOlder(engine, 'raw_events', cutoff)];
  const [saved] = await engine.query<{ segment: number; offset: number }>(sql`SELECT segment, "offset" FROM ${engine.dialect.latest('event_log_position')} AS position`);
  const position: LogPosition | null = saved ? { segment: Number(saved.segment), offset: Number(saved.offset) } : null;
  let segments = 0;
  if (position) {
    for (const segment of listSegments(logFolder)) {
      if (segment >= position.segment || segment === active) break;
      const path = segmentPath(logFolder, segment);
      const written = statSync(path, { throwIfNoEntry: false })?.mtime.getTime();
      if (written === undefined || written >= cutoff.getTime()) continue;
      rmSync(path, { force: true });
      segments += 1;
    }
  }
  const { lines } = position
    ? scrubLog(logFolder, (entry) => Date.parse(entry.receivedAt) < cutoff.getTime(), { activeSegment: active, before: position })
    : { lines: 0 };
  return { cutoff, events, rawEvents, segments, lines };
}

/**
 * Retention for a loader: applies it at most once per `everyMs` (an hour by default; a load is
 * every 200 ms), none when `days` is null. Returns null when it did not run.
 */
export function retentionSchedule(
  days: number | null | undefined,
  everyMs = 3_600_000,
): (engine: Engine, logFolder: string, now?: Date, activeSegment?: number | null) => Promise<RetentionReport | null> {
  let last = -Infinity;
  return async (engine, logFolder, now = new Date(), activeSegment) => {
    if (days === null || days === undefined || now.getTime() - last < everyMs) return null;
    last = now.getTime();
    return applyRetention(engine, logFolder, days, now, activeSegment);
  };
}
