import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/collect/index.js';
import { parseConfig } from '../../src/config/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { createApp, createKey, KeyRing, SerialEngine, type App } from '../../src/server/index.js';
import type { Engine } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { SMALL_COMPANY, writeFiles } from '../helpers/fixtures.js';
import { basic } from './helpers/app.js';

interface Profile {
  id: string;
  records: string[];
  profile: Record<string, { value: unknown; source: string | null }>;
  identifiers: { type: string; value: string; source: string | null }[];
  value: Record<string, unknown> | null;
  classes: { dimension: string; value: string; reasons: string[] }[];
  lastEvents: { messageId: string; type: string; event: string | null }[];
  error?: { code: string; message: string };
}

// Two records of one person (a store card and a web account sharing an email), one other person.
const COMPANY = {
  ...SMALL_COMPANY,
  'customers.csv': [
    'customer_id,source,first_name,last_name,city,signup_at,updated_at',
    'C1,store,Ana,Martin,Lyon,2023-01-03,2023-01-03',
    'C2,web,Bob,Durand,Paris,2023-06-01,2023-06-01',
    'W9,web,Ana,Martin,Villeurbanne,2024-01-10,2024-01-10',
  ].join('\n'),
  'identifiers.csv': [
    'customer_id,type,value,source',
    'C1,email, Ana.Martin@Example.com ,store',
    'C1,phone,06 12 34 56 78,store',
    'W9,email,ana.martin@example.com,web',
    'W9,account_id,acc-77,web',
    'C2,email,bob@example.com,web',
  ].join('\n'),
};

describe('the profile API', () => {
  let engine: Engine;
  let app: App;
  let readKey: string;
  let writeKey: string;
  const get = async (path: string, key: string | null = readKey): Promise<{ status: number; body: Profile }> => {
    const res = await app.request(path, { headers: key === null ? {} : { authorization: basic(key) } });
    return { status: res.status, body: (await res.json()) as Profile };
  };
  beforeAll(async () => {
    const store = await openStore(':memory:');
    await importFiles(store, [writeFiles(COMPANY)]);
    engine = new SerialEngine(store);
    const config = parseConfig({});
    await runPipeline(engine, config, { asOf: new Date('2024-02-28T00:00:00Z') });
    readKey = (await createKey(engine, 'read')).key;
    writeKey = (await createKey(engine, 'write')).key;
    app = createApp({ engine, config, keys: await KeyRing.load(engine) });
  });
  afterAll(async () => {
    await engine.close();
  });

  it('returns the merged person by any of his record ids, with the golden record and its sources', async () => {
    const byStore = await get('/v1/customers/C1');
    expect(byStore.status).toBe(200);
    const byWeb = await get('/v1/customers/W9');
    expect(byWeb.body.id).toBe(byStore.body.id);
    expect(byStore.body.records.sort()).toEqual(['C1', 'W9']);
    // The most recent record wins each declared attribute, and says so.
    expect(byStore.body.profile.city).toEqual({ value: 'Villeurbanne', source: 'W9' });
    expect(byStore.body.identifiers).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'email', value: 'ana.martin@example.com' }),
      expect.objectContaining({ type: 'phone', value: '+33612345678' }),
      expect.objectContaining({ type: 'accountId', value: 'acc-77' }),
    ]));
    expect(byStore.body.value).toMatchObject({ orders: 1 });
    expect(byStore.body.classes.map((c) => c.dimension)).toContain('value_tier');
  });

  it('finds a customer by an identifier written any way', async () => {
    for (const query of ['email=%20ANA.Martin%40example.com', 'phone=%2B33%206%2012%2034%2056%2078', 'accountId=acc-77']) {
      const found = await get(`/v1/customers?${query}`);
      expect(found.status, query).toBe(200);
      expect(found.body.records.sort()).toEqual(['C1', 'W9']);
    }
  });

  it('answers 401, 403, 404 and 400 with a JSON error saying what is wrong', async () => {
    expect((await get('/v1/customers/C1', null)).status).toBe(401);
    const forbidden = await get('/v1/customers/C1', writeKey);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error?.code).toBe('forbidden');
    const missing = await get('/v1/customers/nobody');
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe('not_found');
    expect((await get('/v1/customers?email=nobody%40example.com')).status).toBe(404);
    const two = await get('/v1/customers?email=a%40b.c&phone=0612345678');
    expect(two.status).toBe(400);
    expect(JSON.stringify(two.body.error)).toMatch(/exactly one of userId, anonymousId, email/);
    expect((await get('/v1/customers')).status).toBe(400);
    const junk = await get('/v1/customers?email=null');
    expect(junk.status).toBe(400);
    expect(junk.body.error?.message).toMatch(/not a usable email/);
  });

  it('is described in the OpenAPI document', async () => {
    const res = await app.request('/openapi.json');
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/customers/{id}', '/v1/customers']));
  });
});
