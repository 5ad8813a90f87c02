// Hostile JSON for the fuzz test of the public routes: JSON texts (not values, so that numbers
// such as 1e400 and escapes such as a lone \ud800 reach the server as a client could write them).
import fc from 'fast-check';

/** A nesting of `levels` objects or arrays around a value. */
export function nested(levels: number, kind: 'object' | 'array', inner = '1'): string {
  return kind === 'object' ? `${'{"a":'.repeat(levels)}${inner}${'}'.repeat(levels)}` : `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;
}

const deep = fc.tuple(fc.integer({ min: 30, max: 10_000 }), fc.constantFrom<'object' | 'array'>('object', 'array')).map(([levels, kind]) => nested(levels, kind));
const wide = fc.integer({ min: 100, max: 3_000 }).map((keys) => `{${Array.from({ length: keys }, (_, i) => `"k${i}":${i}`).join(',')}}`);
const hugeNumber = fc.constantFrom('1e400', '-1e400', '1e17', '-1e17', '1e14', '99999999999999999999', '1e-400', '123456789012345678901234567890', `${'9'.repeat(400)}`, '0.00001');
const loneSurrogate = fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom('\ud800', '\udfff', '\ud83d', '\ude00'), fc.string({ maxLength: 8 })).map(([a, s, b]) => JSON.stringify(`${a}${s}${b}`));
const nul = fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map(([a, b]) => JSON.stringify(`${a}\u0000${b}`));
const longString = fc.integer({ min: 200, max: 40_000 }).map((n) => JSON.stringify('x'.repeat(n)));
const hostileDate = fc
  .constantFrom(
    '+010000-01-01T00:00:00.000Z',
    '-000001-01-01T00:00:00.000Z',
    '10000-01-01T00:00:00Z',
    '0000-00-00',
    '2024-02-31',
    '2024-13-01T00:00:00Z',
    '1899-12-31T23:59:59Z',
    '3000-01-01',
    'yesterday',
    '',
    '2024-05-01T25:61:00Z',
    'Thu, 01 May 2024 10:00:00 GMT',
  )
  .map((d) => JSON.stringify(d));
const dateNumber = fc.constantFrom('253402300800000', '-62198755200000', '8.64e15', '1e400');
const wrongType = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v));
const keyWithSurrogate = fc.constantFrom('{"a\\ud800":1}', '{"\\udc00":{"b":"c"}}', '{"ok":{"\\ud83d":[1]}}');

/** Any hostile JSON value, as text. */
export const hostileValue: fc.Arbitrary<string> = fc.oneof(
  deep,
  wide,
  hugeNumber,
  loneSurrogate,
  nul,
  longString,
  hostileDate,
  dateNumber,
  wrongType,
  keyWithSurrogate,
  fc.constantFrom('[]', '[{}]', '{}', 'null', 'true', '"x"', '0'),
);

/** Where in a message a hostile value goes (a path of property names; a number is an array index). */
const SLOTS: readonly (readonly (string | number)[])[] = [
  ['userId'],
  ['anonymousId'],
  ['messageId'],
  ['event'],
  ['type'],
  ['timestamp'],
  ['originalTimestamp'],
  ['sentAt'],
  ['context'],
  ['context', 'externalIds'],
  ['context', 'externalIds', 0, 'id'],
  ['properties'],
  ['properties', 'order_id'],
  ['properties', 'revenue'],
  ['properties', 'products'],
  ['properties', 'products', 0],
  ['properties', 'products', 0, 'sku'],
  ['properties', 'products', 0, 'price'],
  ['properties', 'products', 0, 'cost'],
  ['properties', 'products', 0, 'quantity'],
  ['properties', 'products', 0, 'name'],
  ['properties', 'campaign_id'],
  ['traits'],
  ['traits', 'email'],
  ['traits', 'birthday'],
  ['traits', 'createdAt'],
  ['traits', 'address'],
  ['groupId'],
  ['previousId'],
  ['name'],
];

const TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
const EVENTS = ['Order Completed', 'Product Viewed', 'Email Opened', 'Unsubscribed', 'Signed Up'];

/** A JSON text of `value` with raw JSON texts put at paths (a later path may replace an earlier one). */
function withRawAt(value: Record<string, unknown>, placed: readonly (readonly [readonly (string | number)[], string])[]): string {
  const copy = structuredClone(value);
  placed.forEach(([path, _text], n) => {
    let at: Record<string | number, unknown> = copy;
    path.forEach((key, i) => {
      if (i === path.length - 1) {
        at[key] = `__hostile_${n}__`;
        return;
      }
      const next = at[key];
      if (typeof next !== 'object' || next === null) at[key] = typeof path[i + 1] === 'number' ? [] : {};
      at = at[key] as Record<string | number, unknown>;
    });
  });
  let text = JSON.stringify(copy);
  placed.forEach(([, raw], n) => {
    text = text.replace(`"__hostile_${n}__"`, () => raw);
  });
  return text;
}

/** A plausible message of any type, its messageId numbered so that accepted ones can be counted. */
function baseMessage(type: (typeof TYPES)[number], event: string, id: number): Record<string, unknown> {
  return {
    type,
    userId: `fuzz-user-${id % 7}`,
    anonymousId: `anon-${id % 5}`,
    messageId: `fuzz-${id}`,
    timestamp: '2024-05-01T10:00:00Z',
    event,
    groupId: 'g1',
    previousId: 'prev',
    properties: { order_id: `o-${id}`, revenue: 12.5, products: [{ sku: 'SKU-1', name: 'Bowl', price: 9.99, quantity: 2 }], campaign_id: 'c1' },
    traits: { email: `fuzz${id}@example.com`, birthday: '1980-05-01', createdAt: '2023-01-01T00:00:00Z' },
    context: { library: { name: 'fuzz' } },
  };
}

let numbered = 0;

/** A message text with zero to three hostile values in it. */
export const hostileMessage: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...TYPES), fc.constantFrom(...EVENTS), fc.array(fc.tuple(fc.constantFrom(...SLOTS), hostileValue), { maxLength: 3 }))
  .map(([type, event, hostile]) => withRawAt(baseMessage(type, event, numbered++), hostile));

/** The value one time in six, else null. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
}

/** A login body: a user name and a password, either hostile. */
export const hostileLogin: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(hostileValue, hostileValue).map(([user, password]) => `{"user":${user},"password":${password}}`),
  hostileValue.map((password) => `{"user":"ana","password":${password}}`),
  hostileValue,
);

/** A whole request body for /v1/batch: a batch of messages, or something else entirely. */
export const hostileBatch: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.array(hostileMessage, { minLength: 1, maxLength: 5 }), sometimes(hostileValue), sometimes(hostileValue)).map(([messages, sentAt, context]) => `{"batch":[${messages.join(',')}]${sentAt !== null ? `,"sentAt":${sentAt}` : ''}${context !== null ? `,"context":${context}` : ''}}`) },
  { weight: 1, arbitrary: hostileValue.map((v) => `{"batch":${v}}`) },
  { weight: 1, arbitrary: hostileValue },
);

/** Percent-encoded bytes (invalid UTF-8 included) for a path segment or a query value. */
export const hostileUrlText: fc.Arbitrary<string> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
  fc.integer({ min: 1_000, max: 7_000 }).map((n) => 'y'.repeat(n)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map((s) => encodeURIComponent(s)),
  fc.constantFrom('%00', 'null', 'anonymous', '%ED%A0%80', '..%2F..%2Fetc%2Fpasswd', '%', '%zz', 'é', '2025-02-31', '+010000-01-01', '-1', '1e400'),
);

/** Printable ASCII (what a header may carry), for keys, tokens and cookies. */
const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 });

/** Authorization and Cookie headers: garbage keys, malformed Basic, wrong schemes, forged session tokens. */
export const hostileCredentials: fc.Arbitrary<Record<string, string>> = fc.oneof(
  printable.map((s) => ({ authorization: `Basic ${Buffer.from(`${s}:`).toString('base64')}` })),
  printable.map((s) => ({ authorization: `Basic ${s}` })),
  printable.map((s) => ({ authorization: `Bearer ${s}` })),
  printable.map((s) => ({ authorization: s })),
  printable.map((s) => ({ cookie: `fidelis_session=${s.replace(/[;,\s]/g, '')}` })),
);
