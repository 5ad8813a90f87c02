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

/** A read chunk, parsed; with its rows when mapped ahead on the guess that none was stored. */
interface ParsedChunk {
  readonly segment: number;
  readonly offset: number;
  readonly maxBytes: number;
  readonly lines: number;
  readonly nextOffset: number;
  readonly events: readonly TrackedEvent[];
  staged?: StagedChunk;
}

/**
 * Reads log lines, parses and normalises them, maps the fresh ones to datamart rows and lays
 * those rows out for the appender: everything of a load but the SQL.
 *
 * After mapping a chunk it reads, parses and maps the next one (the log after it, as the next
 * `read` will ask) while the loader writes the first: in a worker thread that work runs beside
 * the SQL instead of between two loads. The next `read` takes it when it asks for the same
 * range and it found lines; its rows serve when the datamart holds none of its messageIds (a
 * replay is mapped again without them). Reading ahead changes nothing on disk.
 */
export class ChunkPreparer implements ChunkPreparation {
  private current: ParsedChunk | null = null;
  private ahead: Promise<ParsedChunk | null> | null = null;

  constructor(private readonly options: PrepareOptions) {}

  async read(segment: number, offset: number, maxBytes: number): Promise<ReadChunk> {
    const ahead = await this.takeAhead();
    const chunk =
      ahead !== null && ahead.lines > 0 && ahead.segment === segment && ahead.offset === offset && ahead.maxBytes === maxBytes
        ? ahead
        : await this.parse(segment, offset, maxBytes);
    this.current = chunk;
    return { lines: chunk.lines, nextOffset: chunk.nextOffset, messageIds: chunk.events.map((e) => e.messageId) };
  }

  stage(stored: readonly string[]): Promise<StagedChunk> {
    const chunk = this.current;
    this.current = null;
    if (chunk === null) return Promise.resolve({ events: 0, duplicates: 0, tables: [], customerIds: [], links: [], senders: [] });
    const staged = stored.length === 0 && chunk.staged ? chunk.staged : this.map(chunk.events, stored);
    // Started once this answer is on its way: the thread's next work is the next chunk.
    this.ahead = new Promise<ParsedChunk | null>((resolve) => {
      setImmediate(() => {
        this.parse(chunk.segment, chunk.nextOffset, chunk.maxBytes).then(
          (next) => {
            if (next.lines > 0) next.staged = this.map(next.events, []);
            resolve(next);
          },
          // A segment deleted meanwhile, or any other trouble: the next read reads for itself.
          () => resolve(null),
        );
      });
    });
    return Promise.resolve(staged);
  }

  close(): Promise<void> {
    return this.takeAhead().then(() => undefined);
  }

  private async takeAhead(): Promise<ParsedChunk | null> {
    const ahead = this.ahead;
    this.ahead = null;
    return ahead === null ? null : ahead;
  }

  private async parse(segment: number, offset: number, maxBytes: number): Promise<ParsedChunk> {
    const { lines, nextOffset } = await readLines(this.options.folder, segment, offset, maxBytes);
    return { segment, offset, maxBytes, lines: lines.length, nextOffset, events: parseLines(lines) };
  }

  /** Maps the events less the `stored` ids and repeats, oldest first. */
  private map(events: readonly TrackedEvent[], stored: readonly string[]): StagedChunk {
    const seen = new Set(stored);
    const fresh = events.filter((e) => {
      if (seen.has(e.messageId)) return false;
      seen.add(e.messageId);
      return true;
    });
    // Oldest first, so a later identify's traits win; the sort is stable for equal times.
    fresh.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
    const rows = mapEvents(fresh, this.options);
    return {
      events: fresh.length,
      duplicates: events.length - fresh.length,
      tables: stageRows(rows),
      customerIds: [...new Set(rows.rows('customers').map((r) => String(r.customer_id)))],
      links: eventLinks(fresh),
      senders: senders(fresh),
    };
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
