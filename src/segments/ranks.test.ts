import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine, sql } from '../store/index.js';
import { percentileCuts, percentileOf, readPercentileCuts } from './ranks.js';

/** The definition: how many cut points lie strictly below the value (unknown for an unknown value). */
const below = (value: number | null, cuts: readonly number[]): number | null => (value === null ? null : cuts.filter((c) => value > c).length);

describe('percentiles from cut points', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await DuckDbEngine.open(':memory:');
    // Skewed values with many ties (a third are 0, as spend often is), some NULL, a few negative.
    await engine.exec(`CREATE TABLE population AS SELECT i,
      CASE WHEN i % 17 = 0 THEN NULL WHEN i % 3 = 0 THEN 0.0 ELSE round(pow(1.0 + (i * 7919 % 1000) / 100.0, 2) - 5, 2) END AS v
      FROM range(0, 5000) AS t(i)`);
    await engine.exec(sql`CREATE TABLE population_cuts AS SELECT ${percentileCuts(engine.dialect, sql`v`)} AS cuts FROM population`);
  });
  afterAll(() => engine.close());

  it('counts the cut points below each value as 99 comparisons would, ties, NULLs and equal cuts included', async () => {
    const [cuts = null] = await readPercentileCuts(engine, sql`SELECT cuts FROM population_cuts`, ['cuts']);
    expect(cuts).toHaveLength(99);
    // A third of the values are 0: many cut points are equal.
    expect(new Set(cuts).size).toBeLessThan(80);
    const rows = await engine.query<{ v: number | null; p: number | null }>(sql`SELECT v, ${percentileOf(engine.dialect, sql`v`, cuts)} AS p FROM population`);
    expect(rows).toHaveLength(5000);
    for (const { v, p } of rows) expect(p).toBe(below(v, cuts ?? []));
    // Values equal to a cut point, and beyond the lowest and the highest.
    const edges = [...(cuts ?? []), -1e9, 1e9, 0];
    const probed = await engine.query<{ v: number; p: number }>(
      sql`SELECT v, ${percentileOf(engine.dialect, sql`v`, cuts)} AS p FROM (SELECT unnest(${sql.raw(`[${edges.join(', ')}]::DOUBLE[]`)}) AS v)`,
    );
    for (const { v, p } of probed) expect(p).toBe(below(v, cuts ?? []));
    expect(probed.find((r) => r.v === 1e9)?.p).toBe(99);
    expect(probed.find((r) => r.v === -1e9)?.p).toBe(0);
  });

  it('takes the cut points in any order, and leaves every percentile unknown without them', async () => {
    const shuffled = [5, 1, 3, 3, 2];
    const [row] = await engine.query<{ p: number; q: number | null }>(
      sql`SELECT ${percentileOf(engine.dialect, sql`3.5`, shuffled)} AS p, ${percentileOf(engine.dialect, sql`3.5`, null)} AS q`,
    );
    expect(row).toEqual({ p: 4, q: null });
    // Cut points over no rows are NULL: no percentile, as a comparison with NULL gives.
    await engine.exec(sql`CREATE TABLE empty_cuts AS SELECT ${percentileCuts(engine.dialect, sql`v`)} AS cuts FROM population WHERE v > 1e12`);
    expect(await readPercentileCuts(engine, sql`SELECT cuts FROM empty_cuts`, ['cuts'])).toEqual([null]);
  });
});
