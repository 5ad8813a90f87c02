// What the collection API and the profile API refuse at the door, with the field named, so that
// nothing they accept can fail later and no input is answered with a 500.
import { open } from 'lmdb';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_DEPTH } from '../../src/collect/events/index.js';
import { MAX_KEY_BYTES, MAX_LOOKUP_BYTES } from '../../src/profiles/index.js';
import { sql } from '../../src/store/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { basic, testApp, type TestApp } from './helpers/app.js';
import { nested } from './helpers/hostile.js';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
});
afterEach(async () => {
  await t.close();
});

type Answer = { accepted?: number; rejected?: { index: number; field: string; reason: string }[]; error?: { code: string; field?: string; message: string; rejected?: { field: string; reason: string }[] } };

async function post(path: string, text: string): Promise<{ status: number; body: Answer }> {
  const res = await t.post(path, text);
  return { status: res.status, body: (await res.json()) as Answer };
}

const track = (id: string, extra = '') => `{"type":"track","userId":"u1","event":"Signed Up","messageId":"${id}"${extra}}`;

describe('nesting', () => {
  it('answers 400 to a 10,000-level message sent alone, naming the field', async () => {
    const { status, body } = await post('/v1/track', `{"userId":"u1","event":"x","properties":{"p":${nested(10_000, 'array')}}}`);
    expect(status).toBe(400);
    expect(body.error?.code).toBe('invalid_messages');
    expect(body.error?.rejected).toEqual([{ index: 0, field: 'properties', reason: `nested deeper than ${MAX_DEPTH} levels of objects and arrays` }]);
  });

  it('refuses a 10,000-level object in a batch, or in the context merged into each message, and keeps the others', async () => {
    const deep = await post('/v1/batch', `{"batch":[${track('ok1')},${track('deep', `,"traits":${nested(10_000, 'object')}`)}]}`);
    expect(deep.status).toBe(200);
    expect(deep.body).toMatchObject({ accepted: 1, rejected: [{ index: 1, field: 'traits' }] });
    const context = await post('/v1/batch', `{"context":{"c":${nested(MAX_DEPTH, 'object')}},"batch":[${track('ctx')}]}`);
    expect(context.status).toBe(400);
    expect(context.body.error?.rejected).toEqual([expect.objectContaining({ field: 'context' })]);
    await t.drain();
    expect(await t.engine.query(sql`SELECT message_id FROM events`)).toEqual([{ message_id: 'ok1' }]);
  });
});

describe('values', () => {
  it('refuses a number JSON.parse turns into Infinity', async () => {
    const { status, body } = await post('/v1/batch', `{"batch":[${track('inf', ',"properties":{"score":1e400}')},${track('ok')}]}`);
    expect(status).toBe(200);
    expect(body.rejected).toEqual([{ index: 0, messageId: 'inf', field: 'properties.score', reason: expect.stringMatching(/too large/) as string }]);
  });

  it('stores NUL characters as sent (DuckDB keeps them)', async () => {
    const nul = '{"type":"track","userId":"u\\u0000x","event":"Order Completed","messageId":"nul","properties":{"order_id":"o\\u0000","products":[{"sku":"s\\u0000","name":"a\\u0000b","price":1}]}}';
    expect((await post('/v1/batch', `{"batch":[${nul}]}`)).body.accepted).toBe(1);
    await t.drain();
    const [event] = await t.engine.query<{ user_id: string }>(sql`SELECT user_id FROM events`);
    const [product] = await t.engine.query<{ sku: string; name: string }>(sql`SELECT sku, name FROM products`);
    expect(event?.user_id).toBe('u\u0000x');
    expect(product).toEqual({ sku: 's\u0000', name: 'a\u0000b' });
  });

  it("answers 400 to a batch's own sentAt that is no ISO 8601 date in the window", async () => {
    for (const sentAt of ['"yesterday"', '"+010000-01-01T00:00:00.000Z"', '12', '"1850-01-01T00:00:00Z"']) {
      const { status, body } = await post('/v1/batch', `{"sentAt":${sentAt},"batch":[${track('s')}]}`);
      expect(status, sentAt).toBe(400);
      expect(body.error).toMatchObject({ code: 'invalid_request', field: 'sentAt' });
    }
  });
});

describe('the profile API', () => {
  it(`answers 400 to an id or identifier over ${MAX_LOOKUP_BYTES} bytes, the profile store's key limit`, async () => {
    const headers = { authorization: basic(t.readKey) };
    for (const path of [`/v1/customers/${'x'.repeat(5_000)}`, `/v1/customers?email=${'e'.repeat(MAX_LOOKUP_BYTES + 1)}`, `/v1/customers/${'%C3%A9'.repeat(1_000)}`]) {
      const res = await t.app.request(path, { headers });
      expect(res.status, path.slice(0, 30)).toBe(400);
      expect(((await res.json()) as Answer).error?.message).toMatch(new RegExp(`at most ${MAX_LOOKUP_BYTES} bytes`));
    }
    expect((await t.app.request(`/v1/customers/${'x'.repeat(MAX_LOOKUP_BYTES)}`, { headers })).status).toBe(404);
  });

  it("keeps the limit to lmdb's own maximum key size", async () => {
    const root = open({ path: join(tempDir('fidelis-lmdb-'), 'keys'), noSubdir: true });
    try {
      expect((root as unknown as { maxKeySize: number }).maxKeySize).toBe(MAX_KEY_BYTES);
    } finally {
      await root.close();
    }
  });
});
