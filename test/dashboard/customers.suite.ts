import { beforeAll, describe, expect, it } from 'vitest';
import { RowSet } from '../../src/collect/events/rows.js';
import { stageRows, writeStaged } from '../../src/collect/events/write.js';
import { customer360 } from '../../src/dashboard/customer-360.js';
import { HISTORY_INDEXES } from '../../src/profiles/lookup-indexes.js';
import { customerProfile, type CustomerProfile } from '../../src/profiles/index.js';
import { sql, type Engine, type Row as DbRow, type Sql } from '../../src/store/index.js';
import { basic } from '../server/helpers/app.js';
import { sharedFixture, type DashboardFixture } from './helpers.js';
import type { z } from '@hono/zod-openapi';
import type { customer360Schema, customersSchema } from '../../src/dashboard/schemas.js';

// The server's own response schemas (the 360's profile is the profile API's object): a field the
// API drops or renames breaks the type-check here.
type Page = z.infer<typeof customersSchema>;
type Customer360 = Omit<z.infer<typeof customer360Schema>, 'profile'> & { profile: CustomerProfile };

describe('GET /api/customers and /api/customers/{id}', () => {
  let fx: DashboardFixture;
  const count = async (query: ReturnType<typeof sql>): Promise<number> => Number(Object.values((await fx.engine.query(query))[0] ?? {})[0] ?? 0);
  const ids = (page: Page): string[] => page.rows.map((r) => r.id);

  beforeAll(async () => {
    fx = await sharedFixture();
  }, 900_000);

  it('lists every person of customer_classes, by revenue by default', async () => {
    const page = await fx.json<Page>('/api/customers');
    expect(page.total).toBe(await count(sql`SELECT count(*) FROM customer_classes`));
    expect(page).toMatchObject({ page: 1, pageSize: 50, sort: 'revenue', order: 'desc' });
    expect(page.rows).toHaveLength(50);
    const [top] = await fx.engine.query<{ person_id: string }>(sql`SELECT person_id FROM customer_classes ORDER BY revenue DESC, person_id LIMIT 1`);
    expect(page.rows[0]?.id).toBe(top?.person_id);
    const revenues = page.rows.map((r) => r.revenue);
    expect(revenues).toEqual([...revenues].sort((a, b) => b - a));
  });

  it('pages through a filtered list completely, each customer once, in a stable order', async () => {
    const expected = await count(sql`SELECT count(*) FROM customer_classes WHERE value_tier = 'CCM' AND grid = 'minnow'`);
    expect(expected).toBeGreaterThan(120);
    const seen: string[] = [];
    for (let page = 1; ; page++) {
      const body = await fx.json<Page>(`/api/customers?value_tier=CCM&grid=minnow&sort=clv&order=asc&pageSize=41&page=${page}`);
      expect(body.total).toBe(expected);
      seen.push(...ids(body));
      if (body.rows.length < 41) break;
    }
    expect(seen).toHaveLength(expected);
    expect(new Set(seen).size).toBe(expected);
    const again = await fx.json<Page>('/api/customers?value_tier=CCM&grid=minnow&sort=clv&order=asc&pageSize=41&page=2');
    expect(ids(again)).toEqual(seen.slice(41, 82));
  });

  it('walks the unfiltered list to its last page in value order, customers without the value last', async () => {
    const expected = async (order: 'asc' | 'desc'): Promise<string[]> =>
      (await fx.engine.query<{ person_id: string }>(order === 'asc'
        ? sql`SELECT person_id FROM customer_list ORDER BY (clv IS NULL), clv ASC, person_id DESC`
        : sql`SELECT person_id FROM customer_list ORDER BY clv DESC NULLS LAST, person_id ASC`)).map((r) => r.person_id);
    for (const order of ['asc', 'desc'] as const) {
      const seen: string[] = [];
      for (let page = 1; page < 100; page++) {
        const body = await fx.json<Page>(`/api/customers?sort=clv&order=${order}&pageSize=173&page=${page}`);
        if (body.rows.length === 0) break;
        seen.push(...ids(body));
      }
      expect(seen).toEqual(await expected(order));
    }
  });

  it('sorts on each value field, either way', async () => {
    for (const sort of ['clv', 'predicted_value', 'orders', 'last_purchase', 'net_contribution', 'name', 'id'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        const body = await fx.json<Page>(`/api/customers?sort=${sort}&order=${order}&pageSize=200&rfm_segment=champions`);
        expect(body.rows.length).toBeGreaterThan(1);
        if (sort === 'clv') {
          const values = body.rows.map((r) => r.clv).filter((v): v is number => v !== null);
          expect(values).toEqual([...values].sort((a, b) => (order === 'asc' ? a - b : b - a)));
        }
        if (sort === 'id') {
          const values = body.rows.map((r) => r.id);
          const sorted = [...values].sort();
          expect(values).toEqual(order === 'asc' ? sorted : sorted.reverse());
        }
      }
    }
  });

  it('finds a person by his email written any way, his phone in national format, his id or a record id', async () => {
    const [holder] = await fx.engine.query<{ person_id: string; value: string }>(sql`SELECT person_id, value FROM person_identifiers
      WHERE type = 'email' AND person_id IN (SELECT person_id FROM customer_classes) ORDER BY person_id LIMIT 1`);
    const email = holder?.value ?? '';
    const byEmail = await fx.json<Page>(`/api/customers?q=${encodeURIComponent(`  ${email.toUpperCase()} `)}`);
    expect(ids(byEmail)).toContain(holder?.person_id);
    const [phone] = await fx.engine.query<{ person_id: string; value: string }>(sql`SELECT person_id, value FROM person_identifiers
      WHERE type = 'phone' AND value LIKE '+33%' AND person_id IN (SELECT person_id FROM customer_classes) ORDER BY person_id LIMIT 1`);
    const national = `0${phone?.value.slice(3, 4)} ${phone?.value.slice(4).replace(/(\d\d)(?=\d)/g, '$1 ')}`;
    expect(ids(await fx.json<Page>(`/api/customers?q=${encodeURIComponent(national)}`))).toContain(phone?.person_id);
    const byId = await fx.json<Page>(`/api/customers?q=${encodeURIComponent(holder?.person_id ?? '')}`);
    expect(byId.total).toBe(1);
    expect(byId.rows[0]?.id).toBe(holder?.person_id);
    const [record] = await fx.engine.query<{ customer_id: string; person_id: string }>(sql`SELECT customer_id, person_id FROM customer_persons
      WHERE customer_id <> person_id AND person_id IN (SELECT person_id FROM customer_classes) ORDER BY customer_id LIMIT 1`);
    expect(ids(await fx.json<Page>(`/api/customers?q=${encodeURIComponent(record?.customer_id ?? '')}`))).toEqual([record?.person_id]);
  });

  it('finds a person by the start of his first or last name, or "first last", whatever the case and accents', async () => {
    const [person] = await fx.engine.query<{ person_id: string; first_name: string; last_name: string }>(sql`SELECT p.person_id, p.first_name, p.last_name
      FROM person_profiles AS p JOIN customer_classes AS c ON c.person_id = p.person_id
      WHERE p.first_name IS NOT NULL AND p.last_name IS NOT NULL AND regexp_matches(p.first_name, '[éèëïîç]') ORDER BY p.person_id LIMIT 1`);
    expect(person).toBeDefined();
    const first = person?.first_name ?? '';
    const last = person?.last_name ?? '';
    const plain = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '');
    const byLast = await fx.json<Page>(`/api/customers?q=${encodeURIComponent(last.slice(0, 4).toUpperCase())}&pageSize=200&sort=id`);
    const startsWith = await count(sql`SELECT count(*) FROM customer_list WHERE first_key LIKE ${`${plain(last.slice(0, 4)).toLowerCase()}%`}
      OR last_key LIKE ${`${plain(last.slice(0, 4)).toLowerCase()}%`}`);
    expect(byLast.total).toBe(startsWith);
    const full = await fx.json<Page>(`/api/customers?q=${encodeURIComponent(`${plain(first).toLowerCase()} ${last.slice(0, 2)}`)}&pageSize=200`);
    expect(ids(full)).toContain(person?.person_id);
    expect(full.rows.every((r) => plain(r.name ?? '').toLowerCase().startsWith(plain(first).toLowerCase()))).toBe(true);
    const none = await fx.json<Page>('/api/customers?q=zzzzqqq');
    expect(none).toMatchObject({ total: 0, rows: [] });
  });

  it('refuses bad parameters with a 400 naming them, and requires a reader', async () => {
    for (const [query, parameter] of [['sort=height', 'sort'], ['pageSize=500', 'pageSize'], ['page=0', 'page'], ['order=up', 'order'], ['q=', 'q']] as const) {
      const res = await fx.get(`/api/customers?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(parameter);
    }
    expect((await fx.get('/api/customers', null)).status).toBe(401);
    expect((await fx.get('/api/customers/x', null)).status).toBe(401);
  });

  it("gives the 360: the profile API's object, a timeline newest first, value and the P(alive) curve ending at his P(alive)", async () => {
    const [person] = await fx.engine.query<{ person_id: string; p_alive: number; orders: number }>(sql`SELECT person_id, p_alive, orders FROM customer_classes
      WHERE orders BETWEEN 3 AND 20 AND p_alive IS NOT NULL ORDER BY person_id LIMIT 1`);
    const id = person?.person_id ?? '';
    const body = await fx.json<Customer360>(`/api/customers/${encodeURIComponent(id)}`);
    const profile = JSON.parse(JSON.stringify(await customerProfile(fx.engine, fx.config, id))) as Record<string, unknown>;
    expect(body.profile).toEqual(profile);
    const times = body.timeline.map((t) => t.at);
    expect(times).toEqual([...times].sort().reverse());
    expect(body.timeline.length).toBeLessThanOrEqual(200);
    const orders = body.timeline.filter((t) => t.kind === 'order');
    expect(orders).toHaveLength(await count(sql`SELECT count(*) FROM orders WHERE customer_id IN (SELECT customer_id FROM customer_persons WHERE person_id = ${id})`));
    const factsRevenue = await count(sql`SELECT sum(revenue) FROM order_facts WHERE customer_id IN (SELECT customer_id FROM customer_persons WHERE person_id = ${id})`);
    expect(orders.reduce((sum, o) => sum + (o.amount ?? 0), 0)).toBeCloseTo(factsRevenue, 2);
    expect(orders.every((o) => typeof o.amount === 'number' && typeof o.channel === 'string')).toBe(true);
    expect(new Set(body.timeline.map((t) => t.kind)).size).toBeGreaterThan(1);
    expect(body.value.rfm.segment).not.toBeNull();
    expect(body.value.pAlive).toBeCloseTo(Number(person?.p_alive), 9);
    const curve = body.value.pAliveCurve;
    expect(curve.length).toBeGreaterThan(Number(person?.orders));
    expect(curve.at(-1)?.pAlive).toBeCloseTo(Number(person?.p_alive), 9);
    expect(curve.at(-1)?.date).toBe(fx.asOf.toISOString().slice(0, 10));
    expect(curve.every((p) => p.pAlive >= 0 && p.pAlive <= 1)).toBe(true);
  });

  it('speaks the language asked for: ?lang=fr or Accept-Language, with the message keys beside the texts; English by default', async () => {
    const [person] = await fx.engine.query<{ person_id: string }>(sql`SELECT c.person_id AS person_id FROM customer_classes AS c
      WHERE c.orders >= 3 AND c.person_id IN (SELECT person_id FROM customer_category_affinity) ORDER BY c.person_id LIMIT 1`);
    const id = encodeURIComponent(person?.person_id ?? '');
    type Said = { dimension: string; reasons: string[]; messages?: { key: string; text: { en: string; fr: string } }[] };
    type Explained = { explanation: string; explanationMessage: { key: string; params: Record<string, unknown>; text: { en: string; fr: string } } };
    const english = await fx.json<Customer360>(`/api/customers/${id}`);
    const french = await fx.json<Customer360>(`/api/customers/${id}?lang=fr`);
    const byHeader = await fetch(`${fx.url}/api/customers/${id}`, { headers: { authorization: basic(fx.readKey), 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' } });
    expect(await byHeader.json()).toEqual(french);
    const classesEn = english.profile.classes as unknown as Said[];
    const classesFr = french.profile.classes as unknown as Said[];
    expect(classesEn.map((c) => c.dimension)).toEqual(expect.arrayContaining(['value_tier', 'grid', 'rfm', 'attachment']));
    for (const [i, c] of classesFr.entries()) {
      // Every class reason is a message now, the English text as before and the French one in French.
      expect(c.messages?.length, c.dimension).toBe(c.reasons.length);
      expect(c.reasons).toEqual(c.messages?.map((m) => m.text.fr));
      expect(classesEn[i]?.reasons).toEqual(c.messages?.map((m) => m.text.en));
    }
    expect(classesFr.find((c) => c.dimension === 'rfm')?.reasons[0]).toMatch(/dernier achat il y a \d+ jours/);
    const affinityEn = english.affinities[0] as unknown as Explained;
    const affinityFr = french.affinities[0] as unknown as Explained;
    expect(affinityEn.explanation).toBe(affinityFr.explanationMessage.text.en);
    expect(affinityFr.explanation).toBe(affinityFr.explanationMessage.text.fr);
    expect(affinityFr.explanation).toContain('de ses dépenses');
    expect(affinityFr.explanationMessage.key).toMatch(/^affinity\./);
    expect(french.timeline.every((t) => t.label === t.message.text.fr)).toBe(true);
    expect(english.timeline.every((t) => t.label === t.message.text.en)).toBe(true);
    const offers = (french.profile.nextBestOffers as unknown as Explained[]);
    expect(offers.every((o) => o.explanation === o.explanationMessage.text.fr && o.explanationMessage.key === 'offer.explained')).toBe(true);
    // The profile API speaks the same way.
    const profileFr = await fetch(`${fx.url}/v1/customers/${id}`, { headers: { authorization: basic(fx.readKey), 'accept-language': 'fr' } });
    expect(((await profileFr.json()) as { classes: Said[] }).classes).toEqual(classesFr);
    const profileEn = await fx.json<{ classes: Said[] }>(`/v1/customers/${id}?lang=en`);
    expect(profileEn.classes).toEqual(classesEn);
    expect((await fx.get(`/api/customers/${id}?lang=de`)).status).toBe(400);
  });

  it('resolves a record id to its person, and answers 404 JSON for an unknown id', async () => {
    const [record] = await fx.engine.query<{ customer_id: string; person_id: string }>(sql`SELECT customer_id, person_id FROM customer_persons
      WHERE customer_id <> person_id AND person_id IN (SELECT person_id FROM customer_classes) ORDER BY customer_id LIMIT 1`);
    const body = await fx.json<Customer360>(`/api/customers/${encodeURIComponent(record?.customer_id ?? '')}`);
    expect(body.profile.id).toBe(record?.person_id);
    const res = await fx.get('/api/customers/NOPE-404');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('shows in the 360 the rows the event loader collected after the run: orders, contacts and their reactions, web events', async () => {
    const [person] = await fx.engine.query<{ person_id: string; customer_id: string }>(sql`SELECT p.person_id AS person_id, min(p.customer_id) AS customer_id
      FROM customer_persons AS p JOIN customer_classes AS c ON c.person_id = p.person_id GROUP BY p.person_id ORDER BY p.person_id DESC LIMIT 1`);
    const [product] = await fx.engine.query<{ sku: string }>(sql`SELECT min(sku) AS sku FROM products`);
    const record = person?.customer_id ?? '';
    const after = (days: number): Date => new Date(fx.asOf.getTime() + days * 86_400_000);
    const rows = new RowSet();
    rows.add('orders', { order_id: 'LATE-O1', customer_id: record, ordered_at: after(1), channel: 'web' });
    rows.add('order_lines', { order_id: 'LATE-O1', line_no: 1, sku: product?.sku, quantity: 2, unit_price: 10, discount: 1 });
    rows.add('contacts', { contact_id: 'LATE-C1', customer_id: record, campaign_id: 'LATE-K', channel: 'email', sent_at: after(2) });
    rows.add('responses', { contact_id: 'LATE-C1', type: 'opened', at: after(3) });
    rows.add('web_events', { event_id: 'LATE-W1', customer_id: record, at: after(4), type: 'page_view', page: '/late' });
    // As the loader merges a chunk: staged files, then one transaction into the (indexed) tables.
    const staged = stageRows(rows);
    await fx.engine.transaction((tx) => writeStaged(tx, staged));
    const body = await fx.json<Customer360>(`/api/customers/${encodeURIComponent(person?.person_id ?? '')}`);
    // Each entry is a message key and its parameters, with its text in both languages (label: the English one).
    const entry = (at: Date, kind: string, key: string, params: Record<string, unknown>, en: string, fr: string, extra: Record<string, unknown>) =>
      ({ at: at.toISOString(), kind, label: en, message: { key, params, text: { en, fr } }, ...extra });
    expect(body.timeline.slice(0, 4)).toEqual([
      entry(after(4), 'web', 'timeline.web.page_view', { detail: '/late', name: 'page_view /late' }, 'Page viewed /late', 'Page vue /late', { channel: 'web' }),
      entry(after(3), 'email', 'timeline.reaction.opened', { campaign: 'LATE-K', name: 'opened: LATE-K' }, 'Opened: LATE-K', 'Ouvert : LATE-K', { channel: 'email' }),
      entry(after(2), 'email', 'timeline.sent', { campaign: 'LATE-K' }, 'Sent: LATE-K', 'Envoyé : LATE-K', { channel: 'email' }),
      entry(after(1), 'order', 'timeline.order', { order: 'LATE-O1', lines: 1 }, 'Order LATE-O1, 1 line(s)', 'Commande LATE-O1, 1 ligne(s)', { amount: 19, channel: 'web' }),
    ]);
  });

  it('reads every collected table of the timeline through its index (DuckDB probes one only for a filter on its column alone)', async () => {
    const plans: { table: string; plan: string }[] = [];
    const traced: Engine = {
      dialect: fx.engine.dialect,
      location: fx.engine.location,
      exec: (query) => fx.engine.exec(query),
      transaction: (work) => fx.engine.transaction(work),
      close: () => Promise.resolve(),
      query: async <T extends DbRow>(query: Sql | string): Promise<T[]> => {
        const text = typeof query === 'string' ? query : query.parts.map((p) => (p.kind === 'text' ? p.text : p.kind === 'ident' ? p.name : '')).join('');
        const table = HISTORY_INDEXES.map(([t]) => t).find((t) => new RegExp(`FROM (\\(SELECT \\* FROM )?${t}\\b`).test(text));
        if (table) {
          const explained = await fx.engine.query(typeof query === 'string' ? `EXPLAIN ANALYZE ${query}` : sql`EXPLAIN ANALYZE ${query}`);
          plans.push({ table, plan: explained.map((r) => Object.values(r).join('\n')).join('\n') });
        }
        return fx.engine.query<T>(query);
      },
    };
    const [busy] = await fx.engine.query<{ person_id: string }>(sql`SELECT p.person_id AS person_id FROM customer_persons AS p
      JOIN contacts AS c ON c.customer_id = p.customer_id JOIN orders AS o ON o.customer_id = p.customer_id JOIN web_events AS w ON w.customer_id = p.customer_id
      GROUP BY p.person_id ORDER BY count(*) DESC LIMIT 1`);
    await customer360(traced, fx.config, busy?.person_id ?? '');
    expect(plans.map((p) => p.table)).toEqual(expect.arrayContaining(['orders', 'order_lines', 'contacts', 'responses', 'web_events', 'tickets', 'surveys']));
    for (const { table, plan } of plans) expect(plan, table).toContain('Index Scan');
    const indexes = (await fx.engine.query<{ name: string }>(sql`SELECT index_name AS name FROM duckdb_indexes()`)).map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(HISTORY_INDEXES.map(([table, column]) => `${table}_by_${column}`)));
  });
});
