import { describe, expect, it } from 'vitest';
import { EventCollector, EventLog, logEntry, type Message } from '../../src/collect/events/index.js';
import { openStore } from '../../src/schema/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { testApp } from './helpers/app.js';
import { waitFor } from './helpers/wait.js';

const line = (message: Record<string, unknown>, receivedAt: Date): string => JSON.stringify(logEntry(message as unknown as Message, receivedAt, 'k'));

interface HealthBody {
  ok: boolean;
  loader: { lag: { events: number | null; bytes: number; oldestSeconds: number | null }; deadLetters: number | null };
}

describe('GET /health', () => {
  it("reports the loader's lag and the dead-letter count, without a key", async () => {
    const t = await testApp();
    try {
      const get = async (): Promise<HealthBody> => {
        const res = await t.app.request('/health');
        expect(res.status).toBe(200);
        return (await res.json()) as HealthBody;
      };
      // Straight into the log, past the door: a price the datamart cannot hold.
      await t.collector.acceptLines([
        line({ type: 'track', userId: 'u1', event: 'Order Completed', messageId: 'poison', properties: { order_id: 'o1', products: [{ sku: 'S', price: 1e17 }] } }, new Date()),
      ]);
      await t.drain();
      expect(await get()).toEqual({ ok: true, loader: { lag: { events: 0, bytes: 0, oldestSeconds: null }, deadLetters: 1 } });

      const received = new Date(Date.now() - 30_000);
      await t.collector.acceptLines(Array.from({ length: 10 }, (_, i) => line({ type: 'track', userId: 'u2', event: 'Signed Up', messageId: `m${i}` }, received)));
      const behind = await get();
      expect(behind.loader.lag.events).toBe(10);
      expect(behind.loader.lag.bytes).toBeGreaterThan(10 * 100);
      expect(behind.loader.lag.oldestSeconds).toBeGreaterThanOrEqual(30);

      await t.drain();
      expect((await get()).loader).toEqual({ lag: { events: 0, bytes: 0, oldestSeconds: null }, deadLetters: 1 });
    } finally {
      await t.close();
    }
  });
});

describe('the loader lag after a restart', () => {
  it('counts the lines an earlier process left unloaded', async () => {
    const folder = tempDir('fidelis-events-');
    const earlier = new EventLog(folder);
    await earlier.append(Array.from({ length: 7 }, (_, i) => line({ type: 'track', userId: 'u', event: 'Signed Up', messageId: `left-${i}` }, new Date())));
    await earlier.close();
    const engine = await openStore(':memory:');
    const collector = new EventCollector(engine, { folder, intervalMs: 60_000, maxEvents: 1_000_000, keyPages: [] });
    try {
      const lag = await waitFor('the backlog to be counted', async () => {
        const now = await collector.lag();
        return now.events === null ? undefined : now;
      });
      expect(lag.events).toBe(7);
      expect(lag.bytes).toBeGreaterThan(0);
      await collector.drain();
      expect(await collector.lag()).toEqual({ events: 0, bytes: 0, oldestSeconds: null });
    } finally {
      await collector.close();
      await engine.close();
    }
  });
});
