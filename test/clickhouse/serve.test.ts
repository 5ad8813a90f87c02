// `fidelis serve --db clickhouse://...` (issue 15 §1): the server over a real socket on
// ClickHouse: the collection API's events loaded once, a crash injected between two writes
// of a load replayed by a restarted server without loss or duplicate, logins, logout and a key
// revoked from another process, the profile API; each on one server and on the 2-shard cluster.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoCompany } from '../../src/generate/index.js';
import { importFiles } from '../../src/collect/index.js';
import { listDeadLetters } from '../../src/collect/events/index.js';
import { parseConfig, type Config } from '../../src/config/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { addUser, createKey, listKeys, revokeKey, startServer, type RunningServer } from '../../src/server/index.js';
import { sql, TABLES, type Engine } from '../../src/store/index.js';
import { migrate, openStore } from '../../src/schema/index.js';
import { fixtureConfig } from '../helpers/fixture-config.js';
import { tempDir } from '../helpers/fixtures.js';
import { runSteps } from '../helpers/steps.js';
import { copyTables } from './copy-tables.js';
import { CLUSTER, SINGLE_SERVER, scratchDatabase, skipWithoutClickHouse, type ClickHouseTarget } from './server.js';

const skipSingle = await skipWithoutClickHouse(SINGLE_SERVER);
const skipCluster = await skipWithoutClickHouse(CLUSTER);

/** `--db` for `database` on the target, as a user writes it (the cluster's options after `?`). */
function dbUrl(target: ClickHouseTarget, database: string): string {
  const server = new URL(target.url);
  const base = `clickhouse://default:@${server.hostname}:${server.port || '8123'}/${database}`;
  if (!target.cluster) return base;
  return `${base}?cluster=${target.cluster.name}${target.cluster.nodes ? `&nodes=${target.cluster.nodes.join(',')}` : ''}`;
}

const basic = (key: string): string => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

async function post(server: RunningServer, path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

const identify = (messageId: string, userId: string, traits: Record<string, unknown>) => ({ type: 'identify', messageId, userId, traits, timestamp: '2024-03-01T10:00:00Z' });
const track = (messageId: string, userId: string, event: string, properties: Record<string, unknown> = {}) => ({
  type: 'track',
  messageId,
  userId,
  event,
  properties,
  timestamp: '2024-03-01T10:05:00Z',
});

/** Rows as every reader sees them (no FINAL): a key stored twice shows. */
async function count(engine: Engine, table: string, where = sql`1 = 1`): Promise<number> {
  const [row] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.id(table)} WHERE ${where}`);
  return Number(row?.n ?? 0);
}

for (const [target, skip] of [[SINGLE_SERVER, skipSingle], [CLUSTER, skipCluster]] as const) {
  describe.skipIf(skip)(`fidelis serve on ${target.label}`, () => {
    let db: Awaited<ReturnType<typeof scratchDatabase>>;
    let config: Config;
    let writeKey: string;
    /** The write a test makes the next load fail after, once (a crash between two writes). */
    let crashAfter: string | null = null;
    const crashes: string[] = [];
    const start = (): Promise<RunningServer> =>
      startServer({
        config,
        host: '127.0.0.1',
        port: 0,
        onWrite: (what) => {
          // Every load crashes there until the test clears it: the background loader may meet the
          // posted batch before the test's own drain does, and the drain must still see the crash.
          if (what !== crashAfter) return;
          crashes.push(what);
          throw new Error(`injected crash after the write of ${what}`);
        },
      });

    beforeAll(async () => {
      db = await scratchDatabase(target);
      await migrate(db.engine);
      const database = db.engine.location.split('/').pop() ?? '';
      // Background loads far apart: the tests load with drain(), so a crash lands where they put it.
      config = parseConfig({ db: dbUrl(target, database), server: { log: { folder: tempDir('fidelis-ch-events-') }, loader: { intervalMs: 60_000, maxEvents: 1_000_000 } } });
      writeKey = (await createKey(db.engine, 'write', 'shop')).key;
    }, 60_000);
    afterAll(async () => {
      await db?.drop();
    });

    it('loads a batch posted over a socket once: a replay adds nothing, new traits update the one row of the record', async () => {
      const server = await start();
      try {
        const batch = [
          identify('ch-m1', 'u1', { email: 'ana@example.com', firstName: 'Ana' }),
          track('ch-m2', 'u1', 'Product Viewed', { sku: 'P1' }),
          track('ch-m3', 'u1', 'Something Custom'),
        ];
        const first = await post(server, '/v1/batch', { batch }, { authorization: basic(writeKey) });
        expect(first.status).toBe(200);
        await server.collector.drain();
        expect(await count(db.engine, 'events', sql`message_id LIKE 'ch-m%'`)).toBe(3);
        expect(await count(db.engine, 'raw_events', sql`message_id = 'ch-m3'`)).toBe(1);
        expect(await count(db.engine, 'customers', sql`customer_id = 'evt:u:u1'`)).toBe(1);

        expect((await post(server, '/v1/batch', { batch }, { authorization: basic(writeKey) })).status).toBe(200);
        await server.collector.drain();
        expect(await count(db.engine, 'events', sql`message_id LIKE 'ch-m%'`)).toBe(3);

        expect((await post(server, '/v1/batch', { batch: [identify('ch-m4', 'u1', { lastName: 'Martin' })] }, { authorization: basic(writeKey) })).status).toBe(200);
        await server.collector.drain();
        const rows = await db.engine.query<{ first_name: string | null; last_name: string | null }>(sql`SELECT first_name, last_name FROM customers WHERE customer_id = 'evt:u:u1'`);
        expect(rows).toEqual([{ first_name: 'Ana', last_name: 'Martin' }]);
        expect(await count(db.engine, 'identifiers', sql`customer_id = 'evt:u:u1' AND type = 'email'`)).toBe(1);
      } finally {
        await server.close();
      }
    }, 120_000);

    for (const point of ['customers', 'identifiers', 'events', 'dead letters']) {
      it(`keeps every event once when a load crashes after writing ${point} and a restarted server loads again`, async () => {
        const tag = `crash-${point.replace(' ', '-')}`;
        const batch = [
          identify(`${tag}-1`, `${tag}-user`, { email: `${tag}@example.com`, firstName: 'Eve' }),
          ...Array.from({ length: 5 }, (_, i) => track(`${tag}-${i + 2}`, `${tag}-user`, 'Product Viewed', { sku: `P${i}` })),
          // Values the mapping cannot use: kept whole in raw_events with the reason.
          track(`${tag}-7`, `${tag}-user`, 'Order Completed', { order_id: 42, total: 'much', products: 'none' }),
        ];
        const first = await start();
        try {
          // After the load every start begins with, so that the batch's load is the drain's.
          await first.collector.drain();
          const crashed = crashes.length;
          // Set before the post: a load the post wakes may begin before the post's answer is read.
          crashAfter = point;
          try {
            expect((await post(first, '/v1/batch', { batch }, { authorization: basic(writeKey) })).status).toBe(200);
            const drained = await first.collector.drain().then(
              () => null,
              (e: unknown) => (e instanceof Error ? e.message : String(e)),
            );
            // The drain's own load meets the crash, unless the background load woken by the post
            // met it first and the drain's load, after it, did not reach that write again (seen
            // once in CI): either way a load crashed after this write, which the restart recovers.
            if (drained !== null) expect(drained).toContain('injected crash');
            else expect(crashes.length).toBeGreaterThan(crashed);
          } finally {
            crashAfter = null;
          }
          expect(crashes.at(-1)).toBe(point);
          // A restarted server (the first one idle) reads the saved position and loads the chunk again.
          const second = await start();
          try {
            await second.collector.drain();
          } finally {
            await second.close();
          }
        } finally {
          await first.close();
        }
        const mine = sql`message_id LIKE ${`${tag}-%`}`;
        const [events] = await db.engine.query<{ n: number; ids: number }>(sql`SELECT count(*) AS n, count(DISTINCT message_id) AS ids FROM events WHERE ${mine}`);
        // As `fidelis events dead-letters` lists them (a replayed dead letter replaces its row).
        const letters = (await listDeadLetters(db.engine)).filter((l) => l.messageId?.startsWith(`${tag}-`)).length;
        // Every message either loaded or set aside, none twice.
        expect(Number(events?.ids) + letters).toBe(batch.length);
        expect(Number(events?.n)).toBe(Number(events?.ids));
        expect(await count(db.engine, 'customers', sql`customer_id = ${`evt:u:${tag}-user`}`)).toBe(1);
        expect(await count(db.engine, 'identifiers', sql`customer_id = ${`evt:u:${tag}-user`} AND type = 'email'`)).toBe(1);
      }, 180_000);
    }

    it('logs in, keeps the session across requests, ends it on logout at once, and refuses a key revoked by another process', async () => {
      await addUser(db.engine, 'ana', 'admin', 'correct horse battery');
      const readKey = await createKey(db.engine, 'read');
      const adminKey = await createKey(db.engine, 'admin');
      const server = await start();
      try {
        const login = await post(server, '/api/session', { user: 'ana', password: 'correct horse battery' }, {});
        expect(login.status).toBe(200);
        const { csrfToken } = (await login.json()) as { csrfToken: string };
        const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
        const session = async (): Promise<unknown> => (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json();
        expect(await session()).toMatchObject({ authenticated: true, user: 'ana', role: 'admin' });
        expect(await count(db.engine, 'sessions')).toBe(1);

        const out = await fetch(`${server.url}/api/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrfToken } });
        expect(out.status).toBeLessThan(300);
        expect(await session()).toEqual({ authenticated: false });

        const profile = (key: string): Promise<Response> => fetch(`${server.url}/v1/customers/nobody`, { headers: { authorization: basic(key) } });
        expect((await profile(readKey.key)).status).toBe(404);
        // `fidelis keys revoke` beside the running server: the revocation reads back at once...
        await revokeKey(db.engine, readKey.apiKey.keyId);
        expect((await listKeys(db.engine)).find((k) => k.keyId === readKey.apiKey.keyId)?.revokedAt).toBeInstanceOf(Date);
        // ...and the server's key ring reads the keys again within a second of a request.
        const deadline = Date.now() + 5_000;
        let status = (await profile(readKey.key)).status;
        while (status !== 401 && Date.now() < deadline) status = (await profile(readKey.key)).status;
        expect(status).toBe(401);

        // An erasure of nobody is a 404 (never a 5xx); erasures of persons are tested with the profile API below.
        const erase = await fetch(`${server.url}/v1/customers/nobody`, { method: 'DELETE', headers: { authorization: basic(adminKey.key) } });
        expect(erase.status).toBe(404);
      } finally {
        await server.close();
      }
    }, 120_000);
  });
}

for (const [target, skip] of [[SINGLE_SERVER, skipSingle], [CLUSTER, skipCluster]] as const) {
  describe.skipIf(skip)(`the profile API served from ${target.label}`, () => {
    let db: Awaited<ReturnType<typeof scratchDatabase>>;
    let config: Config;

    beforeAll(async () => {
      db = await scratchDatabase(target);
      await migrate(db.engine);
      const company = join(tempDir(), 'company');
      await generateDemoCompany({ customers: 60, seed: 5, outDir: company, format: 'csv' });
      const duckdb = await openStore(':memory:');
      try {
        await importFiles(duckdb, [company]);
        await copyTables(duckdb, db.engine, TABLES);
      } finally {
        await duckdb.close();
      }
      const database = db.engine.location.split('/').pop() ?? '';
      // The profile API does not depend on which transaction model the run fits (fixture-config.ts).
      config = fixtureConfig({ db: dbUrl(target, database), server: { log: { folder: tempDir('fidelis-ch-events-') } } });
      await runPipeline(db.engine, config);
    }, 180_000);
    afterAll(async () => {
      await db?.drop();
    });

    it('answers a profile read live from ClickHouse, with the events loaded since and linked by the next identity resolution', async () => {
      const readKey = (await createKey(db.engine, 'read')).key;
      const writeKey = (await createKey(db.engine, 'write')).key;
      const admin = { authorization: basic((await createKey(db.engine, 'admin')).key) };
      const server = await startServer({ config, host: '127.0.0.1', port: 0 });
      try {
        expect(server.profiles.state.documents).toBe(false);
        const get = async (path: string): Promise<{ status: number; body: { records: string[]; lastEvents: { messageId: string }[] } }> => {
          const response = await fetch(`${server.url}${path}`, { headers: { authorization: basic(readKey) } });
          return { status: response.status, body: (await response.json()) as { records: string[]; lastEvents: { messageId: string }[] } };
        };
        const [known] = await db.engine.query<{ customer_id: string }>(sql`SELECT customer_id FROM customer_persons ORDER BY customer_id LIMIT 1`);
        const before = await get(`/v1/customers/${known?.customer_id ?? '?'}`);
        expect(before.status).toBe(200);
        expect(before.body.records).toContain(known?.customer_id);

        const batch = [identify('p-1', 'web-ana', { email: 'ana.profile@example.com', firstName: 'Ana' }), track('p-2', 'web-ana', 'Product Viewed', { sku: 'P1' })];
        expect((await post(server, '/v1/batch', { batch }, { authorization: basic(writeKey) })).status).toBe(200);
        await server.collector.drain();
        // The next run's identity resolution is what links her events to her (the live road reads
        // the identity tables); the other steps, rerun for nothing here, took a minute of CI.
        await runSteps(db.engine, config, ['customer_persons']);
        const after = await get('/v1/customers?email=ana.profile%40example.com');
        expect(after.status).toBe(200);
        expect(after.body.records).toContain('evt:u:web-ana');
        expect(after.body.lastEvents.map((e) => e.messageId).sort()).toEqual(['p-1', 'p-2']);

        // Her data subject's requests over the socket: everything of her, then her erasure.
        const exported = await fetch(`${server.url}/v1/customers/email=ana.profile%40example.com/export`, { headers: admin });
        expect(exported.status).toBe(200);
        expect(((await exported.json()) as { tables: { events: unknown[] } }).tables.events).toHaveLength(2);
        const erased = await fetch(`${server.url}/v1/customers/email=ana.profile%40example.com`, { method: 'DELETE', headers: admin });
        expect(erased.status).toBe(200);
        expect(await erased.json()).toMatchObject({ tables: { events: 2 }, databaseFile: expect.stringMatching(/old_parts_lifetime/) as string });
        expect((await get('/v1/customers?email=ana.profile%40example.com')).status).toBe(404);
        expect(await count(db.engine, 'events', sql`message_id IN ('p-1', 'p-2')`)).toBe(0);
      } finally {
        await server.close();
      }
    }, 240_000);
  });
}
