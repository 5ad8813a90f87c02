import { open, stat } from 'node:fs/promises';
import { listSegments, segmentPath } from './segment-files.js';
import type { LogPosition } from './load-steps.js';

/** Acknowledged but not yet loaded: what /health reports of the loader. */
export interface LoaderLag {
  /** Lines not loaded yet; null until the backlog left by an earlier process is counted. */
  readonly events: number | null;
  readonly bytes: number;
  /** Age of the oldest line not loaded yet (its receivedAt), in seconds; null when none waits. */
  readonly oldestSeconds: number | null;
}

/** Bytes of the log after `position` and the receivedAt of its first line, from file sizes and one small read. */
export async function logBehind(folder: string, position: LogPosition): Promise<{ bytes: number; oldest: Date | null }> {
  let bytes = 0;
  let oldest: Date | null = null;
  for (const segment of listSegments(folder)) {
    if (segment < position.segment) continue;
    const start = segment === position.segment ? position.offset : 0;
    const size = await stat(segmentPath(folder, segment)).then((s) => s.size, () => 0);
    if (size <= start) continue;
    bytes += size - start;
    oldest ??= await receivedAt(segmentPath(folder, segment), start);
  }
  return { bytes, oldest };
}

/** The receivedAt of the line at `offset`: every log line names it in its first few hundred bytes. */
async function receivedAt(file: string, offset: number): Promise<Date | null> {
  const handle = await open(file, 'r').catch(() => null);
  if (handle === null) return null;
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    const found = /"receivedAt":"([^"]+)"/.exec(buffer.toString('utf8', 0, bytesRead));
    const date = found?.[1] !== undefined ? new Date(found[1]) : null;
    return date !== null && !Number.isNaN(date.getTime()) ? date : null;
  } finally {
    await handle.close();
  }
}

/** Complete lines of the segments before `before`, from `position` on (the backlog an earlier process left). */
export async function countBacklog(folder: string, position: LogPosition, before: number): Promise<number> {
  let lines = 0;
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  for (const segment of listSegments(folder)) {
    if (segment < position.segment || segment >= before) continue;
    const handle = await open(segmentPath(folder, segment), 'r').catch(() => null);
    if (handle === null) continue;
    try {
      for (let at = segment === position.segment ? position.offset : 0; ; ) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
        if (bytesRead === 0) break;
        for (let i = buffer.indexOf(0x0a, 0); i >= 0 && i < bytesRead; i = buffer.indexOf(0x0a, i + 1)) lines += 1;
        at += bytesRead;
      }
    } finally {
      await handle.close();
    }
  }
  return lines;
}
