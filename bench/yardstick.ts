// A fixed piece of work timed beside a long bench, so that its figures can be read against the
// machine's speed at the time: on a shared 2-core machine the same `fidelis run` took 100 s and
// 116 s one after the other, and steps no change touched were 10-25% slower on one evening than
// on the afternoon before. A figure divided by the yardstick measured during the same run
// compares across runs where the bare seconds do not.
import { deflateRawSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { round } from './round.js';

/** Seeded text shaped like a profile document (numbers, ids, repeated words), ~240 KB. */
function sampleText(): string {
  let seed = 42;
  const next = (): number => {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
    return seed / 2 ** 32;
  };
  const rows: unknown[] = [];
  for (let i = 0; i < 4_000; i++) rows.push([`C${String(i).padStart(7, '0')}`, next() * 1_000, Math.floor(next() * 50), ['email', 'sms', 'mail'][i % 3], next()]);
  return JSON.stringify(rows);
}

/**
 * Times the yardstick: a DuckDB aggregation over 1M rows in memory (hashing, grouping, text) on
 * DuckDB's threads, then text deflated and JSON parsed on the calling thread. About 0.3 s on
 * the 2-core machine. Returns its wall seconds.
 */
export async function yardstick(): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const text = sampleText();
  const t0 = performance.now();
  try {
    await connection.run(`SELECT count(*), sum(n), max(m) FROM (
      SELECT i % 50000 AS g, count(*) AS n, max(md5(CAST(i AS VARCHAR))) AS m FROM range(1000000) AS t(i) GROUP BY g)`);
    let bytes = 0;
    for (let r = 0; r < 2; r++) {
      bytes += deflateRawSync(text, { level: 1, windowBits: 13 }).length;
      bytes += (JSON.parse(text) as unknown[]).length;
    }
    if (bytes === 0) throw new Error('yardstick: nothing done');
    return (performance.now() - t0) / 1000;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The yardsticks of a run: each one's seconds, and their median, which the run's figures are divided by. */
export interface Yardsticks {
  readonly seconds: readonly number[];
  readonly median: number;
}

export function summarise(seconds: readonly number[]): Yardsticks {
  const sorted = [...seconds].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length === 0 ? NaN : sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { seconds: seconds.map((s) => round(s, 3)), median: round(median, 3) };
}
