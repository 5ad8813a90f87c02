import { unlink } from 'node:fs/promises';
import type { Engine } from '../../store/index.js';
import { sql } from '../../store/index.js';
import type { EventLink } from './links.js';
import { listSegments, segmentPath } from './log.js';
import type { MappingOptions } from './map.js';
import { ChunkPreparer, type ChunkPreparation, type StagedChunk } from './prepare.js';
import { WorkerChunkPreparer } from './prepare-worker.js';
import { storedMessageIds, writeStaged } from './write.js';

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
  /** The userIds and anonymousIds its events came with. */
  readonly senders: readonly { readonly type: 'user_id' | 'anonymous_id'; readonly value: string }[];
  readonly position: LogPosition;
}

export interface LoaderOptions extends MappingOptions {
  readonly folder: string;
  /** Bytes of log read per transaction at most (default 2 MB). */
  readonly maxBytes?: number;
  /** Runs after each committed chunk (identity linking). */
  readonly afterLoad?: (engine: Engine, chunk: LoadedChunk) => Promise<void>;
  /** Told of each chunk as it starts and ends (tests, tracing). */
  readonly trace?: (what: 'load-start' | 'load-end', position: LogPosition) => void;
  /**
   * Parse and map in a worker thread, so that request handling keeps the event loop (the
   * server's choice; close the loader after use).
   */
  readonly worker?: boolean;
}

const NOTHING: StagedChunk = { events: 0, duplicates: 0, tables: [], customerIds: [], links: [], senders: [] };

/**
 * At ordinary rates a load takes what arrived since the last one; behind a burst, chunks of about
 * 4,600 events. 8 MB chunks made no difference to the ingest bench that we could tell from the
 * machine's noise, and move the datamart in steps four times as long.
 */
const CHUNK_BYTES = 2 * 1024 * 1024;

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
  private readonly preparer: ChunkPreparation;

  constructor(
    private readonly engine: Engine,
    private readonly options: LoaderOptions,
  ) {
    const prepare = { folder: options.folder, keyPages: options.keyPages };
    this.preparer = options.worker ? new WorkerChunkPreparer(prepare) : new ChunkPreparer(prepare);
  }

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
      return this.commit(NOTHING, { segment: later[0], offset: 0 });
    }
    const read = await this.preparer.read(position.segment, position.offset, this.options.maxBytes ?? CHUNK_BYTES);
    if (read.lines === 0) {
      // A segment with a later one is closed: what is left of it is at most a line torn by a crash.
      if (later[0] === undefined) return null;
      const chunk = await this.commit(NOTHING, { segment: later[0], offset: 0 });
      await unlink(segmentPath(this.options.folder, position.segment)).catch(() => undefined);
      return chunk;
    }
    const next = { segment: position.segment, offset: read.nextOffset };
    this.options.trace?.('load-start', next);
    const stored = await storedMessageIds(this.engine, read.messageIds);
    const staged = await this.preparer.stage([...stored]);
    const chunk = await this.commit(staged, next);
    this.options.trace?.('load-end', next);
    return chunk;
  }

  private async commit(staged: StagedChunk, next: LogPosition): Promise<LoadedChunk> {
    await this.engine.transaction(async (tx) => {
      await writeStaged(tx, staged.tables);
      await tx.exec(sql`DELETE FROM event_log_position WHERE log = ${LOG_NAME}`);
      await tx.exec(sql`INSERT INTO event_log_position VALUES (${LOG_NAME}, ${next.segment}, ${next.offset}, ${new Date()})`);
    });
    this.position = next;
    const chunk: LoadedChunk = {
      events: staged.events,
      duplicates: staged.duplicates,
      customerIds: staged.customerIds,
      links: staged.links,
      senders: staged.senders,
      position: next,
    };
    if (this.options.afterLoad && staged.events > 0) await this.options.afterLoad(this.engine, chunk);
    return chunk;
  }

  /** Stops the worker thread, if any. */
  close(): Promise<void> {
    return this.preparer.close();
  }
}
