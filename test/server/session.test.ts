import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig, type ConfigInput } from '../../src/config/index.js';
import { addUser, createApp, KeyRing, type App } from '../../src/server/index.js';
import { sql } from '../../src/store/index.js';
import { writeFiles } from '../helpers/fixtures.js';
import { basic, testApp, type TestApp } from './helpers/app.js';

const PASSWORD = 'correct horse battery';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
  await addUser(t.engine, 'ana', 'admin', PASSWORD);
  await addUser(t.engine, 'rui', 'read', PASSWORD);
});
afterEach(async () => {
  await t.close();
});

function login(app: App, user: string, password: string, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(
    app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ user, password }) }),
  );
}

/** The cookie pair (name=value) a response sets. */
function cookieOf(response: Response): string {
  return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

async function loggedIn(user = 'ana'): Promise<{ cookie: string; csrfToken: string }> {
  const response = await login(t.app, user, PASSWORD);
  expect(response.status).toBe(200);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie: cookieOf(response), csrfToken };
}

describe('dashboard login and sessions', () => {
  it('logs in with an HTTP-only, SameSite=Strict cookie and answers who is logged in', async () => {
    const response = await login(t.app, 'ana', PASSWORD);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { user: string; role: string; csrfToken: string };
    expect(body).toMatchObject({ user: 'ana', role: 'admin' });
    expect(body.csrfToken.length).toBeGreaterThanOrEqual(32);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^fidelis_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/);

    const session = await t.app.request('/api/session', { headers: { cookie: cookieOf(response) } });
    expect(await session.json()).toMatchObject({ authenticated: true, user: 'ana', role: 'admin', csrfToken: body.csrfToken });
    expect(await (await t.app.request('/api/session')).json()).toEqual({ authenticated: false });
  });

  it('refuses a login body over 16 KB with a 400 that says so, before reading it whole', async () => {
    const response = await t.app.request('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'ana', password: 'x'.repeat(1024 * 1024) }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'request_too_large', limit: 16 * 1024 } });
    expect((await login(t.app, 'ana', PASSWORD)).status).toBe(200);
  });

  it('marks the cookie Secure behind HTTPS, or always when the configuration says so', async () => {
    expect((await login(t.app, 'ana', PASSWORD, { 'x-forwarded-proto': 'https' })).headers.get('set-cookie')).toMatch(/Secure/);
    const app = await appWith({ secureCookies: true });
    expect((await login(app, 'ana', PASSWORD)).headers.get('set-cookie')).toMatch(/Secure/);
  });

  it('refuses a wrong password or an unknown user with the same 401, and a form-encoded login', async () => {
    const wrong = await login(t.app, 'ana', 'not the password');
    const unknown = await login(t.app, 'nobody', PASSWORD);
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(await wrong.json()).toEqual(await unknown.json());
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const form = await t.app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `user=ana&password=${PASSWORD}` });
    expect(form.status).toBe(415);
  });

  it('stores only hashes: no password and no session cookie in the database', async () => {
    const { cookie } = await loggedIn();
    const dump = JSON.stringify(await t.engine.query(sql`SELECT * FROM users`)) + JSON.stringify(await t.engine.query(sql`SELECT * FROM sessions`));
    expect(dump).not.toContain(PASSWORD);
    expect(dump).not.toContain(cookie.split('=')[1]);
    expect(dump).toMatch(/scrypt\$/);
  });

  it('makes a name that failed 5 times from one address wait (429, Retry-After), other names from it still log in', async () => {
    for (let i = 0; i < 4; i++) expect((await login(t.app, 'rui', `wrong ${i}`)).status).toBe(401);
    const fifth = await login(t.app, 'rui', 'wrong 4');
    expect(fifth.status).toBe(401);
    expect(fifth.headers.get('retry-after')).toBe('30');
    const blocked = await login(t.app, 'rui', PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(25);
    expect(((await blocked.json()) as { error: { code: string; retryAfter: number } }).error).toMatchObject({ code: 'too_many_logins' });
    expect((await login(t.app, 'ana', PASSWORD)).status).toBe(200);
  });

  it('keeps sessions across a restart, refuses an expired one, and ends one on logout', async () => {
    const { cookie, csrfToken } = await loggedIn();
    const restarted = await appWith();
    expect(await signedIn(restarted, cookie)).toBe(true);

    await t.engine.exec(sql`UPDATE sessions SET expires_at = ${new Date(Date.now() - 1000)}`);
    const later = await appWith();
    expect(await signedIn(later, cookie)).toBe(false);

    const second = await loggedIn();
    const out = await t.app.request('/api/session', { method: 'DELETE', headers: { cookie: second.cookie, 'x-csrf-token': second.csrfToken } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/fidelis_session=;.*Max-Age=0/);
    expect(await signedIn(t.app, second.cookie)).toBe(false);
    expect(csrfToken).not.toBe(second.csrfToken);
  });
});

describe('the /api guard and CSRF', () => {
  it('answers every /api data route 401 without a session or a key', async () => {
    for (const path of ['/api/overview', '/api/customers', '/api/customers/C1', '/api/segments', '/api/migration']) {
      const response = await t.app.request(path);
      expect(response.status, path).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
      // No Basic challenge: a browser would open its own password dialog.
      expect(response.headers.get('www-authenticate'), path).toBeNull();
    }
    expect((await t.app.request('/api/overview', { headers: { cookie: 'fidelis_session=forged-forged-forged-forged-forged-forged-for' } })).status).toBe(401);
  });

  it('lets a session or a read or admin key through, and refuses a write key (403)', async () => {
    const { cookie } = await loggedIn('rui');
    // Past the guard an unknown /api path is a 404, not a 401.
    expect((await t.app.request('/api/no-such-thing', { headers: { cookie } })).status).toBe(404);
    expect((await t.app.request('/api/no-such-thing', { headers: { authorization: basic(t.readKey) } })).status).toBe(404);
    expect((await t.app.request('/api/no-such-thing', { headers: { authorization: `Bearer ${t.adminKey}` } })).status).toBe(404);
    expect((await t.app.request('/api/no-such-thing', { headers: { authorization: basic(t.writeKey) } })).status).toBe(403);
  });

  it('refuses a state-changing request with the session cookie but without the CSRF token (403), and exempts API keys', async () => {
    const { cookie, csrfToken } = await loggedIn();
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const bare = await t.app.request('/api/session/anything', { method, headers: { cookie } });
      expect(bare.status, method).toBe(403);
      expect(((await bare.json()) as { error: { code: string } }).error.code).toBe('csrf');
      const wrong = await t.app.request('/api/session/anything', { method, headers: { cookie, 'x-csrf-token': `${csrfToken.slice(1)}x` } });
      expect(wrong.status, method).toBe(403);
    }
    expect((await t.app.request('/api/session', { method: 'DELETE', headers: { cookie } })).status).toBe(403);
    expect(await signedIn(t.app, cookie)).toBe(true);
    expect((await t.app.request('/api/anything', { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } })).status).toBe(404);
    expect((await t.app.request('/api/anything', { method: 'POST', headers: { authorization: basic(t.adminKey) } })).status).toBe(404);
  });
});

describe('CSRF when a request carries both the session cookie and an API key', () => {
  it('refuses a cookie-authenticated state-changing request without the token even with an Authorization header', async () => {
    const { cookie, csrfToken } = await loggedIn();
    for (const key of [t.adminKey, t.readKey]) {
      for (const method of ['POST', 'DELETE']) {
        const forged = await t.app.request('/api/anything', { method, headers: { cookie, authorization: basic(key) } });
        expect(forged.status, method).toBe(403);
        expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('csrf');
      }
    }
    const logout = await t.app.request('/api/session', { method: 'DELETE', headers: { cookie, authorization: `Bearer ${t.adminKey}` } });
    expect(logout.status).toBe(403);
    expect(await signedIn(t.app, cookie)).toBe(true);
    // With the token it goes through (the key then names the caller); a key alone needs no token.
    expect((await t.app.request('/api/anything', { method: 'POST', headers: { cookie, authorization: basic(t.adminKey), 'x-csrf-token': csrfToken } })).status).toBe(404);
    expect((await t.app.request('/api/anything', { method: 'POST', headers: { authorization: basic(t.adminKey) } })).status).toBe(404);
    // A cookie that opens no session authenticates nothing: the key alone decides.
    const stale = 'fidelis_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    expect((await t.app.request('/api/anything', { method: 'POST', headers: { cookie: stale, authorization: basic(t.adminKey) } })).status).toBe(404);
  });
});

describe('the read role and exports of personal data', () => {
  it('refuses the segment CSV export to a read session and a read key (403), not to an admin', async () => {
    const path = '/api/segments/value_tier/CPP/export.csv';
    const reader = await loggedIn('rui');
    for (const headers of [{ cookie: reader.cookie }, { authorization: basic(t.readKey) }] as Record<string, string>[]) {
      const refused = await t.app.request(path, { headers });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/exporting personal data needs the marketer or admin role; (user "rui"|key \w+) has the read role/);
    }
    // An admin passes the role check and meets the next one: this datamart has no dashboard tables yet.
    const admin = await loggedIn('ana');
    for (const headers of [{ cookie: admin.cookie }, { authorization: basic(t.adminKey) }] as Record<string, string>[]) {
      expect((await t.app.request(path, { headers })).status).toBe(503);
    }
  });
});

describe('the dashboard assets', () => {
  it('serves hashed assets for a year, the shell for client routes, and never the shell for API paths or outside files', async () => {
    const assets = writeFiles({ 'index.html': '<!doctype html><title>Fidelis</title>', 'favicon.svg': '<svg/>' });
    writeFiles({ 'app-3f2a.js': 'console.log(1)' }, join(assets, 'assets'));
    const app = await appWith({ assets });

    const js = await app.request('/assets/app-3f2a.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/', '/customers/C1', '/segments/value_tier/CPP']) {
      const shell = await app.request(path);
      expect(shell.status, path).toBe(200);
      expect(shell.headers.get('cache-control')).toBe('no-cache');
      expect(shell.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(await shell.text()).toContain('<title>Fidelis</title>');
    }
    expect((await app.request('/assets/missing-1234.js')).status).toBe(404);
    expect((await app.request('/api/overview')).status).toBe(401);
    expect((await app.request('/v1/nothing')).headers.get('content-type')).toMatch(/json/);
    expect((await app.request('/health')).status).toBe(200);
    expect((await app.request('/openapi.json')).status).toBe(200);
    for (const path of ['/..%2f..%2fpackage.json', '/assets/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/secret.txt']) {
      const response = await app.request(path);
      expect(await response.text(), path).not.toMatch(/"name"|root:/);
    }
  });
});

async function signedIn(app: App, cookie: string): Promise<boolean> {
  const response = await app.request('/api/session', { headers: { cookie } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { authenticated: boolean }).authenticated;
}

/** Another app on the same datamart (as after a restart), with dashboard settings. */
async function appWith(dashboard: NonNullable<NonNullable<ConfigInput['server']>['dashboard']> = {}): Promise<App> {
  const config = parseConfig({ db: ':memory:', server: { dashboard } });
  return createApp({ engine: t.engine, config, keys: await KeyRing.load(t.engine) });
}
