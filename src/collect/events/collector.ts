import type { Engine } from '../../store/index.js';
import { logEntry } from './envelope.js';
import { countBacklog, logBehind, type LoaderLag } from './lag.js';
import { EventLoader, type LoaderOptions, type LoadedChunk } from './loader.js';
import { EventLog } from './log.js';
import type { Message } from './messages.js';

export interface CollectorOptions extends Omit<LoaderOptions, 'folder'> {
  /** Folder of the append-only log. */
  readonly folder: string;
  readonly segmentBytes?: number;
  /** Background load period. */
  readonly intervalMs: number;
  /** Load as soon as this many acknowledged events wait. */
  readonly maxEvents: number;
  /** Reports a failed load (it is retried at the next tick). */
  readonly onError?: (error: unknown) => void;
  /**
   * After a background load during which a request arrived, rest as long as the load took before
   * the next one (default true): behind a burst the loader takes at most about half the time
   * from request handling. Drains never rest, nor does a load no request came during.
   */
  readonly yieldToRequests?: boolean;
  /**
   * Events waiting unloaded past which the loader does not yield (default 20,000): a rest is
   * skipped, or ends at the append that passes it. Keeps the lag bounded under a steady stream.
   */
  readonly yieldMaxLag?: number;
  /** Times loads and rests (tests inject one; default: performance.now and unref'd timers). */
  readonly clock?: LoaderClock;
  /** Told of each rest and its length in ms (tests, tracing). */
  readonly onRest?: (ms: number) => void;
}

/** What the background loop reads the time and waits with. */
export interface LoaderClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

const DEFAULT_YIELD_MAX_LAG = 20_000;

const systemClock: LoaderClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/**
 * The collection pipeline: `accept` makes messages durable in the log (the caller answers 200
 * after it resolves); a background loop loads the log into the datamart every `intervalMs`, or
 * sooner when `maxEvents` wait. With `yieldToRequests`, a background load during which requests
 * arrived is followed by a rest as long as itself, then the loop goes on (it never starves);
 * not while `yieldMaxLag` events wait unloaded (the lag stays bounded).
 */
export class EventCollector {
  readonly log: EventLog;
  readonly loader: EventLoader;
  /** Log lines consumed by loads since the start (events, drops, dead letters). */
  private loadedLines = 0;
  /** Lines an earlier process left unloaded, once counted. */
  private backlog: number | null = null;
  /** Requests (accept calls) since the start: a load that saw this move yields to them. */
  private requests = 0;
  private readonly clock: LoaderClock;
  private timer: unknown = null;
  /** Between a load that requests came during and the next one: only the rest's timer loads. */
  private resting = false;
  /** The background load in progress, if any. */
  private running: Promise<void> | null = null;
  /** Loads run one at a time: the background loop's, and drain's. */
  private loads: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    engine: Engine,
    private readonly options: CollectorOptions,
  ) {
    this.log = new EventLog(options.folder, options.segmentBytes);
    this.clock = options.clock ?? systemClock;
    // Parsing and mapping in a worker thread unless told otherwise: the event loop answers requests.
    this.loader = new EventLoader(engine, { worker: true, ...options });
    // Counted from the position before any load commits (the loader reads it once): what an earlier process left.
    this.loader
      .currentPosition()
      .then((position) => countBacklog(this.log.folder, position, this.log.currentSegment))
      .then(
        (lines) => (this.backlog = lines),
        // A log the database refuses: the loads report it.
        () => undefined,
      );
    this.log.onAppend(() => {
      if (this.resting && this.waiting() >= this.maxLag) this.endRest();
      if (this.log.appendedLines - this.loadedLines >= options.maxEvents) this.kick();
    });
  }

  /** Starts the background loading (first of what an earlier process left in the log). */
  start(): void {
    this.schedule(0);
  }

  /**
   * The loader's lag: events and bytes acknowledged and not yet loaded, and the age of the oldest
   * (cheap: a few file sizes and one small read; nothing personal).
   */
  async lag(now = new Date()): Promise<LoaderLag> {
    const position = this.loader.knownPosition;
    if (position === null) return { events: null, bytes: 0, oldestSeconds: null };
    const { bytes, oldest } = await logBehind(this.log.folder, position);
    const events = this.backlog === null ? null : Math.max(0, this.backlog + this.log.appendedLines - this.loadedLines);
    return { events, bytes, oldestSeconds: oldest === null || bytes === 0 ? null : Math.max(0, (now.getTime() - oldest.getTime()) / 1000) };
  }

  /** Logs messages durably; resolves when they would survive a crash. */
  accept(messages: readonly Message[], receivedAt: Date, keyId: string, batchSentAt?: string | Date): Promise<void> {
    this.requests += 1;
    return this.log.append(messages.map((m) => JSON.stringify(logEntry(m, receivedAt, keyId, batchSentAt))));
  }

  /** Appends already serialised log lines (the server builds them while checking sizes). */
  acceptLines(lines: readonly string[]): Promise<void> {
    this.requests += 1;
    return this.log.append(lines);
  }

  private schedule(delay: number): void {
    if (this.stopped || this.timer !== null) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.kick();
    }, delay);
  }

  /** Waits `ms` before the next load, whatever else would start one sooner (a drain still runs). */
  private rest(ms: number): void {
    if (this.stopped) return;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.resting = true;
    this.options.onRest?.(ms);
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.resting = false;
      this.kick();
    }, ms);
  }

  /** Ends a rest now: the lag passed its bound. */
  private endRest(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.resting = false;
    this.kick();
  }

  /** Acknowledged events not loaded yet (what an earlier process left counted once known). */
  private waiting(): number {
    return Math.max(0, (this.backlog ?? 0) + this.log.appendedLines - this.loadedLines);
  }

  private get maxLag(): number {
    return this.options.yieldMaxLag ?? DEFAULT_YIELD_MAX_LAG;
  }

  private kick(): void {
    if (this.running || this.resting || this.stopped) return;
    this.running = this.queue(() => this.loadAvailable(this.options.yieldToRequests ?? true))
      .catch((error: unknown) => {
        this.options.onError?.(error);
        return null;
      })
      .then((rest) => {
        this.running = null;
        if (rest === null) this.schedule(this.options.intervalMs);
        else this.rest(rest);
      });
  }

  /**
   * Runs `work` after every load queued before it. Two loads side by side would read the same
   * lines from the same position and both write them. Public for privacy erasures (src/server/routes/privacy.ts),
   * which must not fall between a load's read and its commit.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    // The loader's read-ahead may hold lines this work changes in place (an erasure blanks them).
    // A thread that failed holds nothing read ahead any more.
    const then = (): Promise<T> => this.loader.discardReadAhead().catch(() => undefined).then(work);
    return this.queue(then);
  }

  /** Runs `work` after every load queued before it (the loads themselves). */
  private queue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.loads.then(work, work);
    this.loads = result.catch(() => undefined);
    return result;
  }

  /**
   * Loads until the log is loaded: null then. When `yielding` and a request arrived during a
   * load, stops after it and returns the rest to take, in ms (as long as that load took), unless
   * the lag is past its bound.
   */
  private async loadAvailable(yielding: boolean): Promise<number | null> {
    while (!this.stopped) {
      const requests = this.requests;
      const started = this.clock.now();
      const chunk: LoadedChunk | null = await this.loader.loadOnce();
      if (chunk === null) return null;
      this.loadedLines += chunk.lines;
      if (yielding && this.requests !== requests && this.waiting() < this.maxLag) return Math.max(0, this.clock.now() - started);
    }
    return null;
  }

  /** Loads everything acknowledged so far, at once, without rests (tests, shutdown). */
  async drain(): Promise<void> {
    await this.queue(() => this.loadAvailable(false));
  }

  /** Stops loading after the current chunk; what is logged stays for the next start. */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.resting = false;
    await this.loads;
    await this.loader.close();
    await this.log.close();
  }
}
