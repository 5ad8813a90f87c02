import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from '@hono/zod-openapi';
import { sql } from '../../src/store/index.js';
import { readAudit } from '../../src/privacy/audit.js';
import { listConditions, listOrder } from '../../src/dashboard/customers.js';
import { listCsv } from '../../src/dashboard/export.js';
import type { customersSchema, segmentSchema } from '../../src/dashboard/schemas.js';
import { sharedFixture, type DashboardFixture } from './helpers.js';

// The server's own response schemas: a field the API drops or renames breaks the type-check here.
type Segment = z.infer<typeof segmentSchema>;
type CustomerPage = z.infer<typeof customersSchema>;

/** The ids (first field) of a plain-dialect CSV's records after the header; ids hold no comma or quote. */
const csvIds = (text: string): string[] => text.split('\r\n').slice(1).filter((l) => l !== '').map((l) => l.split(',')[0] ?? '');

/** Every row of a list, in its order, read page by page as the dashboard reads it. */
async function listedRows(fx: DashboardFixture, query: string): Promise<CustomerPage['rows']> {
  const rows: CustomerPage['rows'] = [];
  for (let page = 1; ; page++) {
    const p = await fx.json<CustomerPage>(`/api/customers?${query}&page=${page}&pageSize=200`);
    rows.push(...p.rows);
    if (rows.length >= p.total) return rows;
  }
}

const listedIds = async (fx: DashboardFixture, query: string): Promise<string[]> => (await listedRows(fx, query)).map((r) => r.id);

describe('the segment page API: sizes over the snapshots, comparison with the base, sortable members, export of any list', () => {
  let fx: DashboardFixture;
  beforeAll(async () => {
    fx = await sharedFixture();
  }, 900_000);

  it("gives the segment's size at each snapshot, as counted in customer_snapshots", async () => {
    const segment = await fx.json<Segment>('/api/segments/value_tier/CCM');
    const truth = await fx.engine.query<{ as_of: Date; n: number; all: number }>(sql`SELECT as_of, sum(CASE WHEN value_tier = 'CCM' THEN 1 ELSE 0 END) AS n,
      count(*) AS "all" FROM customer_snapshots GROUP BY as_of ORDER BY as_of`);
    expect(truth).toHaveLength(2);
    expect(segment.sizes.map((s) => [s.asOf, s.customers])).toEqual(truth.map((t) => [t.as_of.toISOString(), Number(t.n)]));
    expect(segment.sizes[0]?.share).toBeCloseTo(Number(truth[0]?.n) / Number(truth[0]?.all), 12);
    // RFM cells are not kept in snapshots: no history rather than a wrong one.
    expect((await fx.json<Segment>('/api/segments/rfm_cell/r5f1')).sizes).toEqual([]);
  });

  it('compares the segment with the whole base on figures equal to SQL over customer_classes and person_consents', async () => {
    const { comparison } = await fx.json<Segment>('/api/segments/grid/athlete');
    const figures = async (where: string) => {
      const [r] = await fx.engine.query<Record<string, number>>(sql`SELECT count(*) AS n, sum(coalesce(revenue, 0)) AS revenue,
        avg(clv_12m) AS clv_12m, avg(clv_lifetime) AS clv_lifetime, avg(p_alive) AS p_alive, count(p_alive) AS estimable,
        count(p_alive_reason) AS not_estimable, avg(coalesce(orders, 0)) AS orders, avg(recency_days) AS recency,
        avg(CASE WHEN pc.status = 'opt_in' THEN 1.0 ELSE 0.0 END) AS consent,
        sum(CASE WHEN value_tier = 'CPP' THEN 1 ELSE 0 END) AS cpp
        FROM customer_classes AS c LEFT JOIN person_consents AS pc ON pc.person_id = c.person_id AND pc.channel = 'email'
        WHERE ${sql.raw(where)}`);
      return r!;
    };
    const [segment, base] = await Promise.all([figures(`grid = 'athlete'`), figures('1 = 1')]);
    for (const [got, want] of [[comparison.segment, segment], [comparison.base, base]] as const) {
      expect(got.customers).toBe(Number(want.n));
      expect(got.revenue).toBeCloseTo(Number(want.revenue), 4);
      expect(got.avgClv12m).toBeCloseTo(Number(want.clv_12m), 6);
      if (want.clv_lifetime === null) expect(got.avgClvLifetime).toBeNull();
      else expect(got.avgClvLifetime).toBeCloseTo(Number(want.clv_lifetime), 6);
      expect(got.avgPAlive).toBeCloseTo(Number(want.p_alive), 9);
      expect(got.pAliveEstimable).toBe(Number(want.estimable));
      expect(got.pAliveNotEstimable).toBe(Number(want.not_estimable));
      expect(got.avgOrders).toBeCloseTo(Number(want.orders), 9);
      expect(got.avgRecencyDays).toBeCloseTo(Number(want.recency), 6);
      expect(got.emailConsentShare).toBeCloseTo(Number(want.consent), 12);
      const tiers = got.mix.find((m) => m.dimension === 'value_tier')?.values ?? [];
      expect(tiers.find((t) => t.value === 'CPP')?.customers ?? 0).toBe(Number(want.cpp));
      expect(tiers.reduce((s, t) => s + t.share, 0)).toBeCloseTo(1, 12);
    }
    expect(comparison.segment.customerShare).toBeCloseTo(Number(segment.n) / Number(base.n), 12);
    expect(comparison.segment.revenueShare).toBeCloseTo(Number(segment.revenue) / Number(base.revenue), 9);
    expect(comparison.base.customerShare).toBe(1);
    // The demo's BG/NBD or chosen model leaves some one-time buyers without an estimable P(alive), said as a count.
    expect(comparison.base.pAliveNotEstimable + comparison.base.pAliveEstimable + comparison.base.pAliveWithoutModel).toBe(comparison.base.customers);
  });

  it('sorts the members on any allowed column both ways, customers without the value last, ties by id, and gives why P(alive) is missing', async () => {
    for (const [sort, column] of [['p_alive', 'p_alive'], ['clv_12m', 'clv_12m'], ['orders', 'orders']] as const) {
      for (const order of ['asc', 'desc'] as const) {
        const ids = await listedIds(fx, `value_tier=CCM&sort=${sort}&order=${order}`);
        const rows = await fx.engine.query<{ person_id: string }>(sql`SELECT person_id FROM customer_list WHERE value_tier = 'CCM'
          ORDER BY (${sql.id(column)} IS NULL), ${sql.id(column)} ${sql.raw(order.toUpperCase())}, person_id ${sql.raw(order === 'asc' ? 'DESC' : 'ASC')}`);
        expect(ids, `${sort} ${order}`).toEqual(rows.map((r) => r.person_id));
      }
    }
    const [flawed] = await fx.engine.query<{ person_id: string; value_tier: string }>(sql`SELECT person_id, value_tier FROM customer_list
      WHERE p_alive_reason IS NOT NULL ORDER BY person_id LIMIT 1`);
    expect(flawed, 'the demo has one-time buyers whose P(alive) BG/NBD cannot estimate').toBeDefined();
    const rows = await listedRows(fx, `value_tier=${encodeURIComponent(flawed!.value_tier)}&sort=p_alive&order=desc`);
    expect(rows.find((r) => r.id === flawed!.person_id)).toMatchObject({ p_alive: null, p_alive_reason: 'bgnbd_no_repeat_purchase' });
    expect(rows.every((r) => r.p_alive_reason === null || r.p_alive === null)).toBe(true);
    expect((await fx.get('/api/customers?sort=email')).status).toBe(400);
  });

  it('exports a migration drill-down list: exactly the listed persons opted in, in the list order, counted and audited', async () => {
    const { rows } = await fx.json<{ rows: { from: string; to: string; customers: number }[] }>('/api/migration?dimension=value_tier');
    const cell = rows.filter((r) => r.from !== r.to && r.from !== '(none)' && r.to !== '(none)').sort((a, b) => b.customers - a.customers)[0];
    expect(cell).toBeDefined();
    const filter = `moveDimension=value_tier&moveFrom=${encodeURIComponent(cell!.from)}&moveTo=${encodeURIComponent(cell!.to)}&sort=revenue&order=asc`;
    const listed = await listedIds(fx, filter);
    expect(listed).toHaveLength(cell!.customers);
    const res = await fx.get(`/api/customers/export.csv?${filter}&channel=email`, fx.adminKey);
    expect(res.status).toBe(200);
    const exported = csvIds(await res.text());
    const optedIn = new Set(
      (await fx.engine.query<{ person_id: string }>(sql`SELECT person_id FROM person_consents WHERE channel = 'email' AND status = 'opt_in'`)).map((r) => r.person_id),
    );
    expect(exported).toEqual(listed.filter((id) => optedIn.has(id)));
    expect(Number(res.headers.get('x-fidelis-exported'))).toBe(exported.length);
    expect(Number(res.headers.get('x-fidelis-left-out'))).toBe(listed.length - exported.length);
    const [entry] = await readAudit(fx.engine, 1);
    expect(entry).toMatchObject({ action: 'list_export', row_count: exported.length });
    expect(entry?.subject).toContain(`moveFrom=${cell!.from}`);
  });

  it('exports a search and a combined filter as the list shows them, across read batches, and refuses a read key', async () => {
    const listed = await listedIds(fx, 'value_tier=CNR&digital_type=technonul&sort=name&order=desc');
    const res = await fx.get('/api/customers/export.csv?value_tier=CNR&digital_type=technonul&sort=name&order=desc&channel=email', fx.adminKey);
    const exported = csvIds(await res.text());
    expect(exported.length + Number(res.headers.get('x-fidelis-left-out'))).toBe(listed.length);
    expect(exported).toEqual(listed.filter((id) => exported.includes(id)));
    // Keyset batches of 7 over sorts with nulls (P(alive) not estimable), dates and names, both ways, give the list's order, every person once.
    const filters = { value_tier: 'CNR' };
    const where = sql.join(await listConditions(fx.engine, fx.config, filters), ' AND ');
    for (const [sort, order] of [['p_alive', 'asc'], ['p_alive', 'desc'], ['last_purchase', 'asc'], ['name', 'desc'], ['orders', 'desc']] as const) {
      const listedInOrder = await listedIds(fx, `value_tier=CNR&sort=${sort}&order=${order}`);
      const batched = csvIds(await new Response(listCsv(fx.engine, { where, order: listOrder(fx.engine, sort, order) }, 'email', 7)).text());
      expect(batched.length).toBeGreaterThan(14);
      expect(batched, `${sort} ${order}`).toEqual(listedInOrder.filter((id) => batched.includes(id)));
      expect(new Set(batched).size).toBe(batched.length);
    }
    const [someone] = (await fx.json<CustomerPage>('/api/customers?sort=revenue&pageSize=1')).rows;
    const search = await fx.get(`/api/customers/export.csv?q=${encodeURIComponent(someone!.id)}&channel=email`, fx.adminKey);
    expect(Number(search.headers.get('x-fidelis-exported')) + Number(search.headers.get('x-fidelis-left-out'))).toBe(1);
    const [audited] = await readAudit(fx.engine, 1);
    expect(audited?.subject).toContain('q=*');
    expect(audited?.subject).not.toContain(someone!.id);
    expect((await fx.get('/api/customers/export.csv?value_tier=CPP')).status).toBe(403);
    expect((await fx.get('/api/customers/export.csv?value_tier=CPP', null)).status).toBe(401);
    const doc = (await (await fetch(`${fx.url}/openapi.json`)).json()) as { paths: Record<string, { get?: { parameters?: { name: string }[] } }> };
    const parameters = doc.paths['/api/customers/export.csv']?.get?.parameters?.map((p) => p.name) ?? [];
    expect(parameters).toEqual(expect.arrayContaining(['q', 'value_tier', 'moveDimension', 'moveFrom', 'moveTo', 'sort', 'order', 'channel', 'dialect']));
  });
});
