import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '../../src/store/index.js';
import { basic, testApp, type TestApp } from './helpers/app.js';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
});
afterEach(async () => {
  await t.close();
});

const track = (messageId: string, extra: Record<string, unknown> = {}) => ({
  type: 'track',
  userId: 'u1',
  event: 'Signed Up',
  messageId,
  ...extra,
});

async function json(res: Response): Promise<Record<string, unknown> & { error?: { code: string; message: string } & Record<string, unknown> }> {
  return (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } };
}

async function count(table: string, where = sql`TRUE`): Promise<number> {
  const [row] = await t.engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.id(table)} WHERE ${where}`);
  return Number(row?.n);
}

describe('authentication of the collection API', () => {
  it('refuses a request without a key with 401 and a JSON error', async () => {
    const res = await t.post('/v1/batch', { batch: [track('m1')] }, { key: null });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/Basic/);
    expect((await json(res)).error?.code).toBe('unauthorized');
  });

  it('refuses an unknown or malformed key with 401', async () => {
    // The write key with its last character changed (always to another one): right id, wrong secret.
    const last = t.writeKey.at(-1);
    const wrongSecret = t.writeKey.slice(0, -1) + (last === 'x' ? 'y' : 'x');
    expect(wrongSecret).not.toBe(t.writeKey);
    for (const key of ['fdl_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'nonsense', wrongSecret]) {
      const res = await t.post('/v1/batch', { batch: [track('m1')] }, { key });
      expect(res.status).toBe(401);
    }
  });

  it('refuses a read key with 403 and accepts write and admin keys', async () => {
    expect((await t.post('/v1/track', track('m1'), { key: t.readKey })).status).toBe(403);
    expect((await t.post('/v1/track', track('m2'), { key: t.writeKey })).status).toBe(200);
    expect((await t.post('/v1/track', track('m3'), { key: t.adminKey })).status).toBe(200);
  });

  it('takes the write key from the body as Segment does', async () => {
    const res = await t.post('/v1/batch', { writeKey: t.writeKey, batch: [track('m1')] }, { key: null });
    expect(res.status).toBe(200);
    const bad = await t.post('/v1/batch', { writeKey: 'fdl_x', batch: [track('m1')] }, { key: null });
    expect(bad.status).toBe(401);
  });
});

describe('bodies', () => {
  it('reads gzip bodies, even labelled as a form (RudderStack)', async () => {
    const body = gzipSync(JSON.stringify({ batch: [track('g1'), track('g2')] }));
    const res = await t.app.request('/v1/batch', {
      method: 'POST',
      headers: { authorization: basic(t.writeKey), 'content-encoding': 'gzip', 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ success: true, accepted: 2 });
  });

  it('reads JSON sent with a text content type', async () => {
    const res = await t.post('/v1/track', JSON.stringify(track('p1')), { headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(200);
  });

  it('answers 400 invalid_json to a body that is not JSON', async () => {
    const res = await t.post('/v1/batch', '{"batch": [', {});
    expect(res.status).toBe(400);
    expect((await json(res)).error?.code).toBe('invalid_json');
  });

  it('answers 400 to a batch over 500 KB, a message over 32 KB, and a single call over 32 KB', async () => {
    const big = 'x'.repeat(33 * 1024);
    const many = Array.from({ length: 20 }, (_, i) => track(`b${i}`, { properties: { pad: 'y'.repeat(30 * 1024) } }));
    const tooBig = await t.post('/v1/batch', { batch: many });
    expect(tooBig.status).toBe(400);
    expect((await json(tooBig)).error).toMatchObject({ code: 'request_too_large', limit: 500 * 1024 });

    const oneBig = await t.post('/v1/batch', { batch: [track('ok'), track('big', { properties: { big } })] });
    expect(oneBig.status).toBe(400);
    const error = (await json(oneBig)).error;
    expect(error).toMatchObject({ code: 'message_too_large', index: 1, messageId: 'big' });
    expect(error?.message).toMatch(/32 KB/);

    const single = await t.post('/v1/track', track('s', { properties: { big } }));
    expect(single.status).toBe(400);
    expect((await json(single)).error?.code).toBe('request_too_large');

    // A gzip body small on the wire is measured decompressed.
    const bomb = gzipSync(JSON.stringify({ batch: [track('z', { properties: { pad: '0'.repeat(600 * 1024) } })] }));
    const res = await t.app.request('/v1/batch', { method: 'POST', headers: { authorization: basic(t.writeKey), 'content-encoding': 'gzip' }, body: bomb });
    expect(res.status).toBe(400);
    expect((await json(res)).error?.code).toBe('request_too_large');
    await t.drain();
    expect(await count('events')).toBe(0);
  });
});

describe('validation', () => {
  it('accepts the good messages of a batch and names each bad one by index, messageId and field', async () => {
    const res = await t.post('/v1/batch', {
      batch: [
        track('good1'),
        { type: 'track', userId: 'u1', messageId: 'noevent' },
        { type: 'identify', messageId: 'nobody', traits: {} },
        { type: 'teleport', userId: 'u1' },
        track('badtime', { timestamp: 'yesterday' }),
        'not an object',
        { type: 'alias', userId: 'u2', messageId: 'noprevious' },
        track('good2'),
      ],
    });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([
      { index: 1, messageId: 'noevent', field: 'event', reason: expect.stringMatching(/./) as string },
      { index: 2, messageId: 'nobody', field: 'userId', reason: 'a message needs a userId or an anonymousId' },
      { index: 3, field: 'type', reason: expect.stringMatching(/unknown type "teleport"/) as string },
      { index: 4, messageId: 'badtime', field: 'timestamp', reason: expect.stringMatching(/ISO 8601/) as string },
      { index: 5, field: '', reason: 'a message must be a JSON object' },
      { index: 6, messageId: 'noprevious', field: 'previousId', reason: expect.stringMatching(/./) as string },
    ]);
    await t.drain();
    expect(await count('events')).toBe(2);
  });

  it('answers 400 when no message of the request is valid, with the reasons', async () => {
    const res = await t.post('/v1/track', { userId: 'u1', messageId: 'x' });
    expect(res.status).toBe(400);
    const error = (await json(res)).error;
    expect(error?.code).toBe('invalid_messages');
    expect(error?.message).toMatch(/message 0 \(x\): event/);
    expect(error?.rejected).toEqual([expect.objectContaining({ index: 0, field: 'event' })]);
  });

  it('answers 400 to a batch without a batch array', async () => {
    const res = await t.post('/v1/batch', { messages: [] });
    expect(res.status).toBe(400);
    expect((await json(res)).error).toMatchObject({ code: 'invalid_request', field: 'batch' });
  });

  it('takes numeric user ids as strings', async () => {
    expect((await t.post('/v1/identify', { userId: 42, traits: { email: 'a@b.c' } })).status).toBe(200);
    await t.drain();
    expect(await t.engine.query(sql`SELECT user_id FROM events`)).toEqual([{ user_id: '42' }]);
  });
});

describe('delivery', () => {
  it('adds nothing when a batch is replayed (messageId dedupe), within a load and across loads', async () => {
    const batch = { batch: [track('d1'), track('d2'), track('d1')] };
    expect((await t.post('/v1/batch', batch)).status).toBe(200);
    await t.drain();
    expect((await t.post('/v1/batch', batch)).status).toBe(200);
    await t.drain();
    expect(await count('events')).toBe(2);
    expect(await count('raw_events')).toBe(2);
  });

  it('corrects the client clock: timestamp = receivedAt - (sentAt - timestamp)', async () => {
    // The client clock is 1 hour ahead; the event happened 10 s before it was sent.
    const now = Date.now();
    const skewed = now + 3_600_000;
    const res = await t.post('/v1/batch', {
      sentAt: new Date(skewed).toISOString(),
      batch: [
        track('skew', { timestamp: new Date(skewed - 10_000).toISOString() }),
        track('own', { timestamp: new Date(skewed - 20_000).toISOString(), sentAt: new Date(skewed - 5_000).toISOString() }),
        track('none'),
      ],
    });
    expect(res.status).toBe(200);
    await t.drain();
    const rows = await t.engine.query<{ message_id: string; timestamp: Date; received_at: Date; original_timestamp: Date | null }>(
      sql`SELECT message_id, timestamp, received_at, original_timestamp FROM events ORDER BY message_id`,
    );
    const byId = Object.fromEntries(rows.map((r) => [r.message_id, r]));
    const received = byId.skew?.received_at.getTime() ?? 0;
    expect(Math.abs(received - now)).toBeLessThan(5_000);
    expect(byId.skew?.timestamp.getTime()).toBe(received - 10_000);
    expect(byId.skew?.original_timestamp?.getTime()).toBe(skewed - 10_000);
    // A message's own sentAt wins over the batch's.
    expect(byId.own?.timestamp.getTime()).toBe(received - 15_000);
    expect(byId.none?.timestamp.getTime()).toBe(received);
  });

  it('merges the batch context into each message', async () => {
    await t.post('/v1/batch', { context: { library: { name: 'x' }, ip: '1.2.3.4' }, batch: [track('c1', { context: { ip: '5.6.7.8' } })] });
    await t.drain();
    const [row] = await t.engine.query<{ context: string }>(sql`SELECT context FROM events`);
    expect(JSON.parse(row?.context ?? '{}')).toEqual({ library: { name: 'x' }, ip: '5.6.7.8' });
  });
});

describe('the rest of the API', () => {
  it('publishes an OpenAPI 3 document of the collection endpoints', async () => {
    const res = await t.app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/batch', '/v1/identify', '/v1/track', '/v1/page', '/v1/screen', '/v1/group', '/v1/alias']),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Batch', 'Track', 'Identify', 'CollectResponse', 'Error']));
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await t.app.request('/v1/nothing');
    expect(res.status).toBe(404);
    expect((await json(res)).error?.code).toBe('not_found');
  });
});
