import { closeSync, fdatasyncSync, mkdirSync, openSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { fdatasync, write } from 'node:fs';
import { promisify } from 'node:util';
import { createLogId, readLogId } from './log-identity.js';
import { listSegments, segmentPath } from './segment-files.js';

const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);

/**
 * The append-only event log: segment files of JSON lines in one folder. `append` resolves once
 * its lines are on disk (fdatasync). Appends that arrive while a sync is in flight wait for the
 * next one and share it (group commit), so under load one fsync covers many requests.
 *
 * Each process start opens a new segment: a segment is never appended to after a restart, so a
 * line torn by a crash can only be the last of a closed segment, where the loader skips it.
 */
export class EventLog {
  private segment: number;
  private fd: number;
  private size = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private closed = false;
  /** The log's identity (its log-id file), stored with the loader's position. */
  readonly id: string;
  /** Lines durably written since the process started. */
  appendedLines = 0;
  /** fdatasync calls made: fewer than appends under load (group commit). */
  syncs = 0;
  private readonly listeners: (() => void)[] = [];

  constructor(
    readonly folder: string,
    private readonly segmentBytes = 64 * 1024 * 1024,
  ) {
    mkdirSync(folder, { recursive: true });
    // The server checks the folder against the database before (log-identity.ts); a new folder gets its identity here.
    this.id = readLogId(folder) ?? createLogId(folder);
    const segments = listSegments(folder);
    this.segment = (segments.at(-1) ?? 0) + 1;
    this.fd = this.openSegment(this.segment);
  }

  /** The segment now being written. */
  get currentSegment(): number {
    return this.segment;
  }

  /** Called after each durable write (the loader wakes on it). */
  onAppend(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Appends lines (each a JSON text without newline); resolves when they are durable. */
  append(lines: readonly string[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the event log is closed'));
    if (lines.length === 0) return Promise.resolve();
    const buffer = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    this.pending.push(buffer);
    this.pendingBytes += buffer.length;
    this.appendedLines += lines.length;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.kick();
    return done;
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = null;
      // Lines queued between the end of the loop and now start the next round.
      if (this.pending.length > 0) this.kick();
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const chunk = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, this.pendingBytes);
      const waiters = this.waiters;
      this.pending = [];
      this.pendingBytes = 0;
      this.waiters = [];
      try {
        if (this.size > 0 && this.size + chunk.length > this.segmentBytes) this.rotate();
        let written = 0;
        while (written < chunk.length) {
          const { bytesWritten } = await writeAsync(this.fd, chunk, written, chunk.length - written);
          written += bytesWritten;
        }
        this.size += chunk.length;
        await fdatasyncAsync(this.fd);
        this.syncs += 1;
        for (const w of waiters) w.resolve();
      } catch (error) {
        for (const w of waiters) w.reject(error);
      }
      for (const listener of this.listeners) listener();
    }
  }

  private rotate(): void {
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    this.segment += 1;
    this.fd = this.openSegment(this.segment);
    this.size = 0;
  }

  private openSegment(segment: number): number {
    const fd = openSync(segmentPath(this.folder, segment), 'a');
    // The new file's directory entry must be durable too, or a crash could lose the whole file.
    syncFolder(this.folder);
    return fd;
  }

  /** Waits for pending appends, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flushing;
    closeSync(this.fd);
  }
}

function syncFolder(folder: string): void {
  const fd = openSync(folder, 'r');
  try {
    fdatasyncSync(fd);
  } catch {
    // Some filesystems refuse to sync a directory; the file's own sync still holds its data.
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads up to `maxBytes` of a segment from `offset`, cut after its last complete line; `offsets`
 * are the byte offsets of the lines in the segment (their log positions).
 */
export async function readLines(
  folder: string,
  segment: number,
  offset: number,
  maxBytes: number,
): Promise<{ lines: string[]; offsets: number[]; nextOffset: number; size: number }> {
  const handle = await openFile(segmentPath(folder, segment), 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(maxBytes, Math.max(0, size - offset));
    if (length === 0) return { lines: [], offsets: [], nextOffset: offset, size };
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    const end = buffer.lastIndexOf(0x0a, bytesRead - 1);
    if (end < 0) return { lines: [], offsets: [], nextOffset: offset, size };
    const lines: string[] = [];
    const offsets: number[] = [];
    for (let start = 0; start <= end; ) {
      const stop = buffer.indexOf(0x0a, start);
      lines.push(buffer.toString('utf8', start, stop));
      offsets.push(offset + start);
      start = stop + 1;
    }
    return { lines, offsets, nextOffset: offset + end + 1, size };
  } finally {
    await handle.close();
  }
}

/** The line of a segment at `offset` (a dead letter's text), without its newline. */
export async function readLineAt(folder: string, segment: number, offset: number): Promise<string> {
  const handle = await openFile(segmentPath(folder, segment), 'r');
  try {
    const parts: Buffer[] = [];
    for (let at = offset; ; ) {
      const buffer = Buffer.allocUnsafe(64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
      const stop = buffer.subarray(0, bytesRead).indexOf(0x0a);
      if (stop >= 0 || bytesRead === 0) {
        parts.push(buffer.subarray(0, stop >= 0 ? stop : bytesRead));
        return Buffer.concat(parts).toString('utf8');
      }
      parts.push(buffer.subarray(0, bytesRead));
      at += bytesRead;
    }
  } finally {
    await handle.close();
  }
}
