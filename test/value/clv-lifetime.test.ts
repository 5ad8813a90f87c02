import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/collect/index.js';
import { parseConfig } from '../../src/config/index.js';
import { generateDemoCompany } from '../../src/generate/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { sql, type Engine } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { fixtureConfig } from '../helpers/fixture-config.js';
import { tempDir } from '../helpers/fixtures.js';
import { runSteps } from '../helpers/steps.js';

interface ClvRow {
  person_id: string;
  clv: number;
  clv_12m: number;
  clv_lifetime: number;
  clv_basis: string;
  clv_horizon_weeks: number | null;
  clv_cost_years: number;
}

/** What the predicted value of customer_classes comes from: the value, the referral value, the tiers. */
const VALUE_STEPS = ['clv', 'referral_value', 'value_tiers', 'customer_classes'];

const clvRows = (engine: Engine): Promise<ClvRow[]> =>
  engine.query<ClvRow & Record<string, unknown>>(sql`SELECT person_id, clv, clv_12m, clv_lifetime, clv_basis, clv_horizon_weeks, clv_cost_years
    FROM customer_clv ORDER BY person_id`);

describe('lifetime value in the pipeline (demo company)', () => {
  let engine: Engine;
  let lifetime: ClvRow[];
  beforeAll(async () => {
    const dir = join(tempDir(), 'company');
    await generateDemoCompany({ customers: 2000, seed: 41, outDir: dir, format: 'csv' });
    engine = await openStore(':memory:');
    await importFiles(engine, [dir]);
    await runPipeline(engine, fixtureConfig());
    lifetime = await clvRows(engine);
  });
  afterAll(async () => {
    await engine.close();
  });

  it('makes clv the lifetime value by default, beside a 12-month value on the same margin basis', () => {
    expect(lifetime.length).toBeGreaterThan(1000);
    for (const row of lifetime) {
      expect(row.clv).toBe(row.clv_lifetime);
      expect(row.clv_basis).toBe('margin');
      expect(row.clv_horizon_weeks).toBeNull();
      // Same sign (a negative margin rate makes both negative), a longer life counts more of it.
      expect(Math.abs(row.clv_lifetime)).toBeGreaterThanOrEqual(Math.abs(row.clv_12m) - 1e-9);
      expect(row.clv_lifetime * row.clv_12m).toBeGreaterThanOrEqual(0);
    }
    const valued = lifetime.filter((r) => r.clv_12m > 0);
    expect(valued.length).toBeGreaterThan(500);
    // A whole life is worth more than a year for almost everyone (the dead-for-sure are worth ~0 either way).
    expect(valued.filter((r) => r.clv_lifetime > 1.05 * r.clv_12m).length / valued.length).toBeGreaterThan(0.9);
    expect(valued.every((r) => r.clv_cost_years >= 52 / 52.1775 - 1e-9)).toBe(true);
  });

  it('with value.clv.horizon = 52 gives clv = the 12-month value, the former CLV; with 26 weeks less', async () => {
    await runSteps(engine, fixtureConfig({ value: { clv: { horizon: 52 } } }), ['clv']);
    const year = await clvRows(engine);
    for (const [i, row] of year.entries()) {
      expect(row.clv_horizon_weeks).toBe(52);
      // Relative: each run refits the model, whose optimum moves in the 5th digit with the engine's summation order.
      expect(Math.abs(row.clv - (lifetime[i]?.clv_12m ?? NaN))).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(row.clv)));
      expect(row.clv_cost_years).toBeCloseTo(52 / 52.1775, 12);
    }
    await runSteps(engine, fixtureConfig({ value: { clv: { horizon: 26 } } }), ['clv']);
    const half = await clvRows(engine);
    expect(half.every((r, i) => Math.abs(r.clv) <= Math.abs(year[i]?.clv ?? 0) + 1e-9)).toBe(true);
    expect(half.some((r, i) => r.clv < (year[i]?.clv ?? 0) - 1)).toBe(true);
  });

  it('refuses a lifetime value without discounting, and accepts it with a horizon', () => {
    expect(() => parseConfig({ value: { clv: { discountRate: 0 } } })).toThrow(/discountRate/);
    expect(parseConfig({ value: { clv: { discountRate: 0, horizon: 52 } } }).value.clv.horizon).toBe(52);
  });

  it('counts the referral value in the predicted value unless segments.tiers.countReferralValue is false', async () => {
    await runSteps(engine, fixtureConfig(), VALUE_STEPS);
    const rows = async () =>
      engine.query<{ person_id: string; predicted_value: number; referral_value: number; referred_clv: number | null }>(sql`SELECT person_id,
        predicted_value, referral_value, referred_clv FROM customer_classes WHERE orders > 0 ORDER BY person_id`);
    const counted = await rows();
    const referrers = counted.filter((r) => (r.referred_clv ?? 0) > 0);
    expect(referrers.length).toBeGreaterThan(5);
    for (const r of referrers) expect(r.referral_value).toBeCloseTo(r.referred_clv ?? NaN, 8);
    await runSteps(engine, fixtureConfig({ segments: { tiers: { countReferralValue: false } } }), VALUE_STEPS);
    const without = new Map((await rows()).map((r) => [r.person_id, r.predicted_value]));
    // Each run refits the model, whose optimum moves in the 5th digit with the engine's summation order.
    for (const r of counted) expect(Math.abs(r.predicted_value - (without.get(r.person_id) ?? NaN) - r.referral_value)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(r.predicted_value)));
  });
});
