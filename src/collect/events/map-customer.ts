import { CONTACT_CHANNELS } from '../../store/index.js';
import type { TrackedEvent } from './envelope.js';
import type { RowSet } from './rows.js';
import { day, firstText, obj, text, type Json } from './values.js';

export const EVENT_SOURCE = 'events';

/** Customer record of a userId, or of an anonymousId when there is no userId. */
export function userRecordId(userId: string): string {
  return `evt:u:${userId}`;
}
export function anonymousRecordId(anonymousId: string): string {
  return `evt:a:${anonymousId}`;
}
export function recordIdOf(event: TrackedEvent): string {
  if (event.userId !== null) return userRecordId(event.userId);
  return anonymousRecordId(event.anonymousId ?? '');
}

function identifier(rows: RowSet, customerId: string, type: string, value: string | null, at: Date): void {
  if (value === null) return;
  rows.add('identifiers', { customer_id: customerId, type, value, source: EVENT_SOURCE, first_seen_at: at });
}

/**
 * Makes sure the event's customer record exists, with its own ids as identifiers. A message
 * carrying both a userId and an anonymousId links them: the anonymous id becomes an identifier of
 * the user's record.
 */
export function ensureRecord(rows: RowSet, event: TrackedEvent): string {
  const customerId = recordIdOf(event);
  rows.add('customers', { customer_id: customerId, source: EVENT_SOURCE });
  identifier(rows, customerId, 'user_id', event.userId, event.timestamp);
  identifier(rows, customerId, 'anonymous_id', event.anonymousId, event.timestamp);
  return customerId;
}

const GENDERS: Record<string, 'F' | 'M' | 'X'> = {
  f: 'F', female: 'F', woman: 'F', w: 'F', femme: 'F',
  m: 'M', male: 'M', man: 'M', homme: 'M', h: 'M',
  x: 'X', other: 'X', 'non-binary': 'X', nonbinary: 'X', autre: 'X',
};

function gender(value: unknown): 'F' | 'M' | 'X' | null {
  const s = text(value);
  return s === null ? null : (GENDERS[s.toLowerCase()] ?? null);
}

function country(value: unknown): string | null {
  const s = text(value);
  return s !== null && /^[A-Za-z]{2}$/.test(s) ? s.toUpperCase() : null;
}

function interests(value: unknown): string | null {
  if (Array.isArray(value)) {
    const items = value.map(text).filter((v): v is string => v !== null);
    return items.length > 0 ? items.join(';') : null;
  }
  return text(value);
}

const OPT_IN = new Set(['opt_in', 'opt-in', 'optin', 'in', 'granted', 'yes', 'true', 'subscribed']);
const OPT_OUT = new Set(['opt_out', 'opt-out', 'optout', 'out', 'denied', 'no', 'false', 'unsubscribed']);

function consentStatus(value: unknown): 'opt_in' | 'opt_out' | null {
  if (typeof value === 'boolean') return value ? 'opt_in' : 'opt_out';
  const s = text(value)?.toLowerCase();
  if (s === undefined || s === null) return null;
  if (OPT_IN.has(s)) return 'opt_in';
  if (OPT_OUT.has(s)) return 'opt_out';
  return null;
}

/**
 * Consents: `traits.consents` ({email: 'opt_in', sms: false...}) and Segment's consent object
 * `context.consent.categoryPreferences`, for keys that are contact channels.
 */
export function addConsents(rows: RowSet, customerId: string, preferences: Json, at: Date, source: string): void {
  for (const [channel, value] of Object.entries(preferences)) {
    const normalised = channel.toLowerCase();
    if (!(CONTACT_CHANNELS as readonly string[]).includes(normalised)) continue;
    const status = consentStatus(value);
    if (status === null) continue;
    rows.add('consents', { customer_id: customerId, channel: normalised, status, at, source });
  }
}

/** identify: traits to the customer record, its identifiers and consents. */
export function mapIdentify(rows: RowSet, event: TrackedEvent): string[] {
  const customerId = ensureRecord(rows, event);
  const traits = obj((event.message as { traits?: unknown }).traits);
  const address = obj(traits.address);
  rows.add('customers', {
    customer_id: customerId,
    source: EVENT_SOURCE,
    first_name: firstText(traits, 'firstName', 'first_name'),
    last_name: firstText(traits, 'lastName', 'last_name'),
    birth_date: day(traits.birthday ?? traits.birth_date ?? traits.birthDate),
    gender: gender(traits.gender),
    // Segment's address trait has `street` (one line); the default match key needs it with the postcode.
    street_address: firstText(address, 'street', 'line1', 'street_address') ?? firstText(traits, 'street', 'streetAddress', 'street_address'),
    postcode: firstText(address, 'postalCode', 'postal_code', 'zip') ?? firstText(traits, 'postalCode', 'postal_code', 'postcode'),
    city: firstText(address, 'city') ?? firstText(traits, 'city'),
    country: country(address.country ?? traits.country),
    interests: interests(traits.interests),
    signup_at: day(traits.createdAt ?? traits.created_at) === null ? null : new Date(String(traits.createdAt ?? traits.created_at)),
    updated_at: event.timestamp,
  });
  identifier(rows, customerId, 'email', text(traits.email), event.timestamp);
  identifier(rows, customerId, 'phone', text(traits.phone), event.timestamp);
  identifier(rows, customerId, 'loyalty_card', firstText(traits, 'loyaltyCard', 'loyalty_card'), event.timestamp);
  identifier(rows, customerId, 'account_id', firstText(traits, 'accountId', 'account_id'), event.timestamp);
  addExternalIds(rows, customerId, event);
  const mapped = ['customers', 'identifiers'];
  const before = rows.count('consents');
  addConsents(rows, customerId, obj(traits.consents), event.timestamp, EVENT_SOURCE);
  addConsents(rows, customerId, obj(obj(obj(event.message.context).consent).categoryPreferences), event.timestamp, EVENT_SOURCE);
  if (rows.count('consents') > before) mapped.push('consents');
  return mapped;
}

/** Segment's context.externalIds: [{id, type}]; known types keep their type, others are external_id. */
function addExternalIds(rows: RowSet, customerId: string, event: TrackedEvent): void {
  const externalIds = obj(event.message.context).externalIds;
  if (!Array.isArray(externalIds)) return;
  for (const item of externalIds) {
    const entry = obj(item);
    const type = text(entry.type)?.toLowerCase() ?? '';
    const value = text(entry.id);
    const known = ['email', 'phone', 'loyalty_card', 'account_id'].includes(type) ? type : 'external_id';
    identifier(rows, customerId, known, value, event.timestamp);
  }
}

/** alias: previousId (in practice the anonymous id of the visitor before log-in) joins the user's record. */
export function mapAlias(rows: RowSet, event: TrackedEvent): string[] {
  const customerId = ensureRecord(rows, event);
  identifier(rows, customerId, 'anonymous_id', text((event.message as { previousId?: unknown }).previousId), event.timestamp);
  return ['customers', 'identifiers'];
}
