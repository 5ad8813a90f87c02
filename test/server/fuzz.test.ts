// Hostile JSON, ids and query values thrown at every public route of a started server (a real
// socket, the real wiring of `fidelis serve`): no answer is ever a 5xx, the server stays up, every
// message it accepted loads, and a valid batch sent afterwards is in the datamart.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { addUser, createKey, startServer, type RunningServer } from '../../src/server/index.js';
import { sql } from '../../src/store/index.js';
import { loadDemoCompany } from '../helpers/demo-company.js';
import { TEST_DUCKDB } from './helpers/child.js';
import { basic } from './helpers/app.js';
import { hostileBatch, hostileCredentials, hostileLogin, hostileMessage, hostileUrlText, hostileValue } from './helpers/hostile.js';

const SEED = 20261203;
const PASSWORD = 'correct horse battery';
const ENDPOINTS = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
const LOOKUPS = ['email', 'userId', 'anonymousId', 'phone', 'loyaltyCard', 'accountId', 'externalId'];
const DIMENSIONS = ['value_tier', 'rfm_segment', 'grid', 'digital_type', 'nope'];

let server: RunningServer;
let keys: { write: string; read: string; admin: string };
let session: { cookie: string; csrfToken: string };
/** Every answer of the fuzzing: route and status. */
const answers: { route: string; status: number; body: string }[] = [];
/** Message ids the server accepted, and accepted messages it had to name itself. */
const acceptedIds = new Set<string>();
let acceptedUnnamed = 0;

beforeAll(async () => {
  const company = await loadDemoCompany({ customers: 120, seed: 5, file: true });
  keys = {
    write: (await createKey(company.engine, 'write')).key,
    read: (await createKey(company.engine, 'read')).key,
    admin: (await createKey(company.engine, 'admin')).key,
  };
  await addUser(company.engine, 'ana', 'admin', PASSWORD);
  const [db] = await company.engine.query<{ path: string }>(sql`SELECT path FROM duckdb_databases() WHERE database_name = current_database()`);
  await company.close();
  server = await startServer({ config: parseConfig({ db: db?.path ?? '', duckdb: TEST_DUCKDB, server: { readConnections: 2 } }), host: '127.0.0.1', port: 0 });
  const login = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'ana', password: PASSWORD }) });
  expect(login.status).toBe(200);
  session = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrfToken: ((await login.json()) as { csrfToken: string }).csrfToken };
}, 120_000);

afterAll(async () => {
  await server.close();
});

async function send(route: string, path: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(`${server.url}${path}`, init);
  const body = await response.text();
  answers.push({ route, status: response.status, body });
  return new Response(body, { status: response.status });
}

/** Notes which messages of a collection request were accepted, to check that each one loads. */
function noteAccepted(bodyText: string, endpoint: string, status: number, answer: string): void {
  if (status !== 200) return;
  const body = JSON.parse(bodyText) as Record<string, unknown>;
  const messages = endpoint === 'batch' ? (body.batch as Record<string, unknown>[]) : [body];
  const rejected = new Set(((JSON.parse(answer) as { rejected: { index: number }[] }).rejected ?? []).map((r) => r.index));
  messages.forEach((message, index) => {
    if (rejected.has(index)) return;
    if (typeof message.messageId === 'string') acceptedIds.add(message.messageId);
    else acceptedUnnamed++;
  });
}

const fuzz = { seed: SEED, numRuns: 60, endOnFailure: true } as const;

describe('every public route answers hostile input with a 4xx, never a 5xx', () => {
  it('the collection API: batches and single messages', async () => {
    await fc.assert(
      fc.asyncProperty(hostileBatch, async (text) => {
        const res = await send('POST /v1/batch', '/v1/batch', { method: 'POST', headers: { authorization: basic(keys.write), 'content-type': 'application/json' }, body: text });
        expect(res.status).toBeLessThan(500);
        noteAccepted(text, 'batch', res.status, await res.text());
      }),
      { ...fuzz, numRuns: 100 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), fc.oneof(hostileMessage, hostileValue), async (endpoint, text) => {
        const res = await send(`POST /v1/${endpoint}`, `/v1/${endpoint}`, { method: 'POST', headers: { authorization: basic(keys.write) }, body: text });
        expect(res.status).toBeLessThan(500);
        noteAccepted(text, endpoint, res.status, await res.text());
      }),
      { ...fuzz, numRuns: 60 },
    );
  });

  it('the profile API: ids and lookups', async () => {
    await fc.assert(
      fc.asyncProperty(hostileUrlText, fc.constantFrom(...LOOKUPS), fc.option(fc.constantFrom(...LOOKUPS)), async (value, type, second) => {
        const byId = await send('GET /v1/customers/{id}', `/v1/customers/${value}`, { headers: { authorization: basic(keys.read) } });
        expect(byId.status).toBeLessThan(500);
        const query = `${type}=${value}${second !== null ? `&${second}=x` : ''}`;
        const lookup = await send('GET /v1/customers', `/v1/customers?${query}`, { headers: { authorization: basic(keys.read) } });
        expect(lookup.status).toBeLessThan(500);
      }),
      fuzz,
    );
  });

  it('the privacy API: export and erase by hostile ids', async () => {
    await fc.assert(
      fc.asyncProperty(hostileUrlText, async (value) => {
        const exported = await send('GET /v1/customers/{id}/export', `/v1/customers/${value}/export`, { headers: { authorization: basic(keys.admin) } });
        expect(exported.status).toBeLessThan(500);
        const erased = await send('DELETE /v1/customers/{id}', `/v1/customers/${value}`, { method: 'DELETE', headers: { authorization: basic(keys.admin) } });
        expect(erased.status).toBeLessThan(500);
      }),
      fuzz,
    );
  });

  it('the dashboard API, logged in, and the login itself', async () => {
    const asUser = { cookie: session.cookie };
    await fc.assert(
      fc.asyncProperty(hostileUrlText, fc.constantFrom(...DIMENSIONS), hostileLogin, async (value, dimension, body) => {
        const paths = [
          `/api/customers/${value}`,
          `/api/customers?q=${value}`,
          `/api/customers?${dimension}=${value}`,
          `/api/customers?sort=${value}`,
          `/api/customers?page=${value}`,
          `/api/customers?pageSize=${value}`,
          `/api/migration?dimension=${dimension}&from=${value}`,
          `/api/migration?to=${value}`,
          `/api/segments/${dimension}/${value}`,
          `/api/segments/${dimension}/${value}/export.csv`,
          '/api/overview',
          '/api/segments',
        ];
        for (const path of paths) expect((await send(`GET ${path.split('?')[0] ?? path}`, path, { headers: asUser })).status).toBeLessThan(500);
        const login = await send('POST /api/session', '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(login.status).toBeLessThan(500);
        const withKey = await send('GET /api/customers/{id}', `/api/customers/${value}`, { headers: { authorization: basic(keys.admin) } });
        expect(withKey.status).toBeLessThan(500);
      }),
      { ...fuzz, numRuns: 20 },
    );
    for (const path of ['/api/session', '/openapi.json', '/health']) expect((await send(`GET ${path}`, path, { headers: asUser })).status).toBe(200);
  });

  it('every route, with forged keys, tokens and session cookies', async () => {
    const routes: [string, string][] = [
      ['POST', '/v1/batch'],
      ['POST', '/v1/track'],
      ['GET', '/v1/customers/C1'],
      ['GET', '/v1/customers?email=a@b.c'],
      ['GET', '/v1/customers/C1/export'],
      ['DELETE', '/v1/customers/nobody'],
      ['GET', '/api/overview'],
      ['GET', '/api/customers'],
      ['GET', '/api/session'],
      ['DELETE', '/api/session'],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), hostileCredentials, async ([method, path], headers) => {
        const body = method === 'POST' ? '{"batch":[],"userId":"u","event":"e"}' : null;
        const res = await send(`${method} ${path.split('?')[0] ?? path}`, path, { method, headers, body });
        expect(res.status).toBeLessThan(500);
      }),
      fuzz,
    );
  });

  it("the dashboard's pages and assets, by any path", async () => {
    await fc.assert(
      fc.asyncProperty(hostileUrlText, fc.constantFrom('/', '/assets/', '/customers/', '/v1/', '/api/'), async (value, prefix) => {
        expect((await send(`GET ${prefix}`, `${prefix}${value}`, { headers: { cookie: session.cookie } })).status).toBeLessThan(500);
      }),
      { ...fuzz, numRuns: 40 },
    );
  });

  it('stays up, loads every message it accepted, then a valid batch', async () => {
    // A route that answered at all answered with a reason: an error body names its code.
    const errors = answers.filter((a) => a.status >= 400);
    for (const a of errors) expect(a.body, `${a.route} ${a.status}`).toMatch(/"code":"[a-z_]+"/);
    expect(answers.some((a) => a.status === 200)).toBe(true);

    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    await server.collector.drain();
    const [hostile] = await server.engine.query<{ named: number; unnamed: number }>(
      sql`SELECT count(*) FILTER (WHERE NOT starts_with(message_id, 'srv-')) AS named, count(*) FILTER (WHERE starts_with(message_id, 'srv-')) AS unnamed FROM events`,
    );
    expect(Number(hostile?.named)).toBe(acceptedIds.size);
    expect(Number(hostile?.unnamed)).toBe(acceptedUnnamed);

    const batch = Array.from({ length: 50 }, (_, i) => ({ type: 'track', userId: `after-${i % 5}`, event: 'Order Completed', messageId: `after-${i}`, properties: { order_id: `after-${i}`, products: [{ sku: 'SKU-1', price: 10, quantity: 1 }] } }));
    const res = await fetch(`${server.url}/v1/batch`, { method: 'POST', headers: { authorization: basic(keys.write), 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
    expect(await res.json()).toEqual({ success: true, accepted: 50, rejected: [] });
    await server.collector.drain();
    const [after] = await server.engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM orders WHERE starts_with(order_id, 'after-')`);
    expect(Number(after?.n)).toBe(50);
  });
});
