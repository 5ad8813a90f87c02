import { unlink } from 'node:fs/promises';
import type { Engine } from '../../store/index.js';
import { sql } from '../../store/index.js';
import { normalise, type LogEntry, type TrackedEvent } from './envelope.js';
import { eventLinks, type EventLink } from './links.js';
import { listSegments, readLines, segmentPath } from './log.js';
import { mapEvents, type MappingOptions } from './map.js';
import { storedMessageIds, writeRows } from './write.js';

export interface LogPosition {
  readonly segment: number;
  readonly offset: number;
}

export interface LoadedChunk {
  readonly events: number;
  /** Lines dropped as replays of stored messageIds. */
  readonly duplicates: number;
  /** Customer records the chunk touched. */
  readonly customerIds: readonly string[];
  /** Identifiers seen together by its identify and alias events (for incremental identity linking). */
  readonly links: readonly EventLink[];
  readonly position: LogPosition;
}

export interface LoaderOptions extends MappingOptions {
  readonly folder: string;
  /** Bytes of log read per transaction at most. */
  readonly maxBytes?: number;
  /** Runs after each committed chunk (identity linking). */
  readonly afterLoad?: (engine: Engine, chunk: LoadedChunk) => Promise<void>;
  /** Told of each chunk as it starts and ends (tests, tracing). */
  readonly trace?: (what: 'load-start' | 'load-end', position: LogPosition) => void;
}

/** The row of event_log_position; one log per database. */
const LOG_NAME = 'events';

/**
 * Loads the event log into the datamart: reads complete lines after the stored position, drops
 * messageIds already stored, maps the rest, and writes rows and the new position in one
 * transaction, so a crash at any point resumes at the last committed position without a
 * duplicate (and a replayed messageId is dropped again).
 */
export class EventLoader {
  private position: LogPosition | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly options: LoaderOptions,
  ) {}

  async currentPosition(): Promise<LogPosition> {
    if (this.position) return this.position;
    const [row] = await this.engine.query<{ segment: number; offset: number }>(
      sql`SELECT segment, "offset" FROM event_log_position WHERE log = ${LOG_NAME}`,
    );
    this.position = row
      ? { segment: Number(row.segment), offset: Number(row.offset) }
      : { segment: listSegments(this.options.folder)[0] ?? 1, offset: 0 };
    return this.position;
  }

  /** Loads one chunk; returns it, or null when there was nothing new. */
  async loadOnce(): Promise<LoadedChunk | null> {
    const position = await this.currentPosition();
    const segments = listSegments(this.options.folder);
    const later = segments.filter((s) => s > position.segment);
    if (!segments.includes(position.segment)) {
      if (later[0] === undefined) return null;
      return this.commit([], { segment: later[0], offset: 0 }, 0);
    }
    const { lines, nextOffset } = await readLines(this.options.folder, position.segment, position.offset, this.options.maxBytes ?? 2 * 1024 * 1024);
    if (lines.length === 0) {
      // A segment with a later one is closed: what is left of it is at most a line torn by a crash.
      if (later[0] === undefined) return null;
      const chunk = await this.commit([], { segment: later[0], offset: 0 }, 0);
      await unlink(segmentPath(this.options.folder, position.segment)).catch(() => undefined);
      return chunk;
    }
    const next = { segment: position.segment, offset: nextOffset };
    this.options.trace?.('load-start', next);
    const events = parseLines(lines);
    const stored = await storedMessageIds(this.engine, events.map((e) => e.messageId));
    const seen = new Set<string>();
    const fresh = events.filter((e) => {
      if (stored.has(e.messageId) || seen.has(e.messageId)) return false;
      seen.add(e.messageId);
      return true;
    });
    const chunk = await this.commit(fresh, next, events.length - fresh.length);
    this.options.trace?.('load-end', next);
    return chunk;
  }

  private async commit(events: TrackedEvent[], next: LogPosition, duplicates: number): Promise<LoadedChunk> {
    // Oldest first, so a later identify's traits win; the sort is stable for equal times.
    events.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
    const rows = mapEvents(events, this.options);
    await this.engine.transaction(async (tx) => {
      await writeRows(tx, rows);
      await tx.exec(sql`DELETE FROM event_log_position WHERE log = ${LOG_NAME}`);
      await tx.exec(sql`INSERT INTO event_log_position VALUES (${LOG_NAME}, ${next.segment}, ${next.offset}, ${new Date()})`);
    });
    this.position = next;
    const chunk: LoadedChunk = {
      events: events.length,
      duplicates,
      customerIds: [...new Set(rows.rows('customers').map((r) => String(r.customer_id)))],
      links: eventLinks(events),
      position: next,
    };
    if (this.options.afterLoad && events.length > 0) await this.options.afterLoad(this.engine, chunk);
    return chunk;
  }
}

function parseLines(lines: readonly string[]): TrackedEvent[] {
  const events: TrackedEvent[] = [];
  for (const line of lines) {
    if (line === '') continue;
    try {
      events.push(normalise(JSON.parse(line) as LogEntry));
    } catch {
      // Only a line torn by a crash can be malformed, and it was never acknowledged.
    }
  }
  return events;
}
