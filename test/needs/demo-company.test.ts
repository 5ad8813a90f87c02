import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importFiles } from '../../src/collect/index.js';
import { parseConfig, type Config } from '../../src/config/index.js';
import { generateDemoCompany } from '../../src/generate/index.js';
import { evaluateNextBestOffer, explainNextOffer, NEEDS_STEPS, type NextOfferRow } from '../../src/needs/index.js';
import { defaultAsOf, PIPELINE } from '../../src/pipeline/index.js';
import { sql, type Engine } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { tempDir } from '../helpers/fixtures.js';

const DAY_MS = 86_400_000;

describe('needs on a generated company', () => {
  let engine: Engine;
  let config: Config;
  let asOf: Date;
  beforeAll(async () => {
    const dir = join(tempDir(), 'company');
    await generateDemoCompany({ customers: 3000, seed: 2024, outDir: dir, format: 'csv' });
    engine = await openStore(':memory:');
    await importFiles(engine, [dir]);
    config = parseConfig({});
    asOf = await defaultAsOf(engine);
    // Only the steps the needs read, so the test does not depend on the rest of the pipeline.
    const before = PIPELINE.filter((s) => ['customer_persons', 'order_facts', 'customer_facts', 'rfm'].includes(s.name));
    for (const step of [...before, ...NEEDS_STEPS]) await step.run({ engine, config, asOf, warn: () => undefined });
  }, 60_000);
  afterAll(async () => {
    await engine.close();
  });

  it('ranks five offers per buyer by probability x margin, none bought in the last 90 days', async () => {
    const [row] = await engine.query<{ buyers: number; offered: number; bad_rank: number; recent: number }>(sql`SELECT
      (SELECT count(*) FROM customer_needs_group) AS buyers,
      (SELECT count(DISTINCT person_id) FROM customer_next_offers) AS offered,
      (SELECT count(*) FROM (SELECT person_id FROM customer_next_offers GROUP BY person_id
        HAVING count(*) <> 5 OR max(rank) <> 5 OR count(DISTINCT sku) <> 5)) AS bad_rank,
      (SELECT count(*) FROM customer_next_offers AS o JOIN person_purchase_lines AS l ON l.person_id = o.person_id AND l.sku = o.sku
        WHERE l.ordered_at > ${new Date(asOf.getTime() - 90 * DAY_MS)}) AS recent`);
    expect(row?.offered).toBe(row?.buyers);
    expect(row).toMatchObject({ bad_rank: 0, recent: 0 });
  });

  it('up-sells only dearer products of bought ranges and cross-sells only ranges never bought', async () => {
    const [row] = await engine.query<{ bad_up: number; bad_cross: number; up: number; cross: number }>(sql`SELECT
      count(*) FILTER (WHERE o.kind = 'up_sell' AND (a.category IS NULL OR o.price < 1.1 * a.max_unit_price)) AS bad_up,
      count(*) FILTER (WHERE o.kind = 'cross_sell' AND a.category IS NOT NULL) AS bad_cross,
      count(*) FILTER (WHERE o.kind = 'up_sell') AS up, count(*) FILTER (WHERE o.kind = 'cross_sell') AS cross
      FROM customer_next_offers AS o LEFT JOIN customer_category_affinity AS a ON a.person_id = o.person_id AND a.category = o.category`);
    expect(row).toMatchObject({ bad_up: 0, bad_cross: 0 });
    expect(row?.up).toBeGreaterThan(0);
    expect(row?.cross).toBeGreaterThan(0);
  });

  it('gives every buyer category shares that add up to one, compared with his RFM segment', async () => {
    const [row] = await engine.query<{ bad: number; bad_index: number; segments: number }>(sql`SELECT
      (SELECT count(*) FROM (SELECT person_id FROM customer_category_affinity GROUP BY person_id HAVING abs(sum(share) - 1) > 1e-9)) AS bad,
      (SELECT count(*) FROM customer_category_affinity WHERE abs(affinity_index - share / segment_share) > 1e-9) AS bad_index,
      (SELECT count(DISTINCT a.segment) FROM customer_category_affinity AS a JOIN customer_rfm AS r
        ON r.person_id = a.person_id AND r.segment = a.segment) AS segments`);
    expect(row).toMatchObject({ bad: 0, bad_index: 0 });
    expect(row?.segments).toBeGreaterThan(5);
  });

  it('finds the complementary ranges the generator plants (lift above 1 between related ranges)', async () => {
    const rows = await engine.query<{ antecedent: string; consequent: string; lift: number }>(
      sql`SELECT antecedent, consequent, lift FROM category_associations`,
    );
    expect(rows.length).toBeGreaterThan(20);
    // Lift is symmetric: P(a and b) / (P(a) P(b)).
    for (const r of rows) {
      const back = rows.find((x) => x.antecedent === r.consequent && x.consequent === r.antecedent);
      expect(back?.lift).toBeCloseTo(r.lift, 9);
    }
  });

  it('explains each offer with its figures', async () => {
    const offers = await engine.query<NextOfferRow & Record<string, unknown>>(sql`SELECT * FROM customer_next_offers ORDER BY person_id, rank LIMIT 50`);
    for (const offer of offers) {
      const text = explainNextOffer(offer);
      expect(text).toContain(offer.product_name);
      expect(text).toContain(`${(100 * offer.probability).toFixed(offer.probability < 0.1 ? 1 : 0)}% chance`);
      expect(text).toContain(`margin ${offer.unit_margin.toFixed(offer.unit_margin < 10 ? 2 : 0)} EUR`);
    }
  });

  it('beats the popularity baseline on a time split, then puts the tables back at the as-of date', async () => {
    const splitDate = new Date(asOf.getTime() - 180 * DAY_MS);
    const result = await evaluateNextBestOffer(engine, config, { splitDate, horizonDays: 180 });
    expect(result.customersEvaluated).toBeGreaterThan(300);
    expect(result.hitRate).toBeGreaterThan(1.5 * result.popularityHitRate);
    expect(result.hitRate - result.popularityHitRate).toBeGreaterThan(0.1);
    const [row] = await engine.query<{ as_of: Date }>(sql`SELECT max(as_of) AS as_of FROM customer_next_offers`);
    expect(row?.as_of).toEqual(asOf);
  }, 60_000);
});
