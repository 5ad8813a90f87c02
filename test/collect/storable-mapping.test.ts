// The door checks fields by name (storable.ts's MAPPED_FIELDS); these tests hold each name to
// what the mapping really stores from it, so that a check cannot silently guard nothing.
import { describe, expect, it } from 'vitest';
import { logEntry, MAPPED_FIELDS, mapEvents, normalise, type Message } from '../../src/collect/events/index.js';

const AT = new Date('2026-01-01T10:00:00Z');

function rowsOf(message: Record<string, unknown>, table: Parameters<ReturnType<typeof mapEvents>['rows']>[0]): Record<string, unknown>[] {
  const event = normalise(logEntry({ userId: 'u1', messageId: 'm1', ...message } as Message, AT, 'k1'));
  return mapEvents([event], { keyPages: [] }).rows(table);
}

const order = (properties: Record<string, unknown>) => ({ type: 'track', event: 'Order Completed', properties });

describe('every field the door checks is one the mapping stores', () => {
  it('product keys and money', () => {
    for (const name of MAPPED_FIELDS.productKeys) expect(rowsOf(order({ products: [{ [name]: `K-${name}` }] }), 'order_lines')[0]?.sku, name).toBe(`K-${name}`);
    expect(rowsOf(order({ products: [{ sku: 'a', price: 12.5, cost: 4 }] }), 'order_lines')[0]).toMatchObject({ unit_price: 12.5, unit_cost: 4 });
    expect(MAPPED_FIELDS.productMoney).toEqual(['price', 'cost']);
  });

  it("an order's keys and totals", () => {
    const [orderId, storeId, campaignId] = [MAPPED_FIELDS.orderKeys.slice(0, 3), MAPPED_FIELDS.orderKeys.slice(3, 5), MAPPED_FIELDS.orderKeys.slice(5)];
    for (const name of orderId) expect(rowsOf(order({ [name]: `O-${name}` }), 'orders')[0]?.order_id, name).toBe(`O-${name}`);
    for (const name of storeId) expect(rowsOf(order({ [name]: `S-${name}` }), 'orders')[0]?.store_id, name).toBe(`S-${name}`);
    for (const name of campaignId) expect(rowsOf(order({ [name]: `C-${name}` }), 'orders')[0]?.campaign_id, name).toBe(`C-${name}`);
    for (const name of MAPPED_FIELDS.orderMoney) expect(rowsOf(order({ [name]: 12.5 }), 'order_lines')[0]?.unit_price, name).toBe(12.5);
  });

  it('identify dates and identifiers', () => {
    for (const name of MAPPED_FIELDS.traitDates) {
      const [customer] = rowsOf({ type: 'identify', traits: { [name]: '1984-02-29' } }, 'customers');
      expect(customer?.birth_date ?? customer?.signup_at, name).toBeTruthy();
    }
    for (const name of MAPPED_FIELDS.traitIds) {
      const values = rowsOf({ type: 'identify', traits: { [name]: `I-${name}` } }, 'identifiers').map((r) => r.value);
      expect(values, name).toContain(`I-${name}`);
    }
    expect(rowsOf({ type: 'identify', context: { externalIds: [{ id: 'X-1', type: 'crm' }] } }, 'identifiers').map((r) => r.value)).toContain('X-1');
  });

  it('email events: campaign, email and contact ids', () => {
    const email = (properties: Record<string, unknown>) => ({ type: 'track', event: 'Email Opened', properties });
    for (const name of ['campaign_id', 'campaignId'] as const) expect(rowsOf(email({ [name]: `C-${name}` }), 'campaigns')[0]?.campaign_id).toBe(`C-${name}`);
    for (const name of ['email_id', 'emailId'] as const) expect(rowsOf(email({ [name]: `E-${name}` }), 'campaigns')[0]?.campaign_id).toBe(`email:E-${name}`);
    for (const name of ['contact_id', 'contactId'] as const) expect(rowsOf(email({ campaign_id: 'c', [name]: `K-${name}` }), 'contacts')[0]?.contact_id).toBe(`K-${name}`);
    expect([...MAPPED_FIELDS.emailKeys].sort()).toEqual(['campaignId', 'campaign_id', 'contactId', 'contact_id', 'emailId', 'email_id']);
  });
});
