// The three messages that used to stop all loading for good (issue 12) are refused at the door
// with the field named, and 1,000 valid events sent after them over a real socket all load
// within two load cycles.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createKey, startServer, type RunningServer } from '../../src/server/index.js';
import { sql } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { TEST_DUCKDB } from './helpers/child.js';
import { basic } from './helpers/app.js';
import { waitFor } from './helpers/wait.js';

/** A product name with an emoji cut in half by `.slice` (its lone high surrogate). */
const CUT_EMOJI = 'Bol en grès 🍜'.slice(0, -1);

/** The year 10000 as Date#toISOString writes it, as a client would send it. */
const YEAR_10000 = new Date(Date.UTC(10_000, 0, 1)).toISOString();

const POISON = [
  { type: 'track', userId: 'p1', messageId: 'poison-surrogate', event: 'Order Completed', properties: { order_id: 'P1', products: [{ sku: 'S1', name: CUT_EMOJI, price: 12 }] } },
  { type: 'track', userId: 'p2', messageId: 'poison-year', event: 'Signed Up', timestamp: YEAR_10000 },
  { type: 'track', userId: 'p3', messageId: 'poison-price', event: 'Order Completed', properties: { order_id: 'P3', products: [{ sku: 'S3', price: 1e17 }] } },
];

let server: RunningServer;
let writeKey: string;
const loadEnds: number[] = [];

beforeAll(async () => {
  const db = join(tempDir('fidelis-poison-'), 'shop.duckdb');
  const store = await openStore(db);
  writeKey = (await createKey(store, 'write')).key;
  await store.close();
  const config = parseConfig({ db, duckdb: TEST_DUCKDB });
  server = await startServer({ config, host: '127.0.0.1', port: 0, trace: (what) => what === 'load-end' && loadEnds.push(Date.now()) });
});

afterAll(async () => {
  await server.close();
});

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: basic(writeKey), 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('poison messages at the door', () => {
  it('refuses each one in a batch with its field named, and keeps the valid messages beside them', async () => {
    expect(CUT_EMOJI.at(-1)).toMatch(/[\ud800-\udbff]/);
    const good = { type: 'track', userId: 'g1', messageId: 'good-0', event: 'Signed Up' };
    const res = await post('/v1/batch', { batch: [...POISON, good] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      success: true,
      accepted: 1,
      rejected: [
        { index: 0, messageId: 'poison-surrogate', field: 'properties.products.0.name', reason: expect.stringMatching(/lone UTF-16 surrogate/) as string },
        { index: 1, messageId: 'poison-year', field: 'timestamp', reason: expect.stringMatching(/ISO 8601/) as string },
        { index: 2, messageId: 'poison-price', field: 'properties.products.0.price', reason: expect.stringMatching(/below 1e\+14/) as string },
      ],
    });
  });

  it('answers 400 to each one sent alone, naming the field', async () => {
    const fields = ['properties.products.0.name', 'timestamp', 'properties.products.0.price'];
    for (const [i, message] of POISON.entries()) {
      const { type: _type, ...body } = message;
      const res = await post('/v1/track', body);
      expect(res.status).toBe(400);
      const error = ((await res.json()) as { error: { code: string; rejected: { field: string }[] } }).error;
      expect(error.code).toBe('invalid_messages');
      expect(error.rejected.map((r) => r.field)).toEqual([fields[i]]);
    }
  });

  it('loads 1,000 valid events sent after them, within two load cycles', async () => {
    const acked = await Promise.all(
      Array.from({ length: 10 }, async (_, b) => {
        const batch = Array.from({ length: 100 }, (_, i) => {
          const n = b * 100 + i;
          return n % 2 === 0
            ? { type: 'track', userId: `v${n % 37}`, messageId: `valid-${n}`, event: 'Order Completed', properties: { order_id: `V${n}`, products: [{ sku: 'S1', name: 'Bol 🍜', price: 12.5, quantity: 2 }] } }
            : { type: 'identify', userId: `v${n % 37}`, messageId: `valid-${n}`, traits: { email: `v${n % 37}@example.com`, birthday: '1984-02-29' } };
        });
        const res = await post('/v1/batch', { batch });
        return ((await res.json()) as { accepted: number }).accepted;
      }),
    );
    expect(acked.reduce((a, b) => a + b, 0)).toBe(1000);
    const loadsBefore = loadEnds.length;
    await waitFor('the 1,000 valid events in the datamart', async () => {
      const [row] = await server.engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM events WHERE starts_with(message_id, 'valid-')`);
      return Number(row?.n) === 1000;
    });
    expect(loadEnds.length - loadsBefore).toBeLessThanOrEqual(2);
    const [orders] = await server.engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM orders WHERE starts_with(order_id, 'V')`);
    expect(Number(orders?.n)).toBe(500);
    const [poisoned] = await server.engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM events WHERE starts_with(message_id, 'poison-')`);
    expect(Number(poisoned?.n)).toBe(0);
  });
});
