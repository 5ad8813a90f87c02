import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDbEngine } from './duckdb-engine.js';
import { sql } from './sql.js';

describe('Engine.queryColumns (DuckDB)', () => {
  let engine: DuckDbEngine;
  beforeEach(async () => {
    engine = await DuckDbEngine.open(':memory:');
  });
  afterEach(async () => engine.close());

  it('gives integers as Int32Array, doubles as Float64Array (NULL as NaN) and other types as values', async () => {
    const [ints, doubles, texts, big, times] = await engine.queryColumns(sql`SELECT i::INTEGER AS i, CASE WHEN i = 2 THEN NULL ELSE i / 4 END AS d,
        CASE WHEN i = 1 THEN NULL ELSE 'v' || i END AS t, (i * 10000000000)::BIGINT AS b, TIMESTAMP '2024-01-01' + to_days(i::INTEGER) AS at
      FROM range(5000) AS r(i) WHERE i >= ${0} ORDER BY i`);
    expect(ints).toBeInstanceOf(Int32Array);
    expect(ints?.length).toBe(5000);
    expect(ints?.[4999]).toBe(4999);
    expect(doubles).toBeInstanceOf(Float64Array);
    expect(doubles?.[3]).toBe(0.75);
    expect(Number.isNaN(doubles?.[2])).toBe(true);
    expect(Array.isArray(texts)).toBe(true);
    expect([texts?.[0], texts?.[1], texts?.[4999]]).toEqual(['v0', null, 'v4999']);
    expect(big?.[3]).toBe(30000000000n);
    expect(times?.[1]).toEqual(new Date('2024-01-02T00:00:00Z'));
  });

  it('gives empty columns for an empty result and refuses NULL in an integer column', async () => {
    const [empty] = await engine.queryColumns('SELECT 1::INTEGER AS x WHERE false');
    expect(empty).toBeInstanceOf(Int32Array);
    expect(empty?.length).toBe(0);
    await expect(engine.queryColumns('SELECT NULL::INTEGER AS x')).rejects.toThrow(/NULL/);
  });

  it('gives BLOBs as the bytes query gives, short ones (kept inside the chunk by DuckDB) copied out of it', async () => {
    const query = sql`SELECT CASE WHEN i % 5 = 0 THEN NULL ELSE encode(repeat('é', (i % 40)::INTEGER) || i) END AS b FROM range(5000) AS r(i) WHERE i >= ${0} ORDER BY i`;
    const [blobs] = await engine.queryColumns(query);
    const rows = await engine.query<{ b: Uint8Array | null }>(query);
    expect(blobs).toHaveLength(5000);
    (blobs as (Uint8Array | null)[]).forEach((bytes, i) => {
      expect(bytes === null ? null : Buffer.from(bytes).toString('utf8')).toBe(i % 5 === 0 ? null : `${'é'.repeat(i % 40)}${i}`);
      if (bytes !== null) expect(Buffer.from(bytes).equals(Buffer.from(rows[i]?.b as Uint8Array))).toBe(true);
    });
    // A short value owns its memory: it is the whole of its buffer, not a view into the chunk's.
    const short = (blobs as Uint8Array[])[1] as Uint8Array;
    expect(short.byteLength).toBeLessThanOrEqual(12);
    expect(short.buffer.byteLength).toBe(short.byteLength);
  });
});
