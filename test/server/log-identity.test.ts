import { appendFileSync, copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logEntry, segmentPath } from '../../src/collect/events/index.js';
import { createKey } from '../../src/server/index.js';
import { sql } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { startServerProcess, TEST_DUCKDB } from './helpers/child.js';
import { waitFor } from './helpers/wait.js';

/**
 * The event log and the database's position must never silently disagree (issue 12, section 2):
 * each case starts the real server (`fidelis serve` in a child process), stops it with SIGTERM
 * (which loads the rest of the log), and checks what the next start does.
 */

interface Shop {
  readonly db: string;
  readonly config: string;
  readonly key: string;
}

async function shop(server: Record<string, unknown> = {}): Promise<Shop> {
  const dir = tempDir();
  const db = join(dir, 'shop.duckdb');
  const config = join(dir, 'fidelis.config.json');
  writeFileSync(config, JSON.stringify({ duckdb: TEST_DUCKDB, server }));
  const store = await openStore(db, TEST_DUCKDB);
  const key = (await createKey(store, 'write')).key;
  await store.close();
  return { db, config, key };
}

function withConfig(s: Shop, server: Record<string, unknown>): Shop {
  const config = join(tempDir(), 'fidelis.config.json');
  writeFileSync(config, JSON.stringify({ duckdb: TEST_DUCKDB, server }));
  return { ...s, config };
}

interface Health {
  loader: { lag: { events: number | null; bytes: number }; deadLetters: number | null };
}

/**
 * Starts the server, sends `ids` as one batch, waits until /health says the log is loaded, and
 * stops it (SIGTERM); returns that health.
 */
async function run(s: Shop, ids: readonly string[]): Promise<Health> {
  const server = await startServerProcess(s.db, {}, ['--config', s.config]);
  let health: Health;
  try {
    const res = await fetch(`${server.url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${s.key}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ batch: ids.map((id) => ({ type: 'track', userId: 'u1', event: 'Signed Up', messageId: id })) }),
    });
    expect(res.status).toBe(200);
    health = await waitFor(
      'the log to be loaded',
      async () => {
        const body = (await (await fetch(`${server.url}/health`)).json()) as Health;
        return body.loader.lag.events === 0 && body.loader.lag.bytes === 0 ? body : undefined;
      },
      30_000,
    );
  } finally {
    await server.stop('SIGTERM');
  }
  expect(server.child.exitCode, server.stderr()).toBe(0);
  return health;
}

/** The start is refused: the server exits before it listens, saying why. */
async function refused(s: Shop): Promise<string> {
  const error = await startServerProcess(s.db, {}, ['--config', s.config]).then(
    async (server) => {
      await server.stop();
      return null;
    },
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
  expect(error, 'the server started').not.toBeNull();
  return error ?? '';
}

async function storedIds(db: string): Promise<string[]> {
  const store = await openStore(db, TEST_DUCKDB);
  try {
    return (await store.query<{ message_id: string }>(sql`SELECT message_id FROM events ORDER BY message_id`)).map((r) => r.message_id);
  } finally {
    await store.close();
  }
}

const ids = (prefix: string): string[] => Array.from({ length: 20 }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);

describe('the log identity', () => {
  it('lets a normal restart load on from where it stopped, past a poison message left in the log', async () => {
    const s = await shop();
    expect((await run(s, ids('a'))).loader.deadLetters).toBe(0);
    // Written straight into the log (past the door) before the next start: a price the datamart cannot hold.
    const poison = logEntry(
      { type: 'track', userId: 'u1', event: 'Order Completed', messageId: 'poison', properties: { order_id: 'o', products: [{ sku: 'S', price: 1e17 }] } },
      new Date(),
      'k',
    );
    appendFileSync(segmentPath(`${s.db}.events`, 1), `${JSON.stringify(poison)}\n`);
    expect((await run(s, ids('b'))).loader.deadLetters).toBe(1);
    expect((await run(s, ids('c'))).loader.deadLetters).toBe(1);
    expect(await storedIds(s.db)).toEqual([...ids('a'), ...ids('b'), ...ids('c')]);
  });

  it('refuses to start when the log folder was removed, until the operator acknowledges it', async () => {
    const s = await shop();
    await run(s, ids('a'));
    rmSync(`${s.db}.events`, { recursive: true });
    const message = await refused(s);
    expect(message).toMatch(/is new or empty, but the database has loaded log [0-9a-f-]+ up to segment 1/);
    expect(message).toContain('fidelis events reset-log-position');
    // A refused start leaves the folder as it was (absent), so the next one says the same.
    expect(existsSync(`${s.db}.events`)).toBe(false);

    const reset = await runCli(['events', 'reset-log-position', '--db', s.db, '--config', s.config]);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(/now loads log [0-9a-f-]+ .* from segment 1, byte 0\. It had loaded log [0-9a-f-]+ up to segment 1/);
    expect(reset.stdout).toContain('is lost');
    await run(s, ids('b'));
    expect(await storedIds(s.db)).toEqual([...ids('a'), ...ids('b')]);
  });

  it('refuses to start on a database restored without its log, when the log lost segments it had not loaded', async () => {
    const s = await shop();
    await run(s, ids('a'));
    const backup = join(tempDir(), 'backup.duckdb');
    copyFileSync(s.db, backup);
    await run(s, ids('b'));
    await run(s, ids('c'));
    // The backup knows segment 1; segment 2 (with b) was loaded into the newer database and deleted.
    copyFileSync(backup, s.db);
    const message = await refused(s);
    expect(message).toMatch(/has lost segments 1 to 2, which the database had not loaded/);
    expect(message).toContain('Restore the missing segments');

    const reset = await runCli(['events', 'reset-log-position', '--db', s.db, '--config', s.config]);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('from segment 3, byte 0');
    await run(s, ids('d'));
    // Segment 3 (c) is loaded again from its start; b is the loss the operator acknowledged.
    expect(await storedIds(s.db)).toEqual([...ids('a'), ...ids('c'), ...ids('d')]);
  });

  it('refuses to start when server.log.folder points to a new folder, or to the folder of another log', async () => {
    const s = await shop();
    await run(s, ids('a'));
    const moved = withConfig(s, { log: { folder: join(tempDir(), 'elsewhere') } });
    expect(await refused(moved)).toMatch(/is new or empty, but the database has loaded log/);

    const other = await shop();
    await run(other, ids('x'));
    const crossed = withConfig(s, { log: { folder: `${other.db}.events` } });
    expect(await refused(crossed)).toMatch(/holds log [0-9a-f-]+, but the database has loaded log [0-9a-f-]+ up to segment 1.*Point server\.log\.folder back/s);

    // Pointed back to its own folder, the server starts and loads on.
    const back = withConfig(s, { log: { folder: `${s.db}.events` } });
    await run(back, ids('b'));
    expect(await storedIds(s.db)).toEqual([...ids('a'), ...ids('b')]);
  });
});
