import type { Engine } from '../../store/index.js';
import { logEntry } from './envelope.js';
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
}

/**
 * The collection pipeline: `accept` makes messages durable in the log (the caller answers 200
 * after it resolves); a background loop loads the log into the datamart every `intervalMs`, or
 * sooner when `maxEvents` wait.
 */
export class EventCollector {
  readonly log: EventLog;
  readonly loader: EventLoader;
  private loadedLines = 0;
  private timer: NodeJS.Timeout | null = null;
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
    // Parsing and mapping in a worker thread unless told otherwise: the event loop answers requests.
    this.loader = new EventLoader(engine, { worker: true, ...options });
    this.log.onAppend(() => {
      if (this.log.appendedLines - this.loadedLines >= options.maxEvents) this.kick();
    });
  }

  /** Starts the background loading (first of what an earlier process left in the log). */
  start(): void {
    this.schedule(0);
  }

  /** Logs messages durably; resolves when they would survive a crash. */
  accept(messages: readonly Message[], receivedAt: Date, keyId: string, batchSentAt?: string | Date): Promise<void> {
    return this.log.append(messages.map((m) => JSON.stringify(logEntry(m, receivedAt, keyId, batchSentAt))));
  }

  /** Appends already serialised log lines (the server builds them while checking sizes). */
  acceptLines(lines: readonly string[]): Promise<void> {
    return this.log.append(lines);
  }

  private schedule(delay: number): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, delay);
    this.timer.unref();
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.exclusive(() => this.loadAvailable())
      .then(() => undefined)
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.running = null;
        this.schedule(this.options.intervalMs);
      });
  }

  /**
   * Runs `work` after every load queued before it. Two loads side by side would read the same
   * lines from the same position and both write them.
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.loads.then(work, work);
    this.loads = result.catch(() => undefined);
    return result;
  }

  private async loadAvailable(): Promise<LoadedChunk[]> {
    const chunks: LoadedChunk[] = [];
    while (!this.stopped) {
      const chunk = await this.loader.loadOnce();
      if (chunk === null) return chunks;
      this.loadedLines += chunk.events + chunk.duplicates;
      chunks.push(chunk);
    }
    return chunks;
  }

  /** Loads everything acknowledged so far (tests, shutdown). */
  async drain(): Promise<void> {
    await this.exclusive(() => this.loadAvailable());
  }

  /** Stops loading after the current chunk; what is logged stays for the next start. */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.loads;
    await this.loader.close();
    await this.log.close();
  }
}
