import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/store/index.js';
import { testApp, type TestApp } from './helpers/app.js';

let t: TestApp;
const at = (minute: number): string => new Date(Date.UTC(2024, 4, 1, 10, minute)).toISOString();

async function rows(query: ReturnType<typeof sql>): Promise<Record<string, unknown>[]> {
  return t.engine.query(query);
}

beforeAll(async () => {
  t = await testApp({ server: { keyPages: ['/quote*', '/checkout'] } });
  const batch = [
    // A visitor browses anonymously, then logs in.
    { type: 'page', anonymousId: 'anon-1', messageId: 'p1', timestamp: at(0), name: 'Home', properties: { path: '/', url: 'https://shop.example/' }, context: { sessionId: 's1' } },
    { type: 'page', anonymousId: 'anon-1', messageId: 'p2', timestamp: at(1), context: { page: { path: '/quote/kitchen' } } },
    { type: 'track', anonymousId: 'anon-1', messageId: 'e1', timestamp: at(2), event: 'Product Viewed', properties: { product_id: 'SKU-1', name: 'Chair' } },
    { type: 'track', anonymousId: 'anon-1', messageId: 'e2', timestamp: at(3), event: 'Products Searched', properties: { query: 'red chair' } },
    { type: 'identify', userId: 'user-1', anonymousId: 'anon-1', messageId: 'i1', timestamp: at(4), traits: {
      email: ' Ana@Example.com ', phone: '+33 6 12 34 56 78', firstName: 'Ana', lastName: 'Lopez', birthday: '1985-03-02T00:00:00Z', gender: 'female',
      address: { street: '12 rue de la République', postalCode: '69001', city: 'Lyon', country: 'fr' }, interests: ['garden', 'owner'], loyaltyCard: 'LC-99',
      consents: { email: 'opt_in', sms: false, fax: 'opt_in' },
    }, context: { externalIds: [{ id: 'crm-7', type: 'crm_id', collection: 'users' }] } },
    { type: 'track', userId: 'user-1', messageId: 'e3', timestamp: at(5), event: 'Product Added', properties: { sku: 'SKU-1' } },
    { type: 'track', userId: 'user-1', messageId: 'e4', timestamp: at(6), event: 'Checkout Started', properties: { order_id: 'O-1' } },
    { type: 'track', userId: 'user-1', messageId: 'o1', timestamp: at(7), event: 'Order Completed', properties: {
      order_id: 'O-1', total: 64.9, products: [
        { product_id: 'SKU-1', sku: 'SKU-1', name: 'Chair', category: 'home', price: 24.95, quantity: 2 },
        { sku: 'SKU-2', name: 'Rake', price: '15', quantity: 1, cost: 6 },
      ] } },
    // A later identify fills the city only: the other traits stay.
    { type: 'identify', userId: 'user-1', messageId: 'i2', timestamp: at(8), traits: { city: 'Villeurbanne' } },
    // An app order without products, and a guest order.
    { type: 'track', userId: 'user-2', messageId: 'o2', timestamp: at(9), event: 'Order Completed', properties: { order_id: 'O-2', revenue: 30 }, context: { app: { name: 'Shop', version: '1.2' }, os: { name: 'iOS' } } },
    { type: 'track', anonymousId: 'guest-9', messageId: 'o3', timestamp: at(10), event: 'Order Completed', properties: { products: [{ sku: 'SKU-2', price: 15 }] } },
    { type: 'screen', userId: 'user-2', messageId: 's1', timestamp: at(11), name: 'Basket' },
    // Email events of one campaign.
    { type: 'track', userId: 'user-1', messageId: 'm1', timestamp: at(12), event: 'Email Delivered', properties: { campaign_id: 'C-1', campaign_name: 'Spring', email_id: 'E-1' } },
    { type: 'track', userId: 'user-1', messageId: 'm2', timestamp: at(13), event: 'Email Opened', properties: { campaign_id: 'C-1', email_id: 'E-1' } },
    { type: 'track', userId: 'user-1', messageId: 'm3', timestamp: at(14), event: 'Email Link Clicked', properties: { campaign_id: 'C-1', email_id: 'E-1', link_url: 'https://x' } },
    { type: 'track', userId: 'user-1', messageId: 'm4', timestamp: at(15), event: 'Email Opened', properties: { campaign_id: 'C-1', email_id: 'E-1' } },
    { type: 'track', userId: 'user-3', messageId: 'm5', timestamp: at(16), event: 'Email Bounced', properties: { email_id: 'E-2' } },
    { type: 'track', userId: 'user-1', messageId: 'm6', timestamp: at(17), event: 'Unsubscribed', properties: { campaign_id: 'C-1', email_id: 'E-1' } },
    { type: 'track', userId: 'user-1', messageId: 'm7', timestamp: at(18), event: 'Email Opened', properties: {} },
    // Alias, group and a custom event.
    { type: 'alias', userId: 'user-1', previousId: 'old-device', messageId: 'a1', timestamp: at(19) },
    { type: 'group', userId: 'user-1', groupId: 'acme', messageId: 'g1', timestamp: at(20), traits: { name: 'Acme' } },
    { type: 'track', userId: 'user-1', messageId: 'x1', timestamp: at(21), event: 'Video Played', properties: { title: 'Intro' } },
  ];
  const res = await t.post('/v1/batch', { batch });
  expect(await res.json()).toMatchObject({ accepted: batch.length, rejected: [] });
  await t.drain();
});

afterAll(async () => {
  await t.close();
});

describe('mapping of Segment events to the datamart', () => {
  it('identify: traits to one customer record per userId, later traits completing earlier ones', async () => {
    expect(await rows(sql`SELECT customer_id, source, first_name, last_name, CAST(birth_date AS VARCHAR) AS birth_date, gender, street_address, postcode, city, country, interests
      FROM customers WHERE customer_id = 'evt:u:user-1'`)).toEqual([
      { customer_id: 'evt:u:user-1', source: 'events', first_name: 'Ana', last_name: 'Lopez', birth_date: '1985-03-02', gender: 'F', street_address: '12 rue de la République', postcode: '69001', city: 'Villeurbanne', country: 'FR', interests: 'garden;owner' },
    ]);
  });

  it('identify and alias: identifiers as received, the anonymous id and previousId linked to the user', async () => {
    expect(await rows(sql`SELECT type, value FROM identifiers WHERE customer_id = 'evt:u:user-1' ORDER BY type, value`)).toEqual([
      { type: 'anonymous_id', value: 'anon-1' },
      { type: 'anonymous_id', value: 'old-device' },
      { type: 'email', value: 'Ana@Example.com' },
      { type: 'external_id', value: 'crm-7' },
      { type: 'loyalty_card', value: 'LC-99' },
      { type: 'phone', value: '+33 6 12 34 56 78' },
      { type: 'user_id', value: 'user-1' },
    ]);
  });

  it('identify: consents per contact channel, and Unsubscribed as an email opt-out', async () => {
    expect(await rows(sql`SELECT channel, status, "at" FROM consents WHERE customer_id = 'evt:u:user-1' ORDER BY "at", channel`)).toEqual([
      { channel: 'email', status: 'opt_in', at: new Date(at(4)) },
      { channel: 'sms', status: 'opt_out', at: new Date(at(4)) },
      { channel: 'email', status: 'opt_out', at: new Date(at(17)) },
    ]);
  });

  it('Order Completed: the order with its channel, its lines and the products it names', async () => {
    expect(await rows(sql`SELECT order_id, customer_id, ordered_at, channel FROM orders ORDER BY order_id`)).toEqual([
      { order_id: 'O-1', customer_id: 'evt:u:user-1', ordered_at: new Date(at(7)), channel: 'web' },
      { order_id: 'O-2', customer_id: 'evt:u:user-2', ordered_at: new Date(at(9)), channel: 'app' },
      { order_id: 'o3', customer_id: 'evt:a:guest-9', ordered_at: new Date(at(10)), channel: 'web' },
    ]);
    expect(await rows(sql`SELECT order_id, line_no, sku, quantity, unit_price, unit_cost FROM order_lines ORDER BY order_id, line_no`)).toEqual([
      { order_id: 'O-1', line_no: 1, sku: 'SKU-1', quantity: 2, unit_price: 24.95, unit_cost: null },
      { order_id: 'O-1', line_no: 2, sku: 'SKU-2', quantity: 1, unit_price: 15, unit_cost: 6 },
      { order_id: 'O-2', line_no: 1, sku: 'UNSPECIFIED', quantity: 1, unit_price: 30, unit_cost: null },
      { order_id: 'o3', line_no: 1, sku: 'SKU-2', quantity: 1, unit_price: 15, unit_cost: null },
    ]);
    expect(await rows(sql`SELECT sku, name, category, price FROM products ORDER BY sku`)).toEqual([
      { sku: 'SKU-1', name: 'Chair', category: 'home', price: 24.95 },
      { sku: 'SKU-2', name: 'Rake', category: 'unknown', price: 15 },
      { sku: 'UNSPECIFIED', name: 'Unspecified', category: 'unknown', price: 30 },
    ]);
    expect(await rows(sql`SELECT customer_id FROM customers WHERE customer_id LIKE 'evt:a:%'`)).toEqual([{ customer_id: 'evt:a:guest-9' }]);
  });

  it('page, screen and e-commerce browsing: web events, key pages by path, anonymous until identified', async () => {
    expect(await rows(sql`SELECT event_id, customer_id, anonymous_id, type, page, sku, search_term, session_id FROM web_events ORDER BY "at"`)).toEqual([
      { event_id: 'p1', customer_id: null, anonymous_id: 'anon-1', type: 'page_view', page: '/', sku: null, search_term: null, session_id: 's1' },
      { event_id: 'p2', customer_id: null, anonymous_id: 'anon-1', type: 'key_page', page: '/quote/kitchen', sku: null, search_term: null, session_id: null },
      { event_id: 'e1', customer_id: null, anonymous_id: 'anon-1', type: 'page_view', page: null, sku: 'SKU-1', search_term: null, session_id: null },
      { event_id: 'e2', customer_id: null, anonymous_id: 'anon-1', type: 'search', page: null, sku: null, search_term: 'red chair', session_id: null },
      { event_id: 'e3', customer_id: 'evt:u:user-1', anonymous_id: null, type: 'cart_add', page: null, sku: 'SKU-1', search_term: null, session_id: null },
      { event_id: 'e4', customer_id: 'evt:u:user-1', anonymous_id: null, type: 'quote_started', page: null, sku: null, search_term: null, session_id: null },
      { event_id: 's1', customer_id: 'evt:u:user-2', anonymous_id: null, type: 'page_view', page: 'Basket', sku: null, search_term: null, session_id: null },
    ]);
  });

  it('email events: campaigns and contacts created when missing, the first response of each type', async () => {
    expect(await rows(sql`SELECT campaign_id, name, channel, started_at FROM campaigns ORDER BY campaign_id`)).toEqual([
      { campaign_id: 'C-1', name: 'Spring', channel: 'email', started_at: new Date(at(12)) },
      { campaign_id: 'email:E-2', name: 'email:E-2', channel: 'email', started_at: new Date(at(16)) },
    ]);
    expect(await rows(sql`SELECT contact_id, customer_id, campaign_id, sent_at FROM contacts ORDER BY contact_id`)).toEqual([
      { contact_id: 'evt:C-1:E-1:evt:u:user-1', customer_id: 'evt:u:user-1', campaign_id: 'C-1', sent_at: new Date(at(12)) },
      { contact_id: 'evt:email:E-2:E-2:evt:u:user-3', customer_id: 'evt:u:user-3', campaign_id: 'email:E-2', sent_at: new Date(at(16)) },
    ]);
    expect(await rows(sql`SELECT type, "at" FROM responses ORDER BY "at"`)).toEqual([
      { type: 'delivered', at: new Date(at(12)) },
      { type: 'opened', at: new Date(at(13)) },
      { type: 'clicked', at: new Date(at(14)) },
      { type: 'bounced', at: new Date(at(16)) },
      { type: 'unsubscribed', at: new Date(at(17)) },
    ]);
  });

  it('keeps unmapped messages whole in raw_events, with the reason', async () => {
    const raw = await rows(sql`SELECT message_id, type, event, customer_id, reason, payload FROM raw_events ORDER BY message_id`);
    expect(raw.map((r) => [r.message_id, r.customer_id, r.reason])).toEqual([
      ['g1', 'evt:u:user-1', 'group calls are kept raw (a company is not a customer record)'],
      ['m7', 'evt:u:user-1', 'an email event needs properties.campaign_id, context.campaign or properties.email_id'],
      ['x1', 'evt:u:user-1', 'no mapping for track event "Video Played"'],
    ]);
    expect(JSON.parse(String(raw[2]?.payload))).toMatchObject({ event: 'Video Played', properties: { title: 'Intro' }, userId: 'user-1' });
  });

  it('keeps every message in events, with the tables it fed', async () => {
    const events = await rows(sql`SELECT message_id, type, event, customer_id, mapped_to FROM events ORDER BY timestamp`);
    expect(events).toHaveLength(22);
    expect(events.find((e) => e.message_id === 'o1')).toEqual({
      message_id: 'o1', type: 'track', event: 'Order Completed', customer_id: 'evt:u:user-1', mapped_to: 'customers,identifiers,orders,order_lines,products',
    });
    expect(events.find((e) => e.message_id === 'p1')).toMatchObject({ event: 'Home', customer_id: null, mapped_to: 'web_events' });
    expect(events.find((e) => e.message_id === 'x1')).toMatchObject({ mapped_to: 'raw_events' });
  });
});
