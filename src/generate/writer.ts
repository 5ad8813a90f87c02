import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * CSV output of one table. Rows are joined into large chunks and written synchronously: a batch
 * job writing hundreds of megabytes gains nothing from async I/O and this keeps memory flat.
 */
export class CsvTable {
  private readonly fd: number;
  private chunk: string[] = [];
  private chunkLength = 0;
  rows = 0;

  constructor(dir: string, readonly name: string, header: readonly string[]) {
    this.fd = openSync(join(dir, `${name}.csv`), 'w');
    writeSync(this.fd, `${header.join(',')}\n`);
  }

  /** Appends one row; fields must already be CSV-safe (see csvText). */
  row(line: string): void {
    this.chunk.push(line);
    this.chunkLength += line.length;
    this.rows++;
    if (this.chunkLength > 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.chunk.length === 0) return;
    writeSync(this.fd, `${this.chunk.join('\n')}\n`);
    this.chunk = [];
    this.chunkLength = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Quotes a free-text field when it holds a delimiter, a quote or a line break (RFC 4180). */
export function csvText(value: string): string {
  return /[",\n\r]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Money with two decimals, as exports write it. */
export function money(value: number): string {
  return (Math.round(value * 100) / 100).toFixed(2);
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** Formats times (seconds since `origin`) as `YYYY-MM-DD HH:MM:SS` UTC, caching the day part. */
export class TimeFormatter {
  private readonly days: string[] = [];
  constructor(private readonly originMs: number) {}

  day(seconds: number): string {
    const index = Math.floor(seconds / 86_400);
    let text = this.days[index];
    if (text === undefined) {
      text = new Date(this.originMs + index * 86_400_000).toISOString().slice(0, 10);
      this.days[index] = text;
    }
    return text;
  }

  timestamp(seconds: number): string {
    const s = Math.floor(seconds);
    const inDay = ((s % 86_400) + 86_400) % 86_400;
    const h = Math.floor(inDay / 3600);
    const m = Math.floor((inDay % 3600) / 60);
    return `${this.day(s)} ${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[inDay % 60]}`;
  }
}
