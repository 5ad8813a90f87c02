import { join } from 'node:path';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createKey, startServer, type RunningServer } from '../../src/server/index.js';
import { sql } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { waitFor } from './helpers/wait.js';

let server: RunningServer;
let writeKey: string;

beforeAll(async () => {
  const db = join(tempDir(), 'clients.duckdb');
  const store = await openStore(db);
  writeKey = (await createKey(store, 'write', 'clients')).key;
  await store.close();
  server = await startServer({ config: parseConfig({ db }), port: 0 });
});

afterAll(async () => {
  await server.close();
});

async function eventsOf(userId: string): Promise<{ type: string; event: string | null; timestamp: Date }[]> {
  return server.engine.query(sql`SELECT type, event, timestamp FROM events WHERE user_id = ${userId} ORDER BY timestamp, type`);
}

describe('real tracking clients pointed at the server', () => {
  it('@segment/analytics-node: identify, track and page land in the datamart', async () => {
    const analytics = new SegmentAnalytics({ writeKey, host: server.url, flushAt: 10, maxRetries: 0 });
    const failures: unknown[] = [];
    analytics.on('error', (error) => failures.push(error));
    analytics.identify({ userId: 'seg-1', anonymousId: 'seg-anon', traits: { email: 'seg@example.com', firstName: 'Sam' } });
    analytics.track({
      userId: 'seg-1',
      event: 'Order Completed',
      properties: { order_id: 'SEG-O1', products: [{ sku: 'P-1', name: 'Lamp', price: 30, quantity: 1 }] },
    });
    analytics.page({ userId: 'seg-1', name: 'Quote', properties: { path: '/quote/a' } });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(failures).toEqual([]);

    const events = await waitFor('the Segment events in the datamart', async () => {
      const rows = await eventsOf('seg-1');
      return rows.length === 3 ? rows : undefined;
    });
    expect(events.map((e) => e.type).sort()).toEqual(['identify', 'page', 'track']);
    expect(await server.engine.query(sql`SELECT customer_id, channel FROM orders WHERE order_id = 'SEG-O1'`)).toEqual([
      { customer_id: 'evt:u:seg-1', channel: 'web' },
    ]);
    expect(await server.engine.query(sql`SELECT first_name FROM customers WHERE customer_id = 'evt:u:seg-1'`)).toEqual([{ first_name: 'Sam' }]);
    expect(await server.engine.query(sql`SELECT type FROM web_events WHERE customer_id = 'evt:u:seg-1'`)).toEqual([{ type: 'key_page' }]);
  });

  it('@rudderstack/rudder-sdk-node: gzip labelled as a form, every call type accepted', async () => {
    const client = new RudderAnalytics(writeKey, { dataPlaneUrl: server.url, flushAt: 20, flushInterval: 60_000, logLevel: 'error', retryCount: 0 });
    client.identify({ userId: 'rud-1', anonymousId: 'rud-anon', traits: { email: 'rud@example.com', address: { city: 'Nantes' } } });
    client.track({ userId: 'rud-1', event: 'Product Added', properties: { sku: 'P-2' } });
    client.page({ userId: 'rud-1', name: 'Home', properties: { path: '/' } });
    client.screen({ userId: 'rud-1', name: 'Basket' });
    client.group({ userId: 'rud-1', groupId: 'g-1', traits: { name: 'Acme' } });
    client.alias({ userId: 'rud-1', previousId: 'rud-old' });
    await new Promise<void>((resolve, reject) => {
      void client.flush((error?: Error) => (error ? reject(error) : resolve()));
    });

    const events = await waitFor('the RudderStack events in the datamart', async () => {
      const rows = await eventsOf('rud-1');
      return rows.length === 6 ? rows : undefined;
    });
    expect(events.map((e) => e.type).sort()).toEqual(['alias', 'group', 'identify', 'page', 'screen', 'track']);
    expect(await server.engine.query(sql`SELECT type, value FROM identifiers WHERE customer_id = 'evt:u:rud-1' ORDER BY type, value`)).toEqual([
      { type: 'anonymous_id', value: 'rud-anon' },
      { type: 'anonymous_id', value: 'rud-old' },
      { type: 'email', value: 'rud@example.com' },
      { type: 'user_id', value: 'rud-1' },
    ]);
    expect(await server.engine.query(sql`SELECT city FROM customers WHERE customer_id = 'evt:u:rud-1'`)).toEqual([{ city: 'Nantes' }]);
  });

  it('makes events visible in the datamart within 2 seconds of their 200', async () => {
    const started = Date.now();
    const res = await fetch(`${server.url}/v1/track`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'fast-1', event: 'Signed Up' }),
    });
    expect(res.status).toBe(200);
    const acked = Date.now();
    await waitFor('the event', async () => (await eventsOf('fast-1')).length === 1, 2_000, 10);
    expect(Date.now() - acked).toBeLessThan(2_000);
    expect(acked - started).toBeLessThan(2_000);
  });
});
