import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../store/index.js';
import { openStore } from '../../schema/index.js';
import { createKey, KeyRing } from '../keys.js';
import type { AppEnv } from '../types.js';
import { parseStep } from './parse.js';
import { collectRequest, type Endpoint } from './request.js';

let engine: Engine;
let app: Hono<AppEnv>;
let key: string;

beforeAll(async () => {
  engine = await openStore(':memory:');
  key = (await createKey(engine, 'write')).key;
  const step = parseStep({ keys: await KeyRing.load(engine), limits: { messageBytes: 32_768, batchBytes: 512_000 } });
  app = new Hono<AppEnv>();
  app.post('/:endpoint', async (c) => {
    const request = collectRequest(c, c.req.param('endpoint') as Endpoint);
    const outcome = await step.run(request);
    return c.json({ kind: outcome.kind, refusal: request.refusal?.code ?? null, messages: request.messages, spans: request.spans, walk: request.walk });
  });
});
afterAll(async () => {
  await engine.close();
});

interface Parsed {
  kind: string;
  refusal: string | null;
  messages: Record<string, unknown>[];
  spans: [number, number][] | null;
  walk: boolean;
}

async function parse(endpoint: string, body: string, presented = key): Promise<Parsed> {
  const res = await app.request(`/${endpoint}`, { method: 'POST', headers: { authorization: `Bearer ${presented}` }, body });
  return (await res.json()) as Parsed;
}

describe('the parse step', () => {
  it('refuses a wrong key in the header before it reads the body', async () => {
    expect(await parse('batch', '{not json', 'fdl_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toMatchObject({ kind: 'drop', refusal: 'unauthorized' });
    expect(await parse('batch', '{not json')).toMatchObject({ kind: 'drop', refusal: 'invalid_json' });
    expect(await parse('batch', '[1]')).toMatchObject({ kind: 'drop', refusal: 'invalid_request' });
  });

  it("finds a batch's messages in the text and walks their values only when the text shows a reason", async () => {
    const plain = await parse('batch', '{"batch":[{"type":"track","event":"e"},{"type":"page"}]}');
    expect(plain).toMatchObject({ kind: 'ok', spans: [[10, 38], [39, 54]], walk: false });
    expect((await parse('batch', '{"batch":[{"type":"track","event":"\\ud800"}]}')).walk).toBe(true);
    expect((await parse('batch', '{"batch":[{"n":1e999}]}')).walk).toBe(true);
    expect((await parse('batch', `{"batch":[{"p":${'['.repeat(31)}${']'.repeat(31)}}]}`)).walk).toBe(false);
    expect((await parse('batch', `{"batch":[{"p":${'['.repeat(32)}${']'.repeat(32)}}]}`)).walk).toBe(true);
  });

  it("merges a batch's context into its messages, which are then logged from JSON.stringify", async () => {
    const merged = await parse('batch', '{"context":{"ip":"1.2.3.4","app":"a"},"batch":[{"type":"page","context":{"ip":"5.6.7.8"}}]}');
    expect(merged).toMatchObject({ kind: 'ok', spans: null, messages: [{ type: 'page', context: { ip: '5.6.7.8', app: 'a' } }] });
  });

  it('takes a single call as one message of its endpoint, and refuses a batch sentAt that is no date', async () => {
    expect(await parse('identify', '{"userId":"u","type":"track"}')).toMatchObject({ kind: 'ok', messages: [{ userId: 'u', type: 'identify' }] });
    expect(await parse('batch', '{"sentAt":"soon","batch":[]}')).toMatchObject({ kind: 'drop', refusal: 'invalid_request' });
  });
});
