import { describe, expect, it } from 'vitest';
import { sql } from '../../src/store/index.js';
import { testApp } from './helpers/app.js';

describe('smoke', () => {
  it('accepts a batch and loads it', async () => {
    const t = await testApp();
    const res = await t.post('/v1/batch', {
      batch: [
        { type: 'identify', userId: 'u1', anonymousId: 'a1', messageId: 'm1', traits: { email: 'A@x.com', firstName: 'Ana', address: { city: 'Lyon', country: 'fr' }, consents: { email: 'opt_in' } } },
        { type: 'track', userId: 'u1', event: 'Order Completed', messageId: 'm2', properties: { order_id: 'O1', products: [{ sku: 'S1', name: 'Chair', price: 10, quantity: 2 }] } },
        { type: 'page', anonymousId: 'a2', messageId: 'm3', properties: { path: '/checkout/step1' } },
        { type: 'track', event: 'Nope' },
      ],
    });
    console.log(res.status, await res.text());
    await t.drain();
    for (const table of ['events', 'customers', 'identifiers', 'consents', 'orders', 'order_lines', 'products', 'web_events', 'raw_events']) {
      console.log(table, await t.engine.query(sql`SELECT * FROM ${sql.id(table)}`));
    }
    await t.close();
    expect(res.status).toBe(200);
  });
});
