import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ChunkPreparation, MappedChunk, PrepareOptions, ReadChunk } from './prepare.js';
import type { StagedTable } from './write.js';

export type PrepareCall =
  | { readonly id: number; readonly method: 'read'; readonly args: [segment: number, offset: number, maxBytes: number] }
  | { readonly id: number; readonly method: 'map'; readonly args: [only: readonly number[]] }
  | { readonly id: number; readonly method: 'stage'; readonly args: [] }
  | { readonly id: number; readonly method: 'discardAhead'; readonly args: [] };
type PrepareResult = ReadChunk | MappedChunk | { readonly refused: string } | StagedTable[] | null;
export type PrepareReply = { readonly id: number; readonly result: PrepareResult } | { readonly id: number; readonly error: string };

interface Pending {
  resolve(value: PrepareResult): void;
  reject(error: Error): void;
}

/**
 * ChunkPreparer in a worker thread. Parsing the log lines, mapping them and serialising the rows
 * took 12% of the server's event loop under the ingest bench (and its garbage a share of the
 * collector's 10%), time taken from request handling; in the worker the event loop only issues
 * the SQL. The thread is started with the loader, and again at the next load after a crash.
 */
export class WorkerChunkPreparer implements ChunkPreparation {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly options: PrepareOptions) {
    // Started now rather than at the first load, which would wait for the thread to boot.
    this.start();
  }

  read(segment: number, offset: number, maxBytes: number): Promise<ReadChunk> {
    return this.call({ id: this.nextId++, method: 'read', args: [segment, offset, maxBytes] }) as Promise<ReadChunk>;
  }

  map(only: readonly number[]): Promise<MappedChunk | { readonly refused: string }> {
    return this.call({ id: this.nextId++, method: 'map', args: [only] }) as Promise<MappedChunk | { readonly refused: string }>;
  }

  stage(): Promise<StagedTable[]> {
    return this.call({ id: this.nextId++, method: 'stage', args: [] }) as Promise<StagedTable[]>;
  }

  async discardAhead(): Promise<void> {
    // A thread not started holds nothing read ahead.
    if (this.worker !== null) await this.call({ id: this.nextId++, method: 'discardAhead', args: [] });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private call(call: PrepareCall): Promise<PrepareResult> {
    const worker = this.worker ?? this.start();
    return new Promise((resolve, reject) => {
      this.pending.set(call.id, { resolve, reject });
      // A call in flight keeps the process alive (a drain at shutdown waits for it); an idle thread does not.
      worker.ref();
      worker.postMessage(call);
    });
  }

  private start(): Worker {
    const worker = startThread(this.options);
    worker.unref();
    worker.on('message', (reply: PrepareReply) => {
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (!pending) return;
      if ('error' in reply) pending.reject(new Error(`event loader thread: ${reply.error}`));
      else pending.resolve(reply.result);
    });
    const fail = (error: Error): void => {
      if (this.worker === worker) this.worker = null;
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`event loader thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

/**
 * The thread runs prepare-thread.js from the build; from sources (tests, tsx) it first registers
 * tsx in the thread, as a worker does not inherit the loader hooks of its parent.
 */
/** The ESM entry of tsx's `tsx/esm/api`, found through its package exports. */
function tsxApi(from: string): string {
  const require = createRequire(from);
  const manifest = require.resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  const api = exports['./esm/api']?.import.default;
  if (api === undefined) throw new Error('tsx/esm/api not found: the event loader thread cannot run from sources');
  return pathToFileURL(join(dirname(manifest), api)).href;
}

/**
 * The thread's young generation: a chunk's parsed messages and rows (about 18,000 events of an
 * 8 MB chunk) die together once staged; with V8's default size they outlived several scavenges and
 * were copied each time (a third of the thread's time was garbage collection). 64 MB: the
 * thread's CPU an event fell by about 15% in bench/loader.ts (4 runs each way, alternating).
 */
const YOUNG_GENERATION_MB = 64;

function startThread(options: PrepareOptions): Worker {
  const here = import.meta.url;
  const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB };
  if (!here.endsWith('.ts')) return new Worker(new URL('./prepare-thread.js', here), { workerData: options, resourceLimits });
  const entry = new URL('./prepare-thread.ts', here).href;
  const bootstrap = `import(${JSON.stringify(tsxApi(here))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: options, resourceLimits });
}
