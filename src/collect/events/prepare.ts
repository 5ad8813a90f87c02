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
  /** Forgets a chunk read ahead, if the preparation reads ahead (before the log's lines change in place). */
  discardAhead?(): Promise<void>;
  close(): Promise<void>;
}

/** A read's messages, parsed; with the mapping of all of them when it was made ahead. */
interface Parsed {
  readonly events: TrackedEvent[];
  readonly chunk: ReadChunk;
  premapped: { readonly rows: RowSet; readonly chunk: MappedChunk; readonly staged: StagedTable[] } | null;
}

/** The read the preparer makes ahead, of the log after the last one (what the next load asks). */
interface Ahead {
  readonly segment: number;
  readonly offset: number;
  readonly maxBytes: number;
  readonly parsed: Promise<Parsed | null>;
}

/**
 * Reads log lines, parses and normalises them, maps the fresh ones to datamart rows and lays
 * those rows out for the appender: everything of a load but the SQL.
 *
 * Once a chunk is staged it reads, parses and maps the next one (the log after it, as the next
 * load will ask) while the loader writes the first: in the worker thread that work runs beside
 * the SQL instead of between two loads. The next `read` takes it when it asks for the same range
 * and it found lines; its rows serve when `map` asks for every message of it (none stored, none
 * dropped); any other `map` (a replay, a suppression, a bisecting trial) maps again. Reading
 * ahead changes nothing on disk; `discardAhead` forgets it (before an erasure blanks log lines).
 */
export class ChunkPreparer implements ChunkPreparation {
  private current: Parsed = { events: [], chunk: { lines: 0, nextOffset: 0, messages: [], unreadable: [] }, premapped: null };
  /** The log range after the last read, when it came from the log. */
  private after: { readonly segment: number; readonly offset: number; readonly maxBytes: number } | null = null;
  private ahead: Ahead | null = null;
  private rows: RowSet | null = null;
  /** The staging of `rows`, when it was made ahead with their mapping. */
  private staged: StagedTable[] | null = null;

  constructor(private readonly options: PrepareOptions) {}

  async read(segment: number, offset: number, maxBytes: number): Promise<ReadChunk> {
    const ahead = this.ahead;
    this.ahead = null;
    const early = ahead !== null && ahead.segment === segment && ahead.offset === offset && ahead.maxBytes === maxBytes ? await ahead.parsed : null;
    const parsed = early !== null && early.chunk.lines > 0 ? early : await this.parse(segment, offset, maxBytes);
    this.use(parsed);
    this.after = { segment, offset: parsed.chunk.nextOffset, maxBytes };
    return parsed.chunk;
  }

  /** Takes lines from elsewhere than the log (dead letters retried), each with its log offset. */
  accept(lines: readonly { readonly line: string; readonly offset: number }[], nextOffset = 0): ReadChunk {
    const parsed = parseLines(lines, nextOffset);
    this.use(parsed);
    this.after = null;
    return parsed.chunk;
  }

  map(only: readonly number[]): Promise<MappedChunk | { readonly refused: string }> {
    const { events, premapped } = this.current;
    if (premapped !== null && only.length === events.length && only.every((index, i) => index === i)) {
      this.rows = premapped.rows;
      this.staged = premapped.staged;
      return Promise.resolve(premapped.chunk);
    }
    const chosen = only.map((i) => events[i]).filter((e): e is TrackedEvent => e !== undefined);
    // A thread restarted since the read holds no events: mapping none would commit the position past them.
    if (chosen.length !== only.length) return Promise.reject(new Error(`map of ${only.length} messages, ${chosen.length} of them read: read again`));
    const mapped = mapChosen(chosen, this.options);
    this.rows = 'refused' in mapped ? null : mapped.rows;
    this.staged = null;
    return Promise.resolve('refused' in mapped ? mapped : mapped.chunk);
  }

  stage(): Promise<StagedTable[]> {
    const rows = this.rows;
    if (rows === null) return Promise.reject(new Error('stage called without a mapping'));
    const staged = this.staged ?? stageRows(rows);
    const after = this.after;
    const ahead = this.ahead;
    // Once the rows are on their way (a bisecting trial stages again: the range after is the same).
    if (after !== null && (ahead === null || ahead.segment !== after.segment || ahead.offset !== after.offset || ahead.maxBytes !== after.maxBytes)) {
      this.ahead = { ...after, parsed: this.readAhead(after.segment, after.offset, after.maxBytes) };
    }
    return Promise.resolve(staged);
  }

  /** Forgets what was read ahead (after waiting for it): the next read reads the log again. */
  async discardAhead(): Promise<void> {
    const ahead = this.ahead;
    this.ahead = null;
    await ahead?.parsed;
  }

  close(): Promise<void> {
    return this.discardAhead();
  }

  private use(parsed: Parsed): void {
    this.current = parsed;
    this.rows = null;
    this.staged = null;
  }

  private async parse(segment: number, offset: number, maxBytes: number): Promise<Parsed> {
    const { lines, offsets, nextOffset } = await readLines(this.options.folder, segment, offset, maxBytes);
    return parseLines(
      lines.map((line, i) => ({ line, offset: offsets[i] ?? offset })),
      nextOffset,
    );
  }

  private readAhead(segment: number, offset: number, maxBytes: number): Promise<Parsed | null> {
    return new Promise((resolve) => {
      // After this answer is posted: the thread's next work is the next chunk.
      setImmediate(() => {
        this.parse(segment, offset, maxBytes).then(
          (parsed) => {
            const mapped = parsed.chunk.lines > 0 ? mapChosen([...parsed.events], this.options) : null;
            // Staged too, so that a load finding no replay in it only issues SQL: the thread's work on
            // a chunk then runs beside the writes of the one before, none of it between two loads.
            if (mapped !== null && !('refused' in mapped)) parsed.premapped = { ...mapped, staged: stageRows(mapped.rows) };
            resolve(parsed);
          },
          // A segment deleted meanwhile, or any other trouble: the next read reads for itself.
          () => resolve(null),
        );
      });
    });
  }
}

function parseLines(lines: readonly { readonly line: string; readonly offset: number }[], nextOffset: number): Parsed {
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
  return { events, chunk: { lines: lines.length, nextOffset, messages, unreadable }, premapped: null };
}

/** Maps `chosen` (sorted here, oldest first, so a later identify's traits win; stable for equal times). */
function mapChosen(chosen: TrackedEvent[], options: PrepareOptions): { readonly rows: RowSet; readonly chunk: MappedChunk } | { readonly refused: string } {
  chosen.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  let rows: RowSet;
  try {
    rows = mapEvents(chosen, options);
  } catch (error) {
    return { refused: error instanceof Error ? error.message : String(error) };
  }
  return {
    rows,
    chunk: {
      events: chosen.length,
      customerIds: [...new Set(rows.rows('customers').map((r) => String(r.customer_id)))],
      links: eventLinks(chosen),
      senders: senders(chosen),
    },
  };
}

function senders(events: readonly TrackedEvent[]): MappedChunk['senders'] {
  const out = new Map<string, MappedChunk['senders'][number]>();
  for (const e of events) {
    if (e.userId !== null) out.set(`u:${e.userId}`, { type: 'user_id', value: e.userId });
    if (e.anonymousId !== null) out.set(`a:${e.anonymousId}`, { type: 'anonymous_id', value: e.anonymousId });
  }
  return [...out.values()];
}
