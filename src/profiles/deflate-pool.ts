import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface DeflateSettings {
  readonly level: number;
  readonly windowBits: number;
}

/**
 * The thread: a batch of documents in as one buffer of UTF-8 text and the end of each, their
 * deflated bytes back the same way (transferred both ways, not copied). Plain JavaScript
 * evaluated in the worker, needing only node:zlib, so the same code runs from the build and from
 * sources (no loader in the thread).
 */
const THREAD = `
const { parentPort } = require('node:worker_threads');
const { deflateRawSync } = require('node:zlib');
parentPort.on('message', ({ id, text, textEnds, settings, dictionary }) => {
  try {
    const options = dictionary ? { ...settings, dictionary: Buffer.from(dictionary) } : settings;
    const parts = [];
    let start = 0;
    for (const end of textEnds) {
      parts.push(deflateRawSync(text.subarray(start, end), options));
      start = end;
    }
    let total = 0;
    for (const part of parts) total += part.length;
    const bytes = new Uint8Array(total);
    const ends = new Int32Array(parts.length);
    let at = 0;
    for (let i = 0; i < parts.length; i++) {
      bytes.set(parts[i], at);
      at += parts[i].length;
      ends[i] = at;
    }
    parentPort.postMessage({ id, bytes, ends }, [bytes.buffer, ends.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.stack || error) });
  }
});`;

interface Job {
  resolve(parts: Buffer[]): void;
  reject(error: Error): void;
}

interface Answer {
  readonly id: number;
  readonly bytes?: Uint8Array;
  readonly ends?: Int32Array;
  readonly error?: string;
}

/**
 * Deflates batches of profile documents on worker threads, so that the build's main thread reads
 * the next batch from DuckDB while earlier ones are compressed: compression was half the
 * profile_documents step (300k persons: 40 of 80 s on the main thread, at about 70 µs a document).
 * node:zlib's asynchronous calls would use libuv's pool too, but with one call and its setup per
 * 4.5 KB document; a thread takes a batch of 2,048 in one message.
 */
export class DeflatePool {
  private readonly workers: Worker[];
  private readonly jobs = new Map<number, Job>();
  private nextId = 0;
  private failure: Error | null = null;

  constructor(threads = Math.max(1, Math.min(4, availableParallelism()))) {
    this.workers = Array.from({ length: threads }, () => {
      const worker = new Worker(THREAD, { eval: true });
      worker.on('message', (answer: Answer) => this.settle(answer));
      worker.on('error', (error) => this.fail(error));
      return worker;
    });
  }

  /**
   * The batch's documents deflated, in its order: UTF-8 bytes (as DuckDB gives a BLOB) or text,
   * encoded here; the bytes deflated are the same either way. The batch goes over as one buffer,
   * transferred: posting the strings themselves serialised and copied each in both threads.
   */
  compress(docs: readonly (string | Uint8Array)[], settings: DeflateSettings, dictionary: Buffer | undefined): Promise<Buffer[]> {
    if (this.failure) return Promise.reject(this.failure);
    const textEnds = new Int32Array(docs.length);
    const parts: Uint8Array[] = [];
    let total = 0;
    for (const [i, doc] of docs.entries()) {
      const part = typeof doc === 'string' ? Buffer.from(doc, 'utf8') : doc;
      if (!(part instanceof Uint8Array)) return Promise.reject(new Error(`profile document compression failed: document ${i + 1} of the batch is neither text nor bytes`));
      parts.push(part);
      textEnds[i] = total += part.byteLength;
    }
    // Its own ArrayBuffer (not a slice of Buffer's pool), so that it can be transferred.
    const text = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      text.set(part, at);
      at += part.byteLength;
    }
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length] as Worker;
    return new Promise<Buffer[]>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      worker.postMessage({ id, text, textEnds, settings, dictionary: dictionary ? new Uint8Array(dictionary) : undefined }, [text.buffer, textEnds.buffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private settle(answer: Answer): void {
    const job = this.jobs.get(answer.id);
    if (!job) return;
    this.jobs.delete(answer.id);
    if (answer.error !== undefined || !answer.bytes || !answer.ends) {
      job.reject(new Error(`profile document compression failed: ${answer.error ?? 'no answer'}`));
      return;
    }
    const bytes = Buffer.from(answer.bytes.buffer, answer.bytes.byteOffset, answer.bytes.byteLength);
    const parts: Buffer[] = [];
    let start = 0;
    for (const end of answer.ends) {
      parts.push(bytes.subarray(start, end));
      start = end;
    }
    job.resolve(parts);
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const job of this.jobs.values()) job.reject(error);
    this.jobs.clear();
  }
}
