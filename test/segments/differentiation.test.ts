import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/pipeline/index.js';
import { customerPath, explainClasses, listSnapshots, migrationMatrix } from '../../src/segments/index.js';
import { sql, type Row, type Sql } from '../../src/store/index.js';
import { gapScores } from '../helpers/class-truth.js';
import { loadDemoCompany, type DemoCompany } from '../helpers/demo-company.js';

// The demo company's planted truths against the classes, with the true record -> person map so
// the classes are measured alone (identity resolution has its own tests).
describe('differentiation on the demo company', () => {
  let company: DemoCompany;
  const one = async <T extends Row>(query: Sql): Promise<T> => {
    const [row] = await company.engine.query<T>(query);
    if (!row) throw new Error('no row');
    return row;
  };
  beforeAll(async () => {
    company = await loadDemoCompany({ customers: 5000, seed: 11, trueIdentity: true });
  });
  afterAll(async () => {
    await company.close();
  });

  it('puts the costly big spenders in CNR / d4 and few others', async () => {
    const rows = await company.engine.query<{ costly: string; unprofitable: number; n: number }>(sql`
      SELECT t.costly AS costly, avg(CASE WHEN k.value_tier = 'CNR' AND k.value_column = 'd4' THEN 1.0 ELSE 0.0 END) AS unprofitable, count(*) AS n
      FROM customer_classes AS k JOIN truth_persons AS t ON t.person_id = k.person_id WHERE k.orders >= 3 GROUP BY t.costly`);
    const costly = rows.find((r) => r.costly === '1');
    const others = rows.find((r) => r.costly === '0');
    expect(costly?.n).toBeGreaterThan(50);
    expect(costly?.unprofitable).toBeGreaterThan(0.8);
    expect(others?.unprofitable).toBeLessThan(0.05);
  });

  it('gives single-category buyers a high potential and finds the ranges they buy elsewhere', async () => {
    const potential = await company.engine.query<{ single: string; percentile: number }>(sql`
      SELECT t.single_category AS single, avg(k.potential_percentile) AS percentile FROM customer_classes AS k
      JOIN truth_persons AS t ON t.person_id = k.person_id WHERE k.orders >= 3 GROUP BY t.single_category`);
    const single = potential.find((r) => r.single === '1')?.percentile ?? 0;
    const others = potential.find((r) => r.single === '0')?.percentile ?? 100;
    expect(single).toBeGreaterThan(70);
    expect(single - others).toBeGreaterThan(20);
    // Recall of the planted missing ranges, precision of the first gap against picking an unbought range at random.
    const gaps = await gapScores(company.engine);
    expect(gaps.found / gaps.truth).toBeGreaterThan(0.5);
    expect(gaps.firstHits / gaps.first).toBeGreaterThan(Math.max(0.45, 1.5 * gaps.chance));
  });

  it('ranks the faithful small customers high on attachment, above customers who spend as much', async () => {
    const faithful = await one<{ percentile: number; low: number; high: number }>(sql`
      SELECT avg(k.attachment_percentile) AS percentile, quantile_cont(k.revenue, 0.25) AS low, quantile_cont(k.revenue, 0.75) AS high
      FROM customer_classes AS k JOIN truth_persons AS t ON t.person_id = k.person_id WHERE t.faithful_small = '1' AND k.orders > 0`);
    expect(faithful.percentile).toBeGreaterThan(70);
    const sameSpend = await one<{ percentile: number }>(sql`SELECT avg(k.attachment_percentile) AS percentile
      FROM customer_classes AS k JOIN truth_persons AS t ON t.person_id = k.person_id
      WHERE t.faithful_small = '0' AND k.revenue BETWEEN ${faithful.low} AND ${faithful.high}`);
    expect(faithful.percentile - sameSpend.percentile).toBeGreaterThan(15);
  });

  it('makes d1 the smallest group holding half of the predicted margin, and CPP the top fifth by predicted value', async () => {
    const d1 = await one<{ share: number; customers: number; threshold: number; without: number }>(sql`
      SELECT sum(CASE WHEN clv >= d1_min_clv THEN clv ELSE 0 END) / sum(CASE WHEN clv > 0 THEN clv ELSE 0 END) AS share,
        avg(CASE WHEN clv >= d1_min_clv THEN 1.0 ELSE 0.0 END) AS customers, max(d1_min_clv) AS threshold,
        sum(CASE WHEN clv >= d1_min_clv * 1.05 THEN clv ELSE 0 END) / sum(CASE WHEN clv > 0 THEN clv ELSE 0 END) AS without
      FROM customer_classes WHERE orders > 0`);
    expect(d1.share).toBeGreaterThanOrEqual(0.5);
    expect(d1.without).toBeLessThan(0.5);
    expect(d1.customers).toBeLessThan(0.3);
    const cpp = await one<{ share: number }>(sql`SELECT avg(CASE WHEN value_tier = 'CPP' THEN 1.0 ELSE 0.0 END) AS share
      FROM customer_classes WHERE value_tier IN ('CPP', 'CCM')`);
    expect(cpp.share).toBeCloseTo(0.2, 1);
  });

  it('draws the Pareto table as a window-function ranking would', async () => {
    const table = await company.engine.query<{ measure: string; customer_share: number; value_share: number }>(sql`
      SELECT measure, customer_share, value_share FROM pareto_table ORDER BY measure, customer_share`);
    const exact = await one<{ top20: number }>(sql`SELECT sum(CASE WHEN rank <= n * 0.2 THEN revenue ELSE 0 END) / sum(revenue) AS top20 FROM (
      SELECT CAST(revenue AS DOUBLE) AS revenue, row_number() OVER (ORDER BY revenue DESC) AS rank, count(*) OVER () AS n FROM customer_facts WHERE orders > 0)`);
    const revenue = table.filter((r) => r.measure === 'revenue');
    expect(revenue.find((r) => r.customer_share === 0.2)?.value_share).toBeCloseTo(exact.top20, 2);
    expect(revenue.find((r) => r.customer_share === 1)?.value_share).toBeCloseTo(1, 9);
    for (let i = 1; i < revenue.length; i++) expect(revenue[i]?.value_share).toBeGreaterThanOrEqual(revenue[i - 1]?.value_share ?? 0);
    // Unprofitable customers at the bottom: the top of the contribution ranking makes more than all of it.
    expect(Math.max(...table.filter((r) => r.measure === 'net_contribution').map((r) => r.value_share))).toBeGreaterThan(1);
  });

  it('splits the active base into the four quadrants of the grid at its top quartiles', async () => {
    const rows = await company.engine.query<{ grid: string; n: number; bad: number }>(sql`
      SELECT grid, count(*) AS n, sum(CASE WHEN
        (grid = 'athlete' AND NOT (window_revenue >= revenue_cut AND profitability >= profitability_cut)) OR
        (grid = 'whale' AND NOT (window_revenue >= revenue_cut AND profitability < profitability_cut)) OR
        (grid = 'thoroughbred' AND NOT (window_revenue < revenue_cut AND profitability >= profitability_cut)) OR
        (grid = 'minnow' AND NOT (window_revenue < revenue_cut AND profitability < profitability_cut)) THEN 1 ELSE 0 END) AS bad
      FROM customer_classes WHERE orders > 0 GROUP BY grid`);
    const count = (g: string): number => rows.find((r) => r.grid === g)?.n ?? 0;
    expect(rows.reduce((s, r) => s + r.bad, 0)).toBe(0);
    const active = count('athlete') + count('whale') + count('thoroughbred') + count('minnow');
    expect((count('athlete') + count('whale')) / active).toBeCloseTo(0.25, 1);
    expect((count('athlete') + count('thoroughbred')) / active).toBeCloseTo(0.25, 1);
    expect(count('inactive')).toBeGreaterThan(0);
  });

  it('explains every class with the figures behind it', async () => {
    const [cpp] = await company.engine.query(sql`SELECT * FROM customer_classes WHERE value_tier = 'CPP' ORDER BY person_id LIMIT 1`);
    const reasons = explainClasses(cpp ?? {}, 'EUR');
    const tier = reasons.find((r) => r.dimension === 'value_tier');
    expect(tier?.value).toBe('CPP');
    const value = Math.round(Number(cpp?.predicted_value)).toLocaleString('en-US');
    expect(tier?.reasons[0]).toContain(`predicted value ${value} EUR, top ${100 - Number(cpp?.value_percentile)}% of customers`);
    expect(reasons.map((r) => r.dimension)).toEqual(['value_tier', 'value_column', 'grid', 'rfm', 'attachment', 'potential']);
    const [cnr] = await company.engine.query(sql`SELECT * FROM customer_classes WHERE value_tier = 'CNR' AND contribution < 0 LIMIT 1`);
    expect(explainClasses(cnr ?? {}, 'EUR')[0]?.reasons[0]).toMatch(/margin after costs to date -\d[\d,]* EUR/);
  });

  it('splits d2 from d3 on the potential value and names the potential in the d2, d3 and CCM explanations', async () => {
    const rows = await company.engine.query<{ value_column: string; potential_value: number; d2_min_potential_value: number;
      yearly_contribution: number; potential_margin: number; d2_rule: string }>(sql`SELECT value_column, potential_value,
      d2_min_potential_value, yearly_contribution, potential_margin, d2_rule FROM customer_classes WHERE value_column IN ('d2', 'd3')`);
    expect(rows.length).toBeGreaterThan(1000);
    for (const r of rows) {
      expect(r.d2_rule).toBe('potential_value');
      expect(r.potential_value).toBeCloseTo(r.yearly_contribution + r.potential_margin, 6);
      expect(r.value_column === 'd2').toBe(r.potential_value >= r.d2_min_potential_value);
    }
    // Some d3 earn more now than some d2: what they could earn decided, not only what they earn.
    const d2 = rows.filter((r) => r.value_column === 'd2');
    const d3 = rows.filter((r) => r.value_column === 'd3');
    expect(Math.max(...d3.map((r) => r.yearly_contribution))).toBeGreaterThan(Math.min(...d2.map((r) => r.yearly_contribution)));
    const money = (v: unknown): string => `${Math.round(Number(v)).toLocaleString('en-US')} EUR`;
    for (const column of ['d2', 'd3'] as const) {
      const [row] = await company.engine.query(sql`SELECT * FROM customer_classes WHERE value_column = ${column} ORDER BY person_id LIMIT 1`);
      const reason = explainClasses(row ?? {}, 'EUR').find((r) => r.dimension === 'value_column');
      expect(reason?.reasons[0]).toContain(`margin ${money(row?.potential_margin)} on a potential of ${money(row?.potential)}`);
      expect(reason?.messages?.[0]?.text.fr).toContain(column === 'd2' ? 'valeur potentielle significative' : 'peut le devenir');
    }
    const [ccm] = await company.engine.query(sql`SELECT * FROM customer_classes WHERE value_tier = 'CCM' ORDER BY person_id LIMIT 1`);
    const tier = explainClasses(ccm ?? {}, 'EUR').find((r) => r.dimension === 'value_tier');
    expect(tier?.reasons[1]).toContain(`a development potential of ${money(ccm?.potential)} a year`);
    expect(tier?.messages?.[1]?.text.fr).toContain('potentiel de développement');
  });

  it('keeps a snapshot per run date and counts the moves between two of them', async () => {
    const before = await listSnapshots(company.engine);
    expect(before).toHaveLength(1);
    const earlier = new Date('2025-12-31T00:00:00Z');
    await runPipeline(company.engine, company.config, { asOf: earlier, from: 'order_facts' });
    const snapshots = await listSnapshots(company.engine);
    expect(snapshots.map((s) => s.asOf.getTime())).toEqual([earlier.getTime(), before[0]?.asOf.getTime()]);
    const matrix = await migrationMatrix(company.engine, 'value_tier');
    const total = (side: 'from' | 'to', absent: boolean): number =>
      matrix.cells.filter((c) => (c[side] === '(none)') === absent).reduce((s, c) => s + c.customers, 0);
    expect(total('from', false)).toBe(snapshots[0]?.customers);
    expect(total('to', false)).toBe(snapshots[1]?.customers);
    expect(matrix.cells.find((c) => c.from === 'CPP' && c.to === 'CCM')?.customers).toBeGreaterThan(0);
    expect(matrix.cells.find((c) => c.from === '(none)' && c.to === 'CPP')?.customers).toBeGreaterThan(0);
    const [mover] = await company.engine.query<{ person_id: string }>(sql`SELECT a.person_id FROM customer_snapshots AS a
      JOIN customer_snapshots AS b ON b.person_id = a.person_id AND b.as_of > a.as_of WHERE a.value_tier = 'CPP' AND b.value_tier = 'CNR' LIMIT 1`);
    const path = await customerPath(company.engine, mover?.person_id ?? '');
    expect(path.map((p) => p.value_tier)).toEqual(['CPP', 'CNR']);
    // A rerun at the same date replaces its snapshot rather than adding one.
    await runPipeline(company.engine, company.config, { asOf: earlier, from: 'order_facts' });
    expect(await listSnapshots(company.engine)).toHaveLength(2);
  });
});
