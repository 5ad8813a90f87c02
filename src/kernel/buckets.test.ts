import { describe, expect, it } from 'vitest';
import { DuckDbDialect, type Engine } from '../store/index.js';
import { joinBuckets } from './buckets.js';

/** An engine that answers the size query with given figures, with or without a per-query memory limit. */
function sized(limit: number | undefined, n: number, text: number): Engine {
  return { dialect: new DuckDbDialect(), location: ':memory:', queryMemoryLimit: limit, query: () => Promise.resolve([{ n, text }]) } as unknown as Engine;
}

describe('hash buckets of a large join', () => {
  it('is one piece where the engine spills joins itself (no per-query limit)', async () => {
    expect(await joinBuckets(sized(undefined, 1e9, 1e12), 'x' as never, { textColumns: ['a'], columns: 2 })).toBe(1);
  });

  it('cuts the right-hand side so that each piece takes at most an eighth of the limit', async () => {
    // 10,000 rows of 4 columns: 500,000 bytes of text + 10,000 x (48 + 4 x 16) = 1.62 MB, over 125 KB a piece.
    expect(await joinBuckets(sized(1_000_000, 10_000, 500_000), 'x' as never, { textColumns: ['a'], columns: 4 })).toBe(13);
    expect(await joinBuckets(sized(2_000_000_000, 10_000, 500_000), 'x' as never, { textColumns: ['a'], columns: 4 })).toBe(1);
  });

  it('takes the number a test forces', async () => {
    expect(await joinBuckets(sized(undefined, 0, 0), 'x' as never, { textColumns: [], columns: 1, forced: 4 })).toBe(4);
  });
});
