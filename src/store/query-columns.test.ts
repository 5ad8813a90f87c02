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
});
