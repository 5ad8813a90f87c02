import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseConfig } from '../../../src/config/index.js';
import { createApp, createKey, KeyRing, SerialEngine } from '../../../src/server/index.js';
import { sql, type Engine } from '../../../src/store/index.js';
import { basic } from '../../server/helpers/app.js';
import { audienceFixture } from './fixture.js';

let engine: Engine;
let server: ServerType;
let url: string;
let adminKey: string;
let readKey: string;

beforeAll(async () => {
  engine = new SerialEngine(await audienceFixture());
  adminKey = (await createKey(engine, 'admin')).key;
  readKey = (await createKey(engine, 'read')).key;
  const app = createApp({ engine, config: parseConfig({ db: ':memory:' }), keys: await KeyRing.load(engine) });
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await engine.close();
});

const call = (method: string, path: string, body?: unknown, key = adminKey): Promise<Response> =>
  fetch(`${url}${path}`, {
    method,
    headers: { authorization: basic(key), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('/v1/audiences', () => {
  test('lists the catalogue and counts an unsaved definition in either form', async () => {
    const fields = (await (await call('GET', '/v1/audiences/fields')).json()) as { fields: { name: string }[] };
    expect(fields.fields.map((f) => f.name)).toContain('consent.email');
    const byText = (await (await call('POST', '/v1/audiences/count', { where: 'consent.email and p_alive >= 0.5' })).json()) as { count: number; tree: unknown };
    expect(byText.count).toBe(2);
    const byTree = (await (await call('POST', '/v1/audiences/count', { definition: byText.tree })).json()) as { count: number; text: string };
    expect(byTree).toMatchObject({ count: 2, text: 'consent.email and p_alive >= 0.5' });
  });

  test('a bad definition is a 400 naming the position and what was expected', async () => {
    const res = await call('POST', '/v1/audiences/count', { where: 'tier = "CPP" or\nfoo = 1' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ code: 'invalid_audience', problem: 'unknown field', position: { line: 2, column: 1, offset: 16 }, found: '"foo"' });
    const tree = await call('POST', '/v1/audiences/count', { definition: { kind: 'or', args: [{ kind: 'flag', field: 'clv' }] } });
    expect(((await tree.json()) as { error: { path: string } }).error.path).toBe('args.0');
    expect((await call('POST', '/v1/audiences/count', { where: 'consent.email', definition: {} })).status).toBe(400);
  });

  test('needs an admin key', async () => {
    expect((await call('GET', '/v1/audiences', undefined, readKey)).status).toBe(403);
    expect((await fetch(`${url}/v1/audiences`)).status).toBe(401);
  });

  test('create, list, get with count, preview members, export with consent headers, delete', async () => {
    const created = await call('POST', '/v1/audiences', { name: 'loyal', where: 'tier in ("CPP", "CCM")' });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name: 'loyal', count: 3, created_by: expect.stringMatching(/^key:/) as unknown });
    expect((await call('POST', '/v1/audiences', { name: 'loyal', where: 'consent.sms' })).status).toBe(409);

    const list = (await (await call('GET', '/v1/audiences')).json()) as { audiences: { name: string; count: number }[] };
    expect(list.audiences).toEqual([expect.objectContaining({ name: 'loyal', count: 3 })]);
    expect(await (await call('GET', '/v1/audiences/loyal')).json()).toMatchObject({ count: 3, text: 'tier in ("CPP", "CCM")' });

    const members = (await (await call('GET', '/v1/audiences/loyal/members?limit=2')).json()) as { count: number; members: { person_id: string; first_name: string | null }[] };
    expect(members.count).toBe(3);
    expect(members.members.map((m) => [m.person_id, m.first_name])).toEqual([['p1', 'Alice'], ['p2', 'Bruno']]);

    const exported = await call('GET', '/v1/audiences/loyal/export?channel=email');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('x-fidelis-left-out')).toBe('1');
    expect(exported.headers.get('x-fidelis-exported')).toBe('2');
    expect(exported.headers.get('x-fidelis-left-out-unknown')).toBe('1');
    const rows = (await exported.text()).trim().split('\r\n');
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(['p1', 'p2']);
    const [audit] = await engine.query(sql`SELECT actor, subject, row_count FROM audit_log WHERE action = 'audience_export'`);
    expect(audit).toMatchObject({ subject: 'audience=loyal', row_count: 2 });

    const jsonl = await call('GET', '/v1/audiences/loyal/export?channel=sms&format=jsonl');
    expect(jsonl.headers.get('content-type')).toContain('application/x-ndjson');
    expect((await jsonl.text()).trim().split('\n').map((l) => (JSON.parse(l) as { person_id: string }).person_id)).toEqual(['p2']);

    expect((await call('DELETE', '/v1/audiences/loyal')).status).toBe(200);
    expect((await call('GET', '/v1/audiences/loyal')).status).toBe(404);
  });

  test('the dashboard\'s /api/audiences lets a reader count and preview, and only an admin save or export', async () => {
    const count = await call('POST', '/api/audiences/count', { where: 'consent.email' }, readKey);
    expect(count.status).toBe(200);
    expect(((await count.json()) as { count: number }).count).toBe(2);
    const preview = (await (await call('POST', '/api/audiences/preview?limit=1', { where: 'consent.email' }, readKey)).json()) as { members: unknown[] };
    expect(preview.members).toHaveLength(1);
    expect((await call('POST', '/api/audiences', { name: 'x', where: 'consent.email' }, readKey)).status).toBe(403);
    expect((await call('POST', '/api/audiences', { name: 'x', where: 'consent.email' })).status).toBe(201);
    expect((await call('GET', '/api/audiences/x/export?channel=email', undefined, readKey)).status).toBe(403);
    expect((await call('DELETE', '/api/audiences/x', undefined, readKey)).status).toBe(403);
    expect((await call('DELETE', '/api/audiences/x')).status).toBe(200);
    expect((await fetch(`${url}/api/audiences/count`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"where":"consent.email"}' })).status).toBe(401);
  });

  test('is described in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/audiences', '/v1/audiences/{name}', '/v1/audiences/{name}/export', '/v1/audiences/count']));
  });
});
