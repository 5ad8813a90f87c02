import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKey } from '../../src/server/index.js';
import { sql } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { startServerProcess, TEST_DUCKDB } from './helpers/child.js';

/** Sends batches of Order Completed events until stopped; returns the messageIds acknowledged with a 200. */
async function sender(url: string, key: string, prefix: string, stop: { stopped: boolean }): Promise<string[]> {
  const acked: string[] = [];
  for (let n = 0; !stop.stopped; n++) {
    const ids = Array.from({ length: 100 }, (_, i) => `${prefix}-${n}-${i}`);
    const batch = ids.map((id) => ({
      type: 'track',
      userId: `user-${id.length % 50}`,
      event: 'Order Completed',
      messageId: id,
      properties: { order_id: `order-${id}`, products: [{ sku: 'SKU-1', price: 10, quantity: 1 }] },
    }));
    try {
      const res = await fetch(`${url}/v1/batch`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ batch }),
      });
      if (res.status === 200) acked.push(...ids);
      else await res.text();
    } catch {
      // The server was killed: requests without an answer were never acknowledged.
      return acked;
    }
  }
  return acked;
}

describe('durability of acknowledged events', () => {
  it('keeps every acknowledged event exactly once after a kill -9 during a load', async () => {
    const db = join(tempDir(), 'crash.duckdb');
    const store = await openStore(db, TEST_DUCKDB);
    const key = (await createKey(store, 'write')).key;
    await store.close();

    const first = await startServerProcess(db, { FIDELIS_TRACE_LOADS: '1' });
    const stop = { stopped: false };
    const senders = Array.from({ length: 6 }, (_, i) => sender(first.url, key, `s${i}`, stop));
    // Kill the instant a load starts, once a few loads have gone through.
    const killedMidLoad = await new Promise<boolean>((resolve) => {
      first.child.stderr?.on('data', () => {
        const starts = first.stderr().match(/load-start/g)?.length ?? 0;
        if (starts >= 4 && first.stderr().trimEnd().split('\n').at(-1)?.startsWith('load-start') && first.child.exitCode === null) {
          first.child.kill('SIGKILL');
          resolve(true);
        }
      });
      first.child.once('exit', () => resolve(false));
    });
    expect(killedMidLoad).toBe(true);
    await first.stop();
    stop.stopped = true;
    const acked = (await Promise.all(senders)).flat();
    expect(acked.length).toBeGreaterThan(500);

    // Restart: the loader resumes from its stored position; SIGTERM, sent the instant the server
    // says it listens, loads the rest before exit.
    const second = await startServerProcess(db);
    await second.stop('SIGTERM');
    const ended = `exit code ${second.child.exitCode}, signal ${second.child.signalCode}; stderr:\n${second.stderr()}`;
    expect(second.child.exitCode, ended).toBe(0);
    expect(second.stderr(), ended).toContain('SIGTERM, loading the rest of the log');

    const reopened = await openStore(db, TEST_DUCKDB);
    try {
      const [counts] = await reopened.query<{ n: number; distinct: number; orders: number; lines: number }>(sql`SELECT
        (SELECT count(*) FROM events) AS n, (SELECT count(DISTINCT message_id) FROM events) AS "distinct",
        (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_lines) AS lines`);
      expect(counts?.n).toBe(counts?.distinct);
      expect(counts?.orders).toBe(counts?.n);
      expect(counts?.lines).toBe(counts?.n);
      const stored = new Set(
        (await reopened.query<{ message_id: string }>(sql`SELECT message_id FROM events`)).map((r) => r.message_id),
      );
      const missing = acked.filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
    } finally {
      await reopened.close();
    }
  });
});
