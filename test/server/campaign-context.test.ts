import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/store/index.js';
import { testApp, type TestApp } from './helpers/app.js';

// A reaction to a planned contact often names its campaign only in Segment's context.campaign (the
// UTM parameters of the link followed); it must close the loop like properties.campaign_id does.
let t: TestApp;
const at = (minute: number): string => new Date(Date.UTC(2024, 4, 1, 10, minute)).toISOString();

beforeAll(async () => {
  t = await testApp();
  const batch = [
    { type: 'track', userId: 'u-1', messageId: 'o1', timestamp: at(0), event: 'Order Completed', properties: { order_id: 'O-1', revenue: 40 }, context: { campaign: { name: 'spring-cat', source: 'fidelis', medium: 'email' } } },
    { type: 'track', userId: 'u-1', messageId: 'o2', timestamp: at(1), event: 'Order Completed', properties: { order_id: 'O-2', revenue: 10, campaign_id: 'vip' }, context: { campaign: { name: 'spring-cat' } } },
    { type: 'track', userId: 'u-1', messageId: 'o3', timestamp: at(2), event: 'Order Completed', properties: { order_id: 'O-3', revenue: 5 } },
    { type: 'track', userId: 'u-2', messageId: 'm1', timestamp: at(3), event: 'Email Opened', properties: { email_id: 'E-9' }, context: { campaign: { id: 'news-1', name: 'Newsletter' } } },
  ];
  const res = await t.post('/v1/batch', { batch });
  expect(await res.json()).toMatchObject({ accepted: batch.length, rejected: [] });
  await t.drain();
});

afterAll(async () => {
  await t.close();
});

describe('the campaign of a reaction, from context.campaign', () => {
  it('an order names its campaign by context.campaign.name when its properties do not, and properties win', async () => {
    expect(await t.engine.query(sql`SELECT order_id, campaign_id FROM orders ORDER BY order_id`)).toEqual([
      { order_id: 'O-1', campaign_id: 'spring-cat' },
      { order_id: 'O-2', campaign_id: 'vip' },
      { order_id: 'O-3', campaign_id: null },
    ]);
  });

  it('an email event takes context.campaign.id before its name and before email:<email_id>', async () => {
    expect(await t.engine.query(sql`SELECT campaign_id, customer_id FROM contacts`)).toEqual([{ campaign_id: 'news-1', customer_id: 'evt:u:u-2' }]);
    expect(await t.engine.query(sql`SELECT count(*) AS n FROM raw_events`)).toEqual([{ n: 0 }]);
  });
});
