/**
 * Removes messages from the event log's segments on disk (an erasure, retention). A removed
 * message's line is overwritten by as many spaces, so every later line keeps its byte offset and
 * the loader's saved position (segment, offset) stays true; the loader skips blank lines.
 *
 * A closed segment is rewritten whole and swapped in atomically (new file, fsync, rename, fsync of
 * the folder): a crash leaves the old file or the new one. The segment a running server appends
 * to cannot be swapped (its file descriptor would go on writing to the old file), so its lines
 * are overwritten in place, then synced: the appender only ever writes past the end, and only
 * complete lines, ended by their newline, are touched.
 */
import { closeSync, fdatasyncSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { LogEntry } from '../collect/events/envelope.js';
import { listSegments, segmentPath } from '../collect/events/segment-files.js';

export interface LogPosition {
  readonly segment: number;
  readonly offset: number;
}

export interface ScrubOptions {
  /** The segment a running server is appending to (scrubbed in place); none when the server is stopped. */
  readonly activeSegment?: number | null;
  /** Only lines before this position (what the loader has loaded); default: every line. */
  readonly before?: LogPosition | null;
}

export interface ScrubReport {
  /** Segments changed. */
  readonly segments: number;
  /** Lines blanked. */
  readonly lines: number;
}

const NEWLINE = 0x0a;
const SPACE = 0x20;

/** The byte ranges [start, end) of the complete lines of a segment that `remove` picks. */
function linesToRemove(bytes: Buffer, segment: number, remove: (entry: LogEntry) => boolean, before: LogPosition | null): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  for (let end = bytes.indexOf(NEWLINE, start); end >= 0; start = end + 1, end = bytes.indexOf(NEWLINE, start)) {
    if (before && (segment > before.segment || (segment === before.segment && end >= before.offset))) break;
    if (end === start || bytes[start] === SPACE) continue;
    let entry: LogEntry;
    try {
      entry = JSON.parse(bytes.toString('utf8', start, end)) as LogEntry;
    } catch {
      continue;
    }
    if (remove(entry)) ranges.push([start, end]);
  }
  return ranges;
}

function syncFolder(folder: string): void {
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse to sync a directory; the renamed file's own sync still holds its data.
  } finally {
    closeSync(fd);
  }
}

/**
 * Blanks, in place, the lines of one byte range of a segment (a chunk the loader just read) whose
 * message `remove` picks. In place because the range may be in the segment being appended to.
 */
export function scrubRange(folder: string, segment: number, from: number, to: number, remove: (entry: LogEntry) => boolean): number {
  const path = segmentPath(folder, segment);
  const fd = openSync(path, 'r+');
  try {
    const bytes = Buffer.alloc(to - from);
    const read = readSync(fd, bytes, 0, bytes.length, from);
    const ranges = linesToRemove(bytes.subarray(0, read), segment, remove, null);
    for (const [start, end] of ranges) writeSync(fd, Buffer.alloc(end - start, SPACE), 0, end - start, from + start);
    if (ranges.length > 0) fdatasyncSync(fd);
    return ranges.length;
  } finally {
    closeSync(fd);
  }
}

/** Blanks the lines whose message `remove` picks, in every segment of the log in `folder`. */
export function scrubLog(folder: string, remove: (entry: LogEntry) => boolean, options: ScrubOptions = {}): ScrubReport {
  let segments = 0;
  let lines = 0;
  for (const segment of listSegments(folder)) {
    if (options.before && segment > options.before.segment) break;
    const path = segmentPath(folder, segment);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      continue; // Deleted by the loader meanwhile: nothing left to scrub.
    }
    const ranges = linesToRemove(bytes, segment, remove, options.before ?? null);
    if (ranges.length === 0) continue;
    segments += 1;
    lines += ranges.length;
    if (segment === options.activeSegment) {
      const fd = openSync(path, 'r+');
      try {
        for (const [start, end] of ranges) writeSync(fd, Buffer.alloc(end - start, SPACE), 0, end - start, start);
        fdatasyncSync(fd);
      } finally {
        closeSync(fd);
      }
      continue;
    }
    for (const [start, end] of ranges) bytes.fill(SPACE, start, end);
    const temporary = `${path}.compact`;
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } catch (error) {
      closeSync(fd);
      rmSync(temporary, { force: true });
      throw error;
    }
    closeSync(fd);
    renameSync(temporary, path);
    syncFolder(folder);
  }
  return { segments, lines };
}
