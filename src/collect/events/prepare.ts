import { normalise, type LogEntry, type TrackedEvent } from './envelope.js';
import { eventLinks, type EventLink } from './links.js';
import { readLines } from './log.js';
import { mapEvents, type MappingOptions } from './map.js';
import type { RowSet } from './rows.js';
import { stageRows, type StagedTable } from './write.js';

export interface PrepareOptions extends MappingOptions {
  /** Folder of the event log. */
  readonly folder: string;
}

/** One parsed message of a read, in log order. */
export interface ReadMessage {
  readonly messageId: string;
  /** Byte offset of its line in the segment (for dead letters: its log position). */
  readonly offset: number;
  readonly userId: string | null;
  readonly anonymousId: string | null;
}

/** A complete line that is not a log entry (written by hand, a disk fault): a dead letter. */
export interface UnreadableLine {
  readonly offset: number;
  readonly line: string;
  readonly reason: string;
}

/** What `read` found after a log position. */
export interface ReadChunk {
  /** Lines read, blank and unreadable ones included: 0 means nothing new. */
  readonly lines: number;
  readonly nextOffset: number;
  readonly messages: readonly ReadMessage[];
  readonly unreadable: readonly UnreadableLine[];
}

/** The mapping of some messages of the last read (kept in the preparer until `stage`). */
export interface MappedChunk {
  readonly events: number;
  readonly customerIds: readonly string[];
  readonly links: readonly EventLink[];
  /** The userIds and anonymousIds its events came with (whose profiles they change). */
  readonly senders: readonly { readonly type: 'user_id' | 'anonymous_id'; readonly value: string }[];
}

/** The JavaScript half of a load, which can run in a worker thread (see prepare-worker.ts). */
export interface ChunkPreparation {
  read(segment: number, offset: number, maxBytes: number): Promise<ReadChunk>;
  /**
   * Maps the messages of the last `read` at `only` (indexes into its messages: the fresh ones,
   * or a part of them when the loader looks for the one the datamart refuses), oldest first.
   * Can be called again on the same read. A mapping that throws is answered `{ refused }`.
   */
  map(only: readonly number[]): Promise<MappedChunk | { readonly refused: string }>;
  /** Lays the rows of the last `map` out for the appender (arrays in each table's column order). */
  stage(): Promise<StagedTable[]>;
  close(): Promise<void>;
}

/**
 * Reads log lines, parses and normalises them, maps the fresh ones to datamart rows and writes
 * those rows out for the appender: everything of a load but the SQL.
 */
export class ChunkPreparer implements ChunkPreparation {
  private events: TrackedEvent[] = [];
  private rows: RowSet | null = null;

  constructor(private readonly options: PrepareOptions) {}

  async read(segment: number, offset: number, maxBytes: number): Promise<ReadChunk> {
    const { lines, offsets, nextOffset } = await readLines(this.options.folder, segment, offset, maxBytes);
    return this.accept(lines.map((line, i) => ({ line, offset: offsets[i] ?? offset })), nextOffset);
  }

  /** Takes lines from elsewhere than the log (dead letters retried), each with its log offset. */
  accept(lines: readonly { readonly line: string; readonly offset: number }[], nextOffset = 0): ReadChunk {
    const events: TrackedEvent[] = [];
    const messages: ReadMessage[] = [];
    const unreadable: UnreadableLine[] = [];
    for (const { line, offset } of lines) {
      // Blank lines are lines an erasure or retention scrubbed in place (offsets kept): nothing to load.
      if (line.trim() === '') continue;
      try {
        const event = normalise(JSON.parse(line) as LogEntry);
        if (typeof event.messageId !== 'string' || Number.isNaN(event.timestamp.getTime())) throw new Error('not a log entry (no id or no valid time)');
        events.push(event);
        messages.push({ messageId: event.messageId, offset, userId: event.userId, anonymousId: event.anonymousId });
      } catch (error) {
        // A complete line: a crash only tears the last one, which has no newline and is never read.
        unreadable.push({ offset, line, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    this.events = events;
    this.rows = null;
    return { lines: lines.length, nextOffset, messages, unreadable };
  }

  map(only: readonly number[]): Promise<MappedChunk | { readonly refused: string }> {
    const chosen = only.map((i) => this.events[i]).filter((e): e is TrackedEvent => e !== undefined);
    // A thread restarted since the read holds no events: mapping none would commit the position past them.
    if (chosen.length !== only.length) return Promise.reject(new Error(`map of ${only.length} messages, ${chosen.length} of them read: read again`));
    // Oldest first, so a later identify's traits win; the sort is stable for equal times.
    chosen.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
    let rows: RowSet;
    try {
      rows = mapEvents(chosen, this.options);
    } catch (error) {
      this.rows = null;
      return Promise.resolve({ refused: error instanceof Error ? error.message : String(error) });
    }
    this.rows = rows;
    return Promise.resolve({
      events: chosen.length,
      customerIds: [...new Set(rows.rows('customers').map((r) => String(r.customer_id)))],
      links: eventLinks(chosen),
      senders: senders(chosen),
    });
  }

  stage(): Promise<StagedTable[]> {
    const rows = this.rows;
    if (rows === null) return Promise.reject(new Error('stage called without a mapping'));
    return Promise.resolve(stageRows(rows));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function senders(events: readonly TrackedEvent[]): MappedChunk['senders'] {
  const out = new Map<string, MappedChunk['senders'][number]>();
  for (const e of events) {
    if (e.userId !== null) out.set(`u:${e.userId}`, { type: 'user_id', value: e.userId });
    if (e.anonymousId !== null) out.set(`a:${e.anonymousId}`, { type: 'anonymous_id', value: e.anonymousId });
  }
  return [...out.values()];
}
