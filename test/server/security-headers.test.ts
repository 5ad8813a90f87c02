// Security headers on every family of routes, read from a real server over its socket.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/collect/index.js';
import { parseConfig } from '../../src/config/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { addUser, createKey, startServer, type RunningServer } from '../../src/server/index.js';
import { openStore } from '../../src/schema/index.js';
import { SMALL_COMPANY, tempDir, writeFiles } from '../helpers/fixtures.js';
import { TEST_DUCKDB } from './helpers/child.js';
import { basic } from './helpers/app.js';

const PASSWORD = 'correct horse battery';

let server: RunningServer;
let keys: { write: string; read: string; admin: string };
let cookie: string;

beforeAll(async () => {
  const db = join(tempDir('fidelis-headers-'), 'shop.duckdb');
  const store = await openStore(db, TEST_DUCKDB);
  await importFiles(store, [writeFiles(SMALL_COMPANY)]);
  await runPipeline(store, parseConfig({}), { asOf: new Date('2024-06-30T00:00:00Z') });
  keys = { write: (await createKey(store, 'write')).key, read: (await createKey(store, 'read')).key, admin: (await createKey(store, 'admin')).key };
  await addUser(store, 'ana', 'admin', PASSWORD);
  await store.close();
  const assets = writeFiles({ 'index.html': '<!doctype html><title>Fidelis</title>' });
  writeFiles({ 'app-1a2b.js': 'console.log(1)' }, join(assets, 'assets'));
  server = await startServer({ config: parseConfig({ db, duckdb: TEST_DUCKDB, server: { dashboard: { assets } } }), host: '127.0.0.1', port: 0 });
  const login = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'ana', password: PASSWORD }) });
  expect(login.status).toBe(200);
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}, 120_000);
afterAll(async () => {
  await server.close();
});

async function call(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
  const response = await fetch(`${server.url}${path}`, init);
  await response.arrayBuffer();
  return response;
}

/** What every answer carries, whatever the route. */
function expectHardened(response: Response, what: string): void {
  expect(response.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(response.headers.get('x-frame-options'), what).toBe('DENY');
  expect(response.headers.get('content-security-policy'), what).toMatch(/frame-ancestors 'none'/);
  expect(response.headers.get('referrer-policy'), what).toMatch(/^(no-referrer|same-origin)$/);
}

/** An answer that is data, not a page: nothing cached, nothing loadable. */
function expectPrivateData(response: Response, what: string): void {
  expectHardened(response, what);
  expect(response.headers.get('cache-control'), what).toBe('no-store');
  expect(response.headers.get('content-security-policy'), what).toMatch(/^default-src 'none'/);
}

describe('security headers', () => {
  it('are on the collection API, its successes and its refusals', async () => {
    const batch = JSON.stringify({ batch: [{ type: 'track', userId: 'u1', event: 'Viewed', messageId: 'm-1' }] });
    const json = { 'content-type': 'application/json' };
    const cases: [string, Response, number][] = [
      ['batch', await call('/v1/batch', { method: 'POST', headers: { ...json, authorization: basic(keys.write) }, body: batch }), 200],
      ['no key', await call('/v1/track', { method: 'POST', headers: json, body: '{}' }), 401],
      ['not JSON', await call('/v1/batch', { method: 'POST', headers: { ...json, authorization: basic(keys.write) }, body: '{nope' }), 400],
    ];
    for (const [what, response, status] of cases) {
      expect(response.status, what).toBe(status);
      expectPrivateData(response, what);
    }
  });

  it('are on the profile API: a profile is personal data and is never cached', async () => {
    const profile = await call('/v1/customers/C1', { headers: { authorization: basic(keys.read) } });
    expect(profile.status).toBe(200);
    expectPrivateData(profile, 'profile');
    const missing = await call('/v1/customers/NOPE', { headers: { authorization: basic(keys.read) } });
    expect(missing.status).toBe(404);
    expectPrivateData(missing, 'unknown customer');
    const anonymous = await call('/v1/customers/C1');
    expect(anonymous.status).toBe(401);
    expectPrivateData(anonymous, 'no key');
  });

  it('are on the dashboard API, the session and the CSV export', async () => {
    for (const path of ['/api/session', '/api/overview', '/api/customers', '/api/customers/C1', '/api/segments']) {
      const response = await call(path, { headers: { cookie } });
      expect(response.status, path).toBe(200);
      expectPrivateData(response, path);
    }
    const exported = await call('/api/segments/value_tier/CPP/export.csv', { headers: { authorization: basic(keys.admin) } });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expectPrivateData(exported, 'export');
    const refused = await call('/api/segments/value_tier/CPP/export.csv', { headers: { authorization: basic(keys.read) } });
    expect(refused.status).toBe(403);
    expectPrivateData(refused, 'export refused');
    const anonymous = await call('/api/customers');
    expect(anonymous.status).toBe(401);
    expectPrivateData(anonymous, '/api 401');
  });

  it('are on the pages, which keep their own policy and caching, and on 404s and the service routes', async () => {
    const shell = await call('/customers/C1');
    expect(shell.status).toBe(200);
    expectHardened(shell, 'page');
    expect(shell.headers.get('content-security-policy')).toMatch(/^default-src 'self'/);
    expect(shell.headers.get('cache-control')).toBe('no-cache');
    const script = await call('/assets/app-1a2b.js');
    expectHardened(script, 'asset');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/v1/nothing', '/assets/missing-1234.js']) {
      const response = await call(path);
      expect(response.status, path).toBe(404);
      expectPrivateData(response, path);
    }
    for (const path of ['/health', '/openapi.json']) {
      const response = await call(path);
      expect(response.status, path).toBe(200);
      expectPrivateData(response, path);
    }
  });
});
