import type { ContactChannel } from '../../consent/index.js';
import type { PlannedContact } from './contacts.js';

/** Columns every exported or posted contact has, then the ones its channel's sender needs. */
export const COMMON_FIELDS = ['contact_id', 'campaign_id', 'campaign_name', 'channel', 'person_id', 'planned_at'] as const;

export const CHANNEL_FIELDS: Readonly<Record<ContactChannel, readonly string[]>> = {
  email: ['email', 'first_name', 'last_name', 'unsubscribe_url'],
  sms: ['phone', 'first_name'],
  mail: ['first_name', 'last_name', 'street_address', 'postcode', 'city', 'country'],
  phone: ['phone', 'first_name', 'last_name'],
  push: ['user_id', 'anonymous_id'],
};

export const fieldsOf = (channel: ContactChannel): readonly string[] => [...COMMON_FIELDS, ...CHANNEL_FIELDS[channel]];

/** The record a sender receives for one contact: the common fields and his channel's, nothing else of him. */
export function senderRecord(contact: PlannedContact, unsubscribeUrl: string | null): Record<string, string | null> {
  const values: Record<string, string | null> = {
    contact_id: contact.contact_id,
    campaign_id: contact.campaign_id,
    campaign_name: contact.campaign_name,
    channel: contact.channel,
    person_id: contact.person_id ?? contact.record_id,
    planned_at: contact.planned_at instanceof Date ? contact.planned_at.toISOString() : String(contact.planned_at),
    email: contact.email,
    phone: contact.phone,
    first_name: contact.first_name,
    last_name: contact.last_name,
    street_address: contact.street_address,
    postcode: contact.postcode,
    city: contact.city,
    country: contact.country,
    user_id: contact.user_id,
    anonymous_id: contact.anonymous_id,
    unsubscribe_url: unsubscribeUrl,
  };
  return Object.fromEntries(fieldsOf(contact.channel).map((f) => [f, values[f] ?? null]));
}

/** Text a spreadsheet would run as a formula (OWASP CSV injection); phones such as +33... are left alone. */
const FORMULA = /^(?:[=@\t\r]|[+-](?![\d\s().]+$))/;

/**
 * RFC 4180 field, with the formula guard the segment export uses (src/dashboard/export.ts; the
 * activation layer may not import the dashboard, and this is four lines).
 */
export function csvField(value: string | null): string {
  if (value === null) return '';
  const s = FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const csvLine = (fields: readonly (string | null)[]): string => `${fields.map(csvField).join(',')}\r\n`;
