import { normalise, type LogEntry, type TrackedEvent } from './envelope.js';
import { eventLinks, type EventLink } from './links.js';
import { readLines } from './log.js';
import { mapEvents, type MappingOptions } from './map.js';
import { stageRows, type StagedTable } from './write.js';

export interface PrepareOptions extends MappingOptions {
  /** Folder of the event log. */
  readonly folder: string;
}

/** What `read` found after a log position. */
export interface ReadChunk {
  /** Lines read, blank and torn ones included: 0 means nothing new. */
  readonly lines: number;
  readonly nextOffset: number;
  /** messageIds of the chunk, for the dedupe against what the datamart holds. */
  readonly messageIds: readonly string[];
}

/** A chunk mapped to rows, ready to merge in one transaction. */
export interface StagedChunk {
  readonly events: number;
  /** Lines dropped as replays of stored messageIds or repeated within the chunk. */
  readonly duplicates: number;
  readonly tables: readonly StagedTable[];
  readonly customerIds: readonly string[];
  readonly links: readonly EventLink[];
  /** The userIds and anonymousIds its events came with (whose profiles they change). */
  readonly senders: readonly { readonly type: 'user_id' | 'anonymous_id'; readonly value: string }[];
}

/** The JavaScript half of a load, which can run in a worker thread (see prepare-worker.ts). */
export interface ChunkPreparation {
  read(segment: number, offset: number, maxBytes: number): Promise<ReadChunk>;
  /** Maps the events of the last `read`, less the `stored` ids and repeats, oldest first. */
  stage(stored: readonly string[]): Promise<StagedChunk>;
  close(): Promise<void>;
}

/**
 * Reads log lines, parses and normalises them, maps the fresh ones to datamart rows and lays
 * those rows out for the appender: everything of a load but the SQL.
 */
export class ChunkPreparer implements ChunkPreparation {
  private events: TrackedEvent[] = [];

  constructor(private readonly options: PrepareOptions) {}

  async read(segment: number, offset: number, maxBytes: number): Promise<ReadChunk> {
    const { lines, nextOffset } = await readLines(this.options.folder, segment, offset, maxBytes);
    this.events = parseLines(lines);
    return { lines: lines.length, nextOffset, messageIds: this.events.map((e) => e.messageId) };
  }

  stage(stored: readonly string[]): Promise<StagedChunk> {
    const events = this.events;
    this.events = [];
    const seen = new Set(stored);
    const fresh = events.filter((e) => {
      if (seen.has(e.messageId)) return false;
      seen.add(e.messageId);
      return true;
    });
    // Oldest first, so a later identify's traits win; the sort is stable for equal times.
    fresh.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
    const rows = mapEvents(fresh, this.options);
    return Promise.resolve({
      events: fresh.length,
      duplicates: events.length - fresh.length,
      tables: stageRows(rows),
      customerIds: [...new Set(rows.rows('customers').map((r) => String(r.customer_id)))],
      links: eventLinks(fresh),
      senders: senders(fresh),
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function senders(events: readonly TrackedEvent[]): StagedChunk['senders'] {
  const out = new Map<string, StagedChunk['senders'][number]>();
  for (const e of events) {
    if (e.userId !== null) out.set(`u:${e.userId}`, { type: 'user_id', value: e.userId });
    if (e.anonymousId !== null) out.set(`a:${e.anonymousId}`, { type: 'anonymous_id', value: e.anonymousId });
  }
  return [...out.values()];
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
