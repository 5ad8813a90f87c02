import { beforeAll, describe, expect, it } from 'vitest';
import { migrationMatrix, SNAPSHOT_DIMENSIONS } from '../../src/segments/index.js';
import { sql } from '../../src/store/index.js';
import { sharedFixture, type DashboardFixture } from './helpers.js';
import type { z } from '@hono/zod-openapi';
import type { migrationSchema, overviewSchema } from '../../src/dashboard/schemas.js';

// The server's own response schemas: a field the API drops or renames breaks the type-check here.
type Overview = z.infer<typeof overviewSchema>;
type Migration = z.infer<typeof migrationSchema>;

const sum = <T>(rows: readonly T[], f: (r: T) => number): number => rows.reduce((s, r) => s + f(r), 0);

describe('GET /api/overview and /api/migration', () => {
  let fx: DashboardFixture;
  let overview: Overview;
  const one = async (query: ReturnType<typeof sql>): Promise<number> => Number(Object.values((await fx.engine.query(query))[0] ?? {})[0] ?? 0);

  beforeAll(async () => {
    fx = await sharedFixture();
    overview = await fx.json<Overview>('/api/overview');
  }, 900_000);

  it('gives the headline figures of customer_classes and the active base of the grid', async () => {
    expect(overview.asOf).toBe(fx.asOf.toISOString());
    expect(overview.currency).toBe('EUR');
    expect(overview.kpis.customers).toBe(await one(sql`SELECT count(*) FROM customer_classes`));
    expect(overview.kpis.customers).toBeGreaterThan(800);
    expect(overview.kpis.activeCustomers).toBe(await one(sql`SELECT count(*) FROM customer_grid WHERE active`));
    expect(overview.kpis.revenue).toBeCloseTo(await one(sql`SELECT sum(CAST(revenue AS DOUBLE)) FROM customer_classes`), 2);
    expect(overview.kpis.margin).toBeCloseTo(await one(sql`SELECT sum(CAST(gross_margin AS DOUBLE)) FROM customer_classes`), 2);
    expect(overview.kpis.predictedClv).toBeCloseTo(await one(sql`SELECT sum(clv) FROM customer_classes`), 2);
  });

  it('has monthly trends that add up to the revenue and count each buyer once as new', async () => {
    const months = overview.trends.map((t) => t.month);
    expect(months).toEqual([...months].sort());
    expect(months.every((m) => /^\d{4}-\d{2}$/.test(m))).toBe(true);
    expect(sum(overview.trends, (t) => t.revenue)).toBeCloseTo(await one(sql`SELECT sum(revenue) FROM customer_period_value`), 2);
    expect(sum(overview.trends, (t) => t.newCustomers)).toBe(await one(sql`SELECT count(*) FROM customer_classes WHERE first_purchase IS NOT NULL`));
    const last = overview.trends.at(-1);
    const buyersThatMonth = await one(sql`SELECT count(DISTINCT person_id) FROM customer_period_value WHERE revenue > 0 AND period = ${new Date(`${last?.month}-01T00:00:00Z`)}`);
    expect(last?.activeCustomers).toBe(buyersThatMonth);
  });

  it('has the Pareto table pivoted by customer share, and tiers, RFM cells, CLV bins and digital types that add up', async () => {
    expect(overview.pareto.map((p) => p.customerShare)).toEqual([0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1]);
    expect(overview.pareto.at(-1)?.revenueShare).toBeCloseTo(1, 6);
    for (const p of overview.pareto) expect(p.revenueShare).toBeGreaterThanOrEqual(p.customerShare - 1e-9);
    const top20 = await one(sql`SELECT value_share FROM pareto_table WHERE measure = 'clv' AND customer_share = 0.2`);
    expect(overview.pareto.find((p) => p.customerShare === 0.2)?.clvShare).toBeCloseTo(top20, 9);
    expect(sum(overview.tiers, (t) => t.customers)).toBe(overview.kpis.customers);
    const cpp = await one(sql`SELECT count(*) FROM customer_classes WHERE value_tier = 'CPP' AND value_column = 'd1'`);
    expect(overview.tiers.find((t) => t.tier === 'CPP' && t.column === 'd1')?.customers ?? 0).toBe(cpp);
    expect(sum(overview.rfm, (c) => c.customers)).toBe(await one(sql`SELECT count(*) FROM customer_classes WHERE r_score IS NOT NULL`));
    const r5f5 = overview.rfm.find((c) => c.r === 5 && c.f === 5);
    expect(r5f5?.avgMonetary).toBeCloseTo(await one(sql`SELECT avg(CAST(revenue AS DOUBLE)) FROM customer_classes WHERE r_score = 5 AND f_score = 5`), 4);
    expect(overview.clvHistogram).toHaveLength(20);
    expect(sum(overview.clvHistogram, (b) => b.customers)).toBe(await one(sql`SELECT count(clv) FROM customer_classes`));
    overview.clvHistogram.forEach((b, i) => {
      expect(b.to).toBeGreaterThan(b.from);
      if (i > 0) expect(b.from).toBeCloseTo(overview.clvHistogram[i - 1]?.to ?? NaN, 6);
    });
    expect(sum(overview.digital, (d) => d.customers)).toBe(overview.kpis.customers);
  });

  it('draws the grid from a deterministic sample of the active base with the thresholds of the run', async () => {
    const { quadrants, points } = overview.grid;
    expect(sum(quadrants.filter((q) => q.grid !== 'inactive' && q.grid !== '(unclassified)'), (q) => q.customers)).toBe(overview.kpis.activeCustomers);
    expect(points.length).toBe(Math.min(2000, overview.kpis.activeCustomers));
    expect(new Set(points.map((p) => p.id)).size).toBe(points.length);
    expect(points.every((p) => ['athlete', 'whale', 'thoroughbred', 'minnow'].includes(p.grid))).toBe(true);
    const athletes = points.filter((p) => p.grid === 'athlete');
    expect(athletes.every((p) => p.revenue >= (overview.grid.revenueThreshold ?? Infinity) - 1e-9)).toBe(true);
    const again = await fx.json<Overview>('/api/overview');
    expect(again.grid.points).toEqual(points);
  });

  it('lists the snapshots, and answers with a Server-Timing header', async () => {
    expect(overview.snapshots.map((s) => s.asOf)).toEqual([fx.earlier.toISOString(), fx.asOf.toISOString()]);
    const res = await fx.get('/api/overview');
    expect(res.headers.get('server-timing')).toMatch(/^app;dur=\d+(\.\d+)?$/);
  });

  it('says what its CLV figure is, in both languages, with the same name and definition as the segment pages', async () => {
    const overview = await fx.json<{ clvDefinition: { label: { en: string; fr: string }; definition: { en: string; fr: string } } | null }>('/api/overview');
    const segment = await fx.json<{ valueDefinitions: { field: string; label: { en: string; fr: string }; definition: { en: string; fr: string } }[] }>('/api/segments/value_tier/CPP');
    const clv = segment.valueDefinitions.find((d) => d.field === 'clv');
    expect(overview.clvDefinition).not.toBeNull();
    expect(overview.clvDefinition).toEqual({ label: clv?.label, definition: clv?.definition });
    expect(overview.clvDefinition?.label.en).toMatch(/^Lifetime value \(margin/);
  });

  it('gives the moves between the latest two snapshots by default, as migrationMatrix counts them', async () => {
    for (const dimension of SNAPSHOT_DIMENSIONS) {
      const body = await fx.json<Migration>(`/api/migration?dimension=${dimension}`);
      const expected = await migrationMatrix(fx.engine, dimension);
      expect(body.from).toBe(fx.earlier.toISOString());
      expect(body.to).toBe(fx.asOf.toISOString());
      expect(body.rows).toEqual(expected.cells.map((c) => ({ ...c })));
    }
    const tiers = await fx.json<Migration>('/api/migration');
    expect(tiers.dimension).toBe('value_tier');
    expect(tiers.dimensions).toEqual([...SNAPSHOT_DIMENSIONS]);
    const people = await one(sql`SELECT count(DISTINCT person_id) FROM customer_snapshots`);
    expect(sum(tiers.rows, (r) => r.customers)).toBe(people);
  });

  it('takes snapshot dates as days or instants, and counts a pair it did not precompute on the fly', async () => {
    const day = (d: Date): string => d.toISOString().slice(0, 10);
    const byDay = await fx.json<Migration>(`/api/migration?dimension=grid&from=${day(fx.earlier)}&to=${day(fx.asOf)}`);
    expect(byDay.rows).toEqual((await fx.json<Migration>('/api/migration?dimension=grid')).rows);
    const backwards = await fx.json<Migration>(`/api/migration?dimension=grid&from=${fx.asOf.toISOString()}&to=${fx.earlier.toISOString()}`);
    const expected = await migrationMatrix(fx.engine, 'grid', { from: fx.asOf, to: fx.earlier });
    expect(backwards.rows).toEqual(expected.cells.map((c) => ({ ...c })));
    expect(backwards.rows).not.toEqual(byDay.rows);
  });

  it('opens the customers behind each cell of the matrix: as many as the cell counts, each with those two classes', async () => {
    const tiers = await fx.json<Migration>('/api/migration');
    const moves = tiers.rows.filter((r) => r.from !== r.to && r.to !== '(none)' && r.customers > 0);
    expect(moves.length).toBeGreaterThan(0);
    for (const cell of moves) {
      const q = `moveDimension=value_tier&moveFrom=${encodeURIComponent(cell.from)}&moveTo=${encodeURIComponent(cell.to)}`;
      const page = await fx.json<{ total: number; rows: { id: string; value_tier: string }[] }>(`/api/customers?${q}&pageSize=200`);
      // Everyone in the later (latest) snapshot is in the current list.
      expect({ cell, total: page.total }).toEqual({ cell, total: cell.customers });
      const ids = page.rows.map((r) => r.id);
      const classes = await fx.engine.query<{ person_id: string; from_class: string | null; to_class: string | null }>(sql`SELECT a.person_id AS person_id,
        max(CASE WHEN a.as_of = ${fx.earlier} THEN a.value_tier END) AS from_class, max(CASE WHEN a.as_of = ${fx.asOf} THEN a.value_tier END) AS to_class
        FROM customer_snapshots AS a WHERE a.person_id IN (${sql.join(ids.map((id) => sql`${id}`))}) GROUP BY a.person_id`);
      for (const c of classes) expect([c.from_class ?? '(none)', c.to_class]).toEqual([cell.from, cell.to]);
    }
    // The same cell by explicit dates, and refusals naming what is missing or wrong.
    const [first] = moves;
    const day = (d: Date): string => d.toISOString().slice(0, 10);
    const explicit = await fx.json<{ total: number }>(`/api/customers?moveDimension=value_tier&moveFrom=${encodeURIComponent(first!.from)}&moveTo=${encodeURIComponent(first!.to)}&moveFromDate=${day(fx.earlier)}&moveToDate=${day(fx.asOf)}`);
    expect(explicit.total).toBe(first!.customers);
    const partial = await fx.get('/api/customers?moveDimension=value_tier&moveFrom=CPP');
    expect(partial.status).toBe(400);
    expect(((await partial.json()) as { error: { message: string } }).error.message).toContain('moveTo');
    const badDate = await fx.get('/api/customers?moveDimension=value_tier&moveFrom=CPP&moveTo=CCM&moveFromDate=2001-01-01');
    expect(badDate.status).toBe(400);
    expect(((await badDate.json()) as { error: { message: string } }).error.message).toContain('moveFromDate');
  });

  it('refuses a bad dimension or a date without a snapshot with a 400 naming the parameter', async () => {
    for (const [query, parameter] of [['dimension=height', 'dimension'], ['from=2001-01-01', 'from'], ['to=yesterday', 'to']] as const) {
      const res = await fx.get(`/api/migration?${query}`);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toContain(parameter);
    }
  });

  it('requires a reader: 401 without a key, 403 with a write key', async () => {
    for (const path of ['/api/overview', '/api/migration']) {
      expect((await fx.get(path, null)).status).toBe(401);
      expect((await fx.get(path, fx.writeKey)).status).toBe(403);
    }
  });
});
