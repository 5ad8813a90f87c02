import { num, obj } from './values.js';

/**
 * What the datamart can store, checked at the door: a message the collection API accepts must
 * load, because the loader cannot give it back (a Segment write key is public: one message the
 * loader's SQL refuses would otherwise stop every later event). The limits are named here once,
 * for the door and for the mapping, so they cannot drift apart; docs/collect.md lists them.
 */

/** userId, anonymousId, groupId, previousId, identifiers and the keys the mapping stores (order_id, sku, campaign_id...). */
export const MAX_ID_LENGTH = 512;
/** messageId and a track's event name. */
export const MAX_NAME_LENGTH = 256;
/**
 * Objects and arrays inside one another, the message itself being level 1. Deeper JSON is no
 * profile data, and JSON.stringify (the log line, the loader) overflows the stack near 10,000.
 */
export const MAX_DEPTH = 32;
/** Earliest date a message may carry. */
export const EARLIEST_DATE = new Date('1900-01-01T00:00:00Z');
const EARLIEST_TIME = EARLIEST_DATE.getTime();
/** Dates may run ahead of the server's clock by one year at most (a client clock can be wrong, not by centuries). */
export const LATEST_DATE_AHEAD_MS = 366 * 86_400_000;
/** Money columns are DECIMAL(18,4): at most 14 digits before the point. */
export const MONEY_LIMIT = 1e14;
/** Units of an order line (a BIGINT column; the line's amount quantity x price is money too). */
export const MAX_QUANTITY = 1_000_000;

/** A field that would not load, and why: the door names it in the message's `rejected` entry. */
export interface StorageProblem {
  readonly field: string;
  readonly reason: string;
}

/** Property names the mapping reads, by what it stores from them (src/collect/events/map-*.ts). */
export const MAPPED_FIELDS = {
  /** identify traits stored as dates (birth_date, signup_at). */
  traitDates: ['birthday', 'birth_date', 'birthDate', 'createdAt', 'created_at'],
  /** identify traits stored as identifiers (keys of the profile store). */
  traitIds: ['email', 'phone', 'loyaltyCard', 'loyalty_card', 'accountId', 'account_id'],
  /** Order Completed properties stored as keys. */
  orderKeys: ['order_id', 'orderId', 'checkout_id', 'store_id', 'storeId', 'campaign_id', 'campaignId'],
  /** Order Completed properties stored as money (an order without products is one line of its total). */
  orderMoney: ['revenue', 'total', 'value'],
  /** Keys of a product of an order. */
  productKeys: ['sku', 'product_id', 'productId', 'id'],
  /** Money of a product of an order. */
  productMoney: ['price', 'cost'],
  /** Email events: properties stored as keys. */
  emailKeys: ['campaign_id', 'campaignId', 'email_id', 'emailId', 'contact_id', 'contactId'],
  /**
   * Segment's `context.campaign` (the UTM parameters of the link followed): read as the campaign
   * of an order or an email event when its properties name none; `id` first, else `name` (utm_campaign).
   */
  contextCampaignKeys: ['id', 'name'],
} as const;

const EMAIL_EVENTS = new Set(['Email Delivered', 'Email Opened', 'Email Link Clicked', 'Email Bounced', 'Unsubscribed']);

/** ISO 8601 as Segment's clients write it: a date, or a date and time with an optional offset. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const NOT_ISO = 'expected an ISO 8601 date such as 2024-05-01T10:00:00Z';
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Two or four digits of a text, from `at` (the text already matched ISO_8601). */
function digits(text: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) n = n * 10 + text.charCodeAt(i) - 0x30;
  return n;
}

/**
 * Why a date text would not be stored, or null: it must be ISO 8601 and a day of the calendar
 * (Date reads 2024-02-31 as March 2) within 1900-01-01 .. now + 1 year. On the hot path of every
 * message: one regex test and Date.parse, which checks the months, hours and minutes itself.
 */
export function dateProblem(value: string, now = Date.now()): string | null {
  const time = ISO_8601.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) return NOT_ISO;
  const day = digits(value, 8, 2);
  if (day > 28) {
    const [year, month] = [digits(value, 0, 4), digits(value, 5, 2)];
    const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (day > (DAYS_IN_MONTH[month - 1] ?? 31) + (leap ? 1 : 0)) return `${value} is not a day of the calendar`;
  }
  if (time < EARLIEST_TIME || time > now + LATEST_DATE_AHEAD_MS) return `${value} is outside 1900-01-01 .. one year from now`;
  return null;
}

/** What a scan of the request text found that only a walk of the values can place (see batch-text.ts). */
export interface TextSigns {
  /** Deepest nesting of the whole text (the body itself is level 1). */
  readonly depth: number;
  /** A \uD800-\uDFFF escape: maybe a lone surrogate. */
  readonly surrogateEscapes: boolean;
  /** A number with a 3-digit exponent or 300 digits: maybe one JSON.parse made Infinity. */
  readonly hugeNumbers: boolean;
}

/**
 * Whether the messages must be walked (valueProblem): anything else is known storable from the
 * text alone. `messageLevel`: the level of the messages in the text (1 for a single message, 3
 * in a batch's array).
 */
export function needsWalk(signs: TextSigns, messageLevel: number): boolean {
  return signs.surrogateEscapes || signs.hugeNumbers || signs.depth - messageLevel + 1 > MAX_DEPTH;
}

/** Node 20 has String.prototype.isWellFormed; the project's TypeScript lib (ES2023) does not declare it. */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

const LONE_SURROGATE = 'not well-formed Unicode (a lone UTF-16 surrogate, such as half of an emoji cut by a slice)';

/**
 * Walks a message: nesting deeper than MAX_DEPTH, strings and keys that are not well-formed
 * Unicode, numbers JSON.parse made infinite. The walk stops at the depth limit, so a
 * 10,000-level object costs 32 levels.
 */
export function valueProblem(value: unknown, path: string, depth = 1): StorageProblem | null {
  if (typeof value === 'string') return isWellFormed(value) ? null : { field: path, reason: LONE_SURROGATE };
  if (typeof value === 'number') return Number.isFinite(value) ? null : { field: path, reason: 'a number too large for a double (such as 1e400)' };
  if (typeof value !== 'object' || value === null) return null;
  // The top-level field is named: the path down to level 33 says nothing more.
  if (depth > MAX_DEPTH) return { field: path.split('.', 1)[0] ?? path, reason: `nested deeper than ${MAX_DEPTH} levels of objects and arrays` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = valueProblem(value[i], join(path, String(i)), depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  for (const key in value) {
    if (!isWellFormed(key)) return { field: path, reason: `a key is ${LONE_SURROGATE}` };
    const problem = valueProblem((value as Record<string, unknown>)[key], join(path, key), depth + 1);
    if (problem) return problem;
  }
  return null;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

// The checks below run on every message: the field's path is only built for a problem found.

/** The first of `names` whose text is over MAX_ID_LENGTH (a number's text is always shorter). */
function longKey(source: Record<string, unknown>, names: readonly string[]): string | null {
  for (const name of names) {
    const value = source[name];
    if (typeof value === 'string' && value.length > MAX_ID_LENGTH && value.trim().length > MAX_ID_LENGTH) return name;
  }
  return null;
}

const tooLong = (field: string): StorageProblem => ({ field, reason: `at most ${MAX_ID_LENGTH} characters` });

/** Why a money value the mapping would store (a number or a numeric text, as `num` reads it) would not fit. */
function moneyReason(value: unknown): string | null {
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a number too large for a double (such as 1e400)';
  const n = typeof value === 'number' ? value : num(value);
  return n !== null && Math.abs(n) >= MONEY_LIMIT ? `an amount must be below ${MONEY_LIMIT.toExponential()} (money is stored with 14 digits before the point)` : null;
}

function moneyProblem(source: Record<string, unknown>, names: readonly string[], at: () => string): StorageProblem | null {
  for (const name of names) {
    if (source[name] === undefined) continue;
    const reason = moneyReason(source[name]);
    if (reason) return { field: `${at()}.${name}`, reason };
  }
  return null;
}

function productProblem(product: Record<string, unknown>, at: () => string): StorageProblem | null {
  const key = longKey(product, MAPPED_FIELDS.productKeys);
  if (key !== null) return tooLong(`${at()}.${key}`);
  const money = moneyProblem(product, MAPPED_FIELDS.productMoney, at);
  if (money) return money;
  const quantity = num(product.quantity);
  if (quantity !== null && Math.abs(Math.trunc(quantity)) > MAX_QUANTITY) return { field: `${at()}.quantity`, reason: `at most ${MAX_QUANTITY.toLocaleString('en')} units a line` };
  const units = quantity !== null && quantity >= 1 ? Math.trunc(quantity) : 1;
  for (const name of MAPPED_FIELDS.productMoney) {
    const amount = num(product[name]);
    if (amount !== null && Math.abs(amount * units) >= MONEY_LIMIT) {
      return { field: `${at()}.${name}`, reason: `quantity x ${name} must be below ${MONEY_LIMIT.toExponential()} (the line's amount is money too)` };
    }
  }
  return null;
}

/** context.campaign.id/name, stored as a campaign id when the properties name none. */
function contextCampaignProblem(context: Record<string, unknown>): StorageProblem | null {
  const key = longKey(obj(context.campaign), MAPPED_FIELDS.contextCampaignKeys);
  return key !== null ? tooLong(`context.campaign.${key}`) : null;
}

function orderProblem(props: Record<string, unknown>, context: Record<string, unknown>): StorageProblem | null {
  const key = longKey(props, MAPPED_FIELDS.orderKeys);
  if (key !== null) return tooLong(`properties.${key}`);
  const campaign = contextCampaignProblem(context);
  if (campaign) return campaign;
  const money = moneyProblem(props, MAPPED_FIELDS.orderMoney, () => 'properties');
  if (money || !Array.isArray(props.products)) return money;
  const products: unknown[] = props.products;
  for (let i = 0; i < products.length; i++) {
    const problem = productProblem(obj(products[i]), () => `properties.products.${i}`);
    if (problem) return problem;
  }
  return null;
}

function identifyProblem(traits: Record<string, unknown>, context: Record<string, unknown>, now: number): StorageProblem | null {
  for (const name of MAPPED_FIELDS.traitDates) {
    const value = traits[name];
    // Absent or blank: the mapping stores nothing of it.
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) continue;
    const reason = typeof value === 'string' ? dateProblem(value.trim(), now) : 'expected an ISO 8601 date such as 1980-05-01';
    if (reason) return { field: `traits.${name}`, reason };
  }
  const key = longKey(traits, MAPPED_FIELDS.traitIds);
  if (key !== null) return tooLong(`traits.${key}`);
  if (!Array.isArray(context.externalIds)) return null;
  const externalIds: unknown[] = context.externalIds;
  for (let i = 0; i < externalIds.length; i++) {
    if (longKey(obj(externalIds[i]), ['id']) !== null) return tooLong(`context.externalIds.${i}.id`);
  }
  return null;
}

/**
 * The fields the mapping stores in typed columns and keys (dates, money, quantities,
 * identifiers, order and campaign ids), checked as the mapping reads them.
 */
export function mappedFieldProblem(message: Record<string, unknown>, now = Date.now()): StorageProblem | null {
  if (message.type === 'identify') return identifyProblem(obj(message.traits), obj(message.context), now);
  if (message.type !== 'track') return null;
  const event = typeof message.event === 'string' ? message.event.trim() : '';
  const props = obj(message.properties);
  if (event === 'Order Completed') return orderProblem(props, obj(message.context));
  if (!EMAIL_EVENTS.has(event)) return null;
  const key = longKey(props, MAPPED_FIELDS.emailKeys);
  return key !== null ? tooLong(`properties.${key}`) : contextCampaignProblem(obj(message.context));
}
