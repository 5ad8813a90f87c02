import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateProblem, MAX_DEPTH, MAX_ID_LENGTH, mappedFieldProblem, needsWalk, scanRequestText, valueProblem } from '../../src/collect/events/index.js';
import { nested } from '../server/helpers/hostile.js';

const NOW = Date.parse('2026-12-03T00:00:00Z');

describe('dates the datamart stores', () => {
  it('takes ISO 8601 dates and times, with or without an offset, from 1900 to a year from now', () => {
    for (const date of ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.123Z', '2024-05-01T10:00+02:00', '2024-05-01T10:00:00-0500', '2024-05-01', '2024-02-29', '1900-01-01T00:00:00Z', '2027-12-01T00:00:00Z']) {
      expect(dateProblem(date, NOW), date).toBeNull();
    }
  });

  it('refuses other formats, days that are not in the calendar and dates outside the window', () => {
    expect(dateProblem('+010000-01-01T00:00:00.000Z', NOW)).toMatch(/ISO 8601/);
    expect(dateProblem('May 1, 2024', NOW)).toMatch(/ISO 8601/);
    expect(dateProblem('2024-05-01T24:30:00Z', NOW)).toMatch(/ISO 8601/);
    expect(dateProblem('2023-02-29', NOW)).toMatch(/not a day of the calendar/);
    expect(dateProblem('2024-04-31T10:00:00Z', NOW)).toMatch(/not a day of the calendar/);
    expect(dateProblem('1899-12-31T23:59:59Z', NOW)).toMatch(/outside 1900-01-01/);
    expect(dateProblem('2028-01-01T00:00:00Z', NOW)).toMatch(/outside 1900-01-01/);
  });
});

describe('values walked at the door', () => {
  it(`takes ${MAX_DEPTH} levels of nesting and refuses a 33rd, even 10,000 levels deep`, () => {
    const message = (levels: number): unknown => JSON.parse(`{"type":"track","properties":${nested(levels - 1, 'object')}}`);
    expect(valueProblem(message(MAX_DEPTH), '')).toBeNull();
    expect(valueProblem(message(MAX_DEPTH + 1), '')).toEqual({ field: 'properties', reason: `nested deeper than ${MAX_DEPTH} levels of objects and arrays` });
    expect(valueProblem(JSON.parse(`{"p":${nested(10_000, 'array')}}`), '')).toMatchObject({ field: 'p' });
  });

  it('names a value or a key with a lone surrogate, and a number JSON.parse made infinite', () => {
    expect(valueProblem({ properties: { products: [{ name: 'Bol 🍜'.slice(0, -1) }] } }, '')).toMatchObject({ field: 'properties.products.0.name', reason: expect.stringMatching(/lone UTF-16 surrogate/) as string });
    expect(valueProblem({ traits: { ['\udc00']: 1 } }, '')).toMatchObject({ field: 'traits', reason: expect.stringMatching(/a key is not well-formed/) as string });
    expect(valueProblem(JSON.parse('{"properties":{"n":1e400}}'), '')).toMatchObject({ field: 'properties.n' });
    expect(valueProblem({ emoji: '🍜', nul: 'a\u0000b', n: JSON.parse('1e-400') as number }, '')).toBeNull();
  });

  it('needs no walk when the text shows no deep nesting, no surrogate escape and no huge number', () => {
    const value = fc.jsonValue({ maxDepth: 40, depthSize: 'large' });
    // Texts with lone surrogates among ordinary characters (fast-check's own units are well-formed).
    const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
    const ragged = fc.string({ unit: fc.oneof(surrogate, fc.constantFrom('a', 'é', '🍜')) });
    fc.assert(
      fc.property(fc.oneof(value, ragged, fc.dictionary(ragged, value, { maxKeys: 3 })), fc.boolean(), (inner, batch) => {
        const message = { type: 'track', properties: { inner } };
        const text = JSON.stringify(batch ? { batch: [message] } : message);
        const scan = scanRequestText(text);
        if (!needsWalk(scan.signs, batch ? 3 : 1)) expect(valueProblem(message, '')).toBeNull();
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('sees surrogate escapes in either case and huge numbers, not true or false', () => {
    expect(scanRequestText('{"a":"\\uD83D"}').signs.surrogateEscapes).toBe(true);
    expect(scanRequestText('{"a":"\\udfff"}').signs.surrogateEscapes).toBe(true);
    expect(scanRequestText('{"a":"\\u00e9"}').signs.surrogateEscapes).toBe(false);
    expect(scanRequestText('{"a":1e400}').signs.hugeNumbers).toBe(true);
    expect(scanRequestText(`{"a":${'9'.repeat(320)}}`).signs.hugeNumbers).toBe(true);
    expect(scanRequestText('{"a":true,"b":false,"c":1.5e10,"d":"1e400"}').signs.hugeNumbers).toBe(false);
    expect(scanRequestText('{"batch":[{"a":[[1]]}]}').signs.depth).toBe(5);
  });
});

describe('fields the mapping stores', () => {
  const order = (props: Record<string, unknown>) => ({ type: 'track', event: 'Order Completed', properties: props });

  it('refuses amounts over DECIMAL(18,4), numbers or numeric texts, and a line whose total is', () => {
    expect(mappedFieldProblem(order({ products: [{ sku: 'a', price: 1e17 }] }))).toMatchObject({ field: 'properties.products.0.price' });
    expect(mappedFieldProblem(order({ products: [{ sku: 'a', cost: '-1e15' }] }))).toMatchObject({ field: 'properties.products.0.cost' });
    expect(mappedFieldProblem(order({ revenue: 1e14 }))).toMatchObject({ field: 'properties.revenue' });
    expect(mappedFieldProblem(order({ products: [{ sku: 'a', price: 1e9, quantity: 1e6 }] }))).toMatchObject({ field: 'properties.products.0.price', reason: expect.stringMatching(/quantity x price/) as string });
    expect(mappedFieldProblem(order({ products: [{ sku: 'a', quantity: 2e6 }] }))).toMatchObject({ field: 'properties.products.0.quantity' });
    expect(mappedFieldProblem(order({ revenue: 99_999_999_999_999, products: [{ sku: 'a', price: 12.5, quantity: '3' }] }))).toBeNull();
  });

  it(`refuses keys and identifiers over ${MAX_ID_LENGTH} characters`, () => {
    const long = 'k'.repeat(MAX_ID_LENGTH + 1);
    expect(mappedFieldProblem(order({ order_id: long }))).toEqual({ field: 'properties.order_id', reason: `at most ${MAX_ID_LENGTH} characters` });
    expect(mappedFieldProblem(order({ products: [{ sku: 'ok' }, { product_id: long }] }))).toMatchObject({ field: 'properties.products.1.product_id' });
    expect(mappedFieldProblem({ type: 'track', event: 'Email Opened', properties: { campaign_id: long } })).toMatchObject({ field: 'properties.campaign_id' });
    expect(mappedFieldProblem({ type: 'identify', traits: { email: long } })).toMatchObject({ field: 'traits.email' });
    // context.campaign names the campaign when the properties do not: a key too.
    expect(mappedFieldProblem({ ...order({ order_id: 'O-1' }), context: { campaign: { name: long } } })).toMatchObject({ field: 'context.campaign.name' });
    expect(mappedFieldProblem({ type: 'track', event: 'Email Opened', properties: {}, context: { campaign: { id: long } } })).toMatchObject({ field: 'context.campaign.id' });
    expect(mappedFieldProblem({ type: 'identify', context: { externalIds: [{ id: 'x', type: 'crm' }, { id: long, type: 'crm' }] } })).toMatchObject({ field: 'context.externalIds.1.id' });
    // Other events keep their properties as JSON: no key is made of them.
    expect(mappedFieldProblem({ type: 'track', event: 'Signed Up', properties: { order_id: long } })).toBeNull();
  });

  it('refuses trait dates that are not ISO 8601 days in the window', () => {
    expect(mappedFieldProblem({ type: 'identify', traits: { birthday: '2024-99-99' } }, NOW)).toMatchObject({ field: 'traits.birthday' });
    expect(mappedFieldProblem({ type: 'identify', traits: { birth_date: '1850-01-01' } }, NOW)).toMatchObject({ field: 'traits.birth_date' });
    expect(mappedFieldProblem({ type: 'identify', traits: { createdAt: 1_700_000_000_000 } }, NOW)).toMatchObject({ field: 'traits.createdAt' });
    expect(mappedFieldProblem({ type: 'identify', traits: { birthday: '1984-02-29', createdAt: '2023-01-01T00:00:00Z', birthDate: '' } }, NOW)).toBeNull();
  });
});
