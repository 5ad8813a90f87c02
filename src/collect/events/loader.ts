import { unlink } from 'node:fs/promises';
import type { Engine } from '../../store/index.js';
import { sql } from '../../store/index.js';
import { insertDeadLetters } from './dead-letters.js';
import { checkLogIdentity, createLogId, LOG_NAME, readLogId, storedPosition } from './log-identity.js';
import { listSegments, segmentPath } from './segment-files.js';
import { initialState, loadSteps, type LoadedChunk, type LoadState, type LoadStep, type LogPosition } from './load-steps.js';
import type { MappingOptions } from './map.js';
import { ChunkPreparer, type ChunkPreparation } from './prepare.js';
import { WorkerChunkPreparer } from './prepare-worker.js';
import { runSteps } from './steps.js';
import { StoredMessageIds } from './stored-ids.js';

export type { LoadedChunk, LogPosition } from './load-steps.js';

export interface LoaderOptions extends MappingOptions {
  readonly folder: string;
  /** Bytes of log read per transaction at most (default 2 MB). */
  readonly maxBytes?: number;
  /** Steps between dedupe and map (a suppression list: drop the messages of erased persons). */
  readonly beforeMap?: readonly LoadStep[];
  /** Steps after each commit (the server's: link identities, mark profiles); they always say ok. */
  readonly afterCommit?: readonly LoadStep[];
  /** Told of each chunk as it starts and ends (tests, tracing). */
  readonly trace?: (what: 'load-start' | 'load-end', position: LogPosition) => void;
  /** Told of each step run and its time in ms (tracing, benches). */
  readonly onStep?: (name: string, ms: number) => void;
  /**
   * Parse and map in a worker thread, so that request handling keeps the event loop (the
   * server's choice; close the loader after use).
   */
  readonly worker?: boolean;
  /**
   * Test hook: told after each write of a commit (a table's rows, then 'dead letters'); a throw
   * there stands for a crash between two writes (on an engine without transactions the earlier
   * writes stay, and the next load replays the chunk).
   */
  readonly onWrite?: (what: string) => void | Promise<void>;
}

/**
 * At ordinary rates a load takes what arrived since the last one; behind a burst, chunks of about
 * 4,600 events. 8 MB chunks made no difference to the ingest bench that we could tell from the
 * machine's noise, and move the datamart in steps four times as long.
 */
const CHUNK_BYTES = 2 * 1024 * 1024;

/**
 * Loads the event log into the datamart as a list of named steps,
 * `read -> dedupe -> map -> stage -> commit -> (the server's) link identities -> mark profiles`:
 * reads complete lines after the stored position, drops messageIds already stored, maps the
 * rest, and writes rows, dead letters and the new position in one transaction, so a crash at any
 * point resumes at the last committed position without a duplicate (and a replayed messageId is
 * dropped again). A message the mapping or the datamart refuses is set aside in
 * events_dead_letter and the rest of its chunk loads in the same load.
 */
export class EventLoader {
  private position: LogPosition | null = null;
  private positionRead: Promise<LogPosition> | null = null;
  private logId = '';
  private readonly preparer: ChunkPreparation;
  private readonly steps: LoadStep[];
  /** Rows of events_dead_letter, once known (this process is the datamart's only writer). */
  deadLetters: number | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly options: LoaderOptions,
  ) {
    const prepare = { folder: options.folder, keyPages: options.keyPages };
    this.preparer = options.worker ? new WorkerChunkPreparer(prepare) : new ChunkPreparer(prepare);
    this.steps = loadSteps(
      {
        engine,
        preparer: this.preparer,
        folder: options.folder,
        maxBytes: options.maxBytes ?? CHUNK_BYTES,
        storedIds: new StoredMessageIds(engine),
        ...(options.trace ? { trace: options.trace } : {}),
        // Dead letters, then the position, last: without a transaction (ClickHouse) a crash
        // between two writes replays the chunk, and every write before the position is one a
        // replay repeats harmlessly (a dead letter replaces its row; stored messageIds are dropped).
        bookkeeping: async (tx, state, deadLetters) => {
          await insertDeadLetters(tx, deadLetters);
          await options.onWrite?.('dead letters');
          for (const statement of tx.dialect.replacedRows('event_log_position', sql`log = ${LOG_NAME}`)) await tx.exec(statement);
          await tx.exec(sql`INSERT INTO event_log_position (log, segment, "offset", loaded_at, log_id)
            VALUES (${LOG_NAME}, ${state.next.segment}, ${state.next.offset}, ${new Date()}, ${state.logId})`);
        },
        ...(options.onWrite ? { onWrite: options.onWrite } : {}),
        committed: (state) => {
          this.position = state.next;
          if (this.deadLetters !== null) this.deadLetters += state.loaded?.deadLetters ?? 0;
        },
      },
      {
        ...(options.beforeMap ? { beforeMap: options.beforeMap } : {}),
        afterCommit: [...(options.afterCommit ?? [])],
      },
    );
  }

  /**
   * The stored position, checked against the log's identity: a LogIdentityError when the log
   * is not the one the database loaded, or lost segments it had not loaded.
   */
  currentPosition(): Promise<LogPosition> {
    if (this.position) return Promise.resolve(this.position);
    // One read at a time: a second one finishing after a commit would set the position back.
    this.positionRead ??= this.readPosition().finally(() => (this.positionRead = null));
    return this.positionRead;
  }

  /** The position of the last commit, or null before the first read of it (health). */
  get knownPosition(): LogPosition | null {
    return this.position;
  }

  private async readPosition(): Promise<LogPosition> {
    const stored = await storedPosition(this.engine);
    const folderId = readLogId(this.options.folder);
    checkLogIdentity(this.options.folder, folderId, stored);
    this.logId = folderId ?? createLogId(this.options.folder);
    const [count] = await this.engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${this.engine.dialect.latest('events_dead_letter')} AS letters`);
    this.deadLetters = Number(count?.n ?? 0);
    this.position = stored ?? { segment: listSegments(this.options.folder)[0] ?? 1, offset: 0 };
    return this.position;
  }

  /** Loads one chunk; returns it, or null when there was nothing new. */
  async loadOnce(): Promise<LoadedChunk | null> {
    const from = await this.currentPosition();
    const result = await runSteps<LoadState>(this.steps, initialState(this.logId, from), this.options.onStep);
    if (result.kind !== 'ok') return null;
    const state = result.value;
    if (state.finishedSegment !== null) await unlink(segmentPath(this.options.folder, state.finishedSegment)).catch(() => undefined);
    return state.loaded;
  }

  /** Forgets a chunk read ahead: the next load reads the log again (call before changing log lines in place). */
  async discardReadAhead(): Promise<void> {
    await this.preparer.discardAhead?.();
  }

  /** Stops the worker thread, if any. */
  close(): Promise<void> {
    return this.preparer.close();
  }
}
