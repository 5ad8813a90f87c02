import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importFiles } from '../src/collect/index.js';
import { parseConfig } from '../src/config/index.js';
import { generateDemoCompany } from '../src/generate/index.js';
import { runPipeline } from '../src/pipeline/index.js';
import { sql, type Engine } from '../src/store/index.js';
import { openStore } from '../src/schema/index.js';
import { memoryStore, SMALL_COMPANY, tempDir, writeFiles } from './helpers/fixtures.js';

describe('customer facts on a small hand-made company', () => {
  it('adds up revenue, margin, returns, service, marketing and acquisition per customer', async () => {
    const engine = await memoryStore();
    await importFiles(engine, [
      writeFiles({
        ...SMALL_COMPANY,
        'customers.csv': 'customer_id,source,signup_at,acquisition_cost\nC1,store,2023-01-03,36\nC2,web,2024-02-01,10',
        'returns.csv': 'return_id,order_id,line_no,returned_at,quantity,refund_amount\nR1,O1,1,2024-01-10,1,49.90',
        'tickets.csv': 'ticket_id,customer_id,opened_at,type,channel,handling_cost\nT1,C1,2024-01-11,complaint,phone,\nT2,C1,2024-01-12,billing,email,2.5',
        'campaigns.csv': 'campaign_id,name,channel,started_at\nK,news,email,2024-01-01',
        'contacts.csv': 'contact_id,customer_id,campaign_id,channel,sent_at,unit_cost\nX1,C1,K,email,2024-01-02,\nX2,C1,K,mail,2024-01-02,1.1',
        'surveys.csv': 'survey_id,customer_id,at,kind,score\nS1,C1,2024-01-05,nps,9\nS2,C1,2024-01-20,nps,3',
      }),
    ]);
    await runPipeline(engine, parseConfig({}), { asOf: new Date('2024-01-31T00:00:00Z') });
    const [c1] = await engine.query(sql`SELECT orders, occasions, CAST(revenue AS DOUBLE) AS revenue, CAST(gross_margin AS DOUBLE) AS margin,
      returns, returned_margin, tickets, complaints, ticket_cost, contacts, contact_cost, acquisition_amortised, latest_nps,
      category_list, channels, tenure_days, recency_days, net_contribution FROM customer_facts WHERE person_id = 'C1'`);
    // O1: revenue 114.80, margin 67.30; refund 49.90 loses 49.90 x 67.30 / 114.80 of margin.
    const returnedMargin = (49.9 * 67.3) / 114.8;
    expect(c1).toMatchObject({ orders: 1, occasions: 1, revenue: 114.8, margin: 67.3, returns: 1, tickets: 2, complaints: 1, contacts: 2, latest_nps: 3 });
    expect(c1?.returned_margin).toBeCloseTo(returnedMargin, 9);
    expect(c1?.ticket_cost).toBeCloseTo(20 + 2.5, 9); // the complaint takes its configured cost
    expect(c1?.contact_cost).toBeCloseTo(0.002 + 1.1, 9);
    expect(c1).toMatchObject({ category_list: 'garden,home', channels: 'store', tenure_days: 393, recency_days: 28 });
    // 36 EUR amortised over 36 months: 393 days' worth.
    expect(c1?.acquisition_amortised).toBeCloseTo((36 * 393) / (36 * 30.4375), 9);
    const expected = 67.3 - returnedMargin - (22.5 + 6) - 1.102 - (36 * 393) / (36 * 30.4375);
    expect(c1?.net_contribution).toBeCloseTo(expected, 9);
    // C2 signed up on 2024-02-01 and bought on 2024-02-03, after the as-of date: not a customer yet.
    const c2 = await engine.query(sql`SELECT orders FROM customer_facts WHERE person_id = 'C2'`);
    expect(c2).toEqual([]);
    await engine.close();
  });
});

describe('value on the generated demo company', () => {
  let engine: Engine;
  beforeAll(async () => {
    const dir = join(tempDir(), 'company');
    await generateDemoCompany({ customers: 3000, seed: 77, outDir: dir, format: 'csv' });
    engine = await openStore(':memory:');
    await importFiles(engine, [dir]);
    await engine.exec(sql`CREATE TABLE truth_records AS SELECT * FROM read_csv(${join(dir, 'ground-truth', 'records.csv')}, all_varchar = true)`);
    await engine.exec(sql`CREATE TABLE truth_persons AS SELECT * FROM read_csv(${join(dir, 'ground-truth', 'persons.csv')}, all_varchar = true)`);
    await runPipeline(engine, parseConfig({}));
  });
  afterAll(async () => {
    await engine.close();
  });

  it('accounts for every order and every euro of revenue', async () => {
    const [row] = await engine.query<{ a: number; b: number; c: number; d: number }>(sql`SELECT
      (SELECT sum(orders) FROM customer_facts) AS a, (SELECT count(*) FROM orders) AS b,
      (SELECT CAST(sum(revenue) AS VARCHAR) FROM customer_facts) AS c, (SELECT CAST(sum(revenue) AS VARCHAR) FROM order_facts) AS d`);
    expect(row?.a).toBe(row?.b);
    expect(row?.c).toBe(row?.d);
  });

  it('shows planted costly customers earning less net contribution per euro of revenue', async () => {
    const rows = await engine.query<{ costly: string; ratio: number }>(sql`
      SELECT t.costly AS costly, sum(f.net_contribution) / sum(CAST(f.revenue AS DOUBLE)) AS ratio
      FROM customer_facts AS f JOIN (SELECT r.customer_id, p.costly FROM truth_records r JOIN truth_persons p USING (person_id)) AS t
        ON t.customer_id = f.person_id
      WHERE f.orders > 0 GROUP BY t.costly ORDER BY t.costly`);
    const byFlag = Object.fromEntries(rows.map((r) => [String(r.costly), r.ratio]));
    expect(byFlag['1']).toBeLessThan((byFlag['0'] ?? 0) - 0.1);
  });

  it('scores every buyer 1-5 on each RFM axis and names every cell', async () => {
    const [row] = await engine.query<{ buyers: number; scored: number; bad: number; other: number }>(sql`SELECT
      (SELECT count(*) FROM customer_facts WHERE orders > 0) AS buyers, count(*) AS scored,
      count(*) FILTER (WHERE r_score NOT BETWEEN 1 AND 5 OR f_score NOT BETWEEN 1 AND 5 OR m_score NOT BETWEEN 1 AND 5) AS bad,
      count(*) FILTER (WHERE segment = 'other') AS other FROM customer_rfm`);
    expect(row).toMatchObject({ scored: row?.buyers, bad: 0, other: 0 });
  });

  it('ranks champions above hibernating customers on recency and frequency', async () => {
    const rows = await engine.query<{ segment: string; recency: number; frequency: number }>(sql`
      SELECT segment, avg(recency_days) AS recency, avg(frequency) AS frequency FROM customer_rfm
      WHERE segment IN ('champions', 'hibernating') GROUP BY segment`);
    const champions = rows.find((r) => r.segment === 'champions');
    const hibernating = rows.find((r) => r.segment === 'hibernating');
    expect(champions?.recency).toBeLessThan(hibernating?.recency ?? 0);
    expect(champions?.frequency).toBeGreaterThan(hibernating?.frequency ?? 0);
  });

  it('credits referrers with the margin of the customers they brought', async () => {
    // Referrals name records; identity resolution makes persons of them (a person is credited once per person he brought).
    const referredPersons = sql`(SELECT DISTINCT a.person_id AS referrer, b.person_id AS referred FROM referrals AS x
      JOIN customer_persons AS a ON a.customer_id = x.referrer_id JOIN customer_persons AS b ON b.customer_id = x.referred_id
      WHERE a.person_id <> b.person_id)`;
    const [row] = await engine.query<{ referrers: number; referred: number; margin: number; expected: number }>(sql`
      SELECT count(*) AS referrers, sum(referred) AS referred, sum(referred_margin) AS margin,
        (SELECT sum(CAST(f.gross_margin AS DOUBLE)) FROM ${referredPersons} AS r JOIN customer_facts AS f ON f.person_id = r.referred) AS expected
      FROM customer_referral_value`);
    expect(row?.referred).toBeGreaterThan(10);
    expect(row?.margin).toBeCloseTo(row?.expected ?? NaN, 6);
    const [clv] = await engine.query<{ credited: number; expected: number }>(sql`
      SELECT (SELECT sum(referred_clv) FROM customer_referral_value) AS credited,
        (SELECT sum(c.clv) FROM ${referredPersons} AS r JOIN customer_clv AS c ON c.person_id = r.referred) AS expected`);
    expect(clv?.credited).toBeGreaterThan(0);
    expect(clv?.credited).toBeCloseTo(clv?.expected ?? NaN, 6);
  });

  it('predicts lifetime value per buyer, with lower P(alive) for the customers who truly left', async () => {
    const [model] = await engine.query<{ converged: boolean; customers: number }>(sql`SELECT converged, customers FROM clv_model`);
    expect(model?.converged).toBe(true);
    const [row] = await engine.query<{ buyers: number; scored: number; bad: number }>(sql`SELECT
      (SELECT count(*) FROM customer_facts WHERE orders > 0) AS buyers, count(*) AS scored,
      count(*) FILTER (WHERE p_alive < 0 OR p_alive > 1 OR expected_transactions < 0 OR clv IS NULL) AS bad FROM customer_clv`);
    expect(row?.scored).toBe(row?.buyers);
    expect(row?.bad).toBe(0);
    const rows = await engine.query<{ dead: boolean; p: number }>(sql`
      SELECT p.death_at IS NOT NULL AS dead, avg(c.p_alive) AS p FROM customer_clv AS c
      JOIN truth_records AS r ON r.customer_id = c.person_id JOIN truth_persons AS p ON p.person_id = r.person_id
      WHERE c.frequency > 0 GROUP BY ALL`);
    const dead = rows.find((r) => r.dead)?.p ?? 1;
    const alive = rows.find((r) => !r.dead)?.p ?? 0;
    expect(alive - dead).toBeGreaterThan(0.15);
  });

  it('gives equal recencies the same score (cut points, not NTILE)', async () => {
    const [row] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM (
      SELECT recency_days FROM customer_rfm GROUP BY recency_days HAVING count(DISTINCT r_score) > 1)`);
    expect(row?.n).toBe(0);
  });
});

describe('contribution per month', () => {
  it('adds up, over the months, to the net contribution before acquisition', async () => {
    const dir = join(tempDir(), 'company');
    await generateDemoCompany({ customers: 400, seed: 3, outDir: dir, format: 'csv' });
    const engine = await memoryStore();
    await importFiles(engine, [dir]);
    await runPipeline(engine, parseConfig({}));
    const rows = await engine.query<{ person_id: string; gap: number }>(sql`
      SELECT f.person_id AS person_id, abs(f.net_contribution + f.acquisition_amortised - coalesce(p.total, 0)) AS gap
      FROM customer_facts AS f LEFT JOIN (SELECT person_id, sum(contribution) AS total FROM customer_period_value GROUP BY person_id) AS p
        ON p.person_id = f.person_id
      ORDER BY gap DESC LIMIT 1`);
    expect(rows[0]?.gap).toBeLessThan(1e-6);
    await engine.close();
  });
});
