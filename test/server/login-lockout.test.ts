// Failed dashboard logins over real sockets, each client from its own loopback address
// (127.0.0.2, 127.0.0.3...: Linux routes the whole 127/8 to the host), against `startServer`.
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { addUser, startServer, type RunningServer } from '../../src/server/index.js';
import { sql } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { TEST_DUCKDB } from './helpers/child.js';
import { waitFor } from './helpers/wait.js';

const PASSWORD = 'correct horse battery';

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly code: string | null;
}

/** POST /api/session from the given local address. */
function loginFrom(server: RunningServer, from: string, user: string, password: string): Promise<Answer> {
  const url = new URL('/api/session', server.url);
  const body = JSON.stringify({ user, password });
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          const header = res.headers['retry-after'];
          const parsed = JSON.parse(text) as { error?: { code: string } };
          resolve({ status: res.statusCode ?? 0, retryAfter: typeof header === 'string' ? header : null, code: parsed.error?.code ?? null });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serverWith(db: string, login: Record<string, number>): Promise<RunningServer> {
  const config = parseConfig({ db, duckdb: TEST_DUCKDB, server: { dashboard: { login } } });
  const server = await startServer({ config, host: '127.0.0.1', port: 0 });
  servers.push(server);
  return server;
}

async function databaseWithAdmin(): Promise<string> {
  const db = join(tempDir('fidelis-lockout-'), 'shop.duckdb');
  const store = await openStore(db, TEST_DUCKDB);
  await addUser(store, 'ana', 'admin', PASSWORD);
  await store.close();
  return db;
}

describe('failed logins cannot lock the admin out', () => {
  it("lets the admin log in from his address while another address fails his name, and makes that pair's waits double", async () => {
    const server = await serverWith(await databaseWithAdmin(), { failuresBeforeDelay: 3, addressFailuresBeforeDelay: 20, firstDelaySeconds: 2 });
    const attacker = '127.0.0.2';
    const answers: Answer[] = [];
    for (let i = 0; i < 3; i++) answers.push(await loginFrom(server, attacker, 'ana', `guess ${i}`));
    expect(answers.map((a) => [a.status, a.retryAfter])).toEqual([[401, null], [401, null], [401, '2']]);
    // The pair now waits, even with the right password; nothing tried meanwhile is counted.
    for (const password of ['guess 3', PASSWORD]) {
      const refused = await loginFrom(server, attacker, 'ana', password);
      expect(refused).toMatchObject({ status: 429, code: 'too_many_logins' });
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    // The admin, from his own address, is not held up at all.
    expect((await loginFrom(server, '127.0.0.3', 'ana', PASSWORD)).status).toBe(200);

    // Once the wait is over the next failure doubles it.
    const fourth = await waitFor('the first wait to end', async () => {
      const answer = await loginFrom(server, attacker, 'ana', 'guess 4');
      return answer.status === 429 ? undefined : answer;
    }, 10_000);
    expect(fourth).toMatchObject({ status: 401, retryAfter: '4' });
    const after = await loginFrom(server, attacker, 'ana', PASSWORD);
    expect(after.status).toBe(429);
    expect(Number(after.retryAfter)).toBeGreaterThan(2);
    const [pair] = await server.engine.query<{ failures: number }>(sql`SELECT failures FROM login_failures WHERE address = '127.0.0.2' AND user_name = 'ana'`);
    expect(Number(pair?.failures)).toBe(4);
  });

  it('makes an address that tries many names wait, whatever name it tries, and only that address', async () => {
    const server = await serverWith(await databaseWithAdmin(), { failuresBeforeDelay: 3, addressFailuresBeforeDelay: 6, firstDelaySeconds: 60 });
    const sprayer = '127.0.0.4';
    const answers: Answer[] = [];
    for (const name of ['root', 'admin', 'marie', 'paul', 'ana', 'test']) answers.push(await loginFrom(server, sprayer, name, 'password1'));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(answers.at(-1)?.retryAfter).toBe('60');
    expect(await loginFrom(server, sprayer, 'ana', PASSWORD)).toMatchObject({ status: 429, code: 'too_many_logins' });
    expect((await loginFrom(server, '127.0.0.5', 'ana', PASSWORD)).status).toBe(200);
  });

  it('keeps the counts across a restart', async () => {
    const db = await databaseWithAdmin();
    const settings = { failuresBeforeDelay: 3, firstDelaySeconds: 600 };
    const first = await serverWith(db, settings);
    for (let i = 0; i < 3; i++) await loginFrom(first, '127.0.0.6', 'ana', `guess ${i}`);
    expect((await loginFrom(first, '127.0.0.6', 'ana', PASSWORD)).status).toBe(429);
    await servers.splice(0)[0]?.close();

    const second = await serverWith(db, settings);
    const after = await loginFrom(second, '127.0.0.6', 'ana', PASSWORD);
    expect(after).toMatchObject({ status: 429, code: 'too_many_logins' });
    expect(Number(after.retryAfter)).toBeGreaterThan(500);
    expect((await loginFrom(second, '127.0.0.7', 'ana', PASSWORD)).status).toBe(200);
    const rows = await second.engine.query<{ user_name: string; failures: number }>(sql`SELECT user_name, failures FROM login_failures WHERE address = '127.0.0.6' ORDER BY user_name`);
    expect(rows.map((r) => [r.user_name, Number(r.failures)])).toEqual([['', 3], ['ana', 3]]);
  });
});
