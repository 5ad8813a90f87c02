import type { Customer360 } from './customer-360.js';
import type { CustomerPage } from './customers.js';

/**
 * What a viewer without the `identifiers` permission (the analyst role, src/server/roles.ts) gets
 * instead of a person's identifiers: every figure, class and date stays, but names, e-mails,
 * phones, street addresses, birth dates and source record ids are replaced. The person id stays:
 * it is the warehouse's own pseudonymous key, which names no one outside Fidelis and is what links
 * a figure to its 360.
 */
export const MASK = '•••';

/** Golden-record attributes that identify a person; the others (gender, city, household...) are kept. */
export const PERSONAL_ATTRIBUTES: readonly string[] = ['first_name', 'last_name', 'name', 'birth_date', 'street_address', 'postcode', 'email', 'phone'];

export function maskCustomerPage(page: CustomerPage): CustomerPage & { masked: true } {
  return { ...page, rows: page.rows.map((r) => ({ ...r, name: null, email: null, phone: null })), masked: true };
}

type Profile = Record<string, unknown> & {
  records?: unknown;
  profile?: Record<string, { value: unknown; source: string | null }>;
  identifiers?: { type: string; value: string; source: string | null }[];
  currentConsents?: Record<string, unknown>[];
  lastEvents?: Record<string, unknown>[];
};

export function maskCustomer360(card: Customer360): Customer360 & { masked: true } {
  const p = card.profile as Profile;
  // A source record's id is an identifier in its system; the system itself (store, web...) is not.
  const system = (record: string | null): string | null => (record === null ? null : card.recordSystems[record] ?? MASK);
  const profile: Profile = {
    ...p,
    // How many records he has is a figure; which ones is an identifier in a source system.
    records: Array.isArray(p.records) ? p.records.map(() => MASK) : p.records,
    profile:
      p.profile &&
      Object.fromEntries(
        Object.entries(p.profile).map(([key, entry]) => [key, { value: PERSONAL_ATTRIBUTES.includes(key) && entry.value !== null ? MASK : entry.value, source: system(entry.source) }]),
      ),
    identifiers: p.identifiers?.map((i) => ({ type: i.type, value: MASK, source: i.source === null ? null : MASK })),
    currentConsents: p.currentConsents?.map((c) => ({ ...c, record: c.record === null || c.record === undefined ? null : MASK })),
    // An event's properties are free form: a form's e-mail, a name typed in a search.
    lastEvents: p.lastEvents?.map((e) => ({ ...e, properties: null })),
  };
  return { ...card, profile, recordSystems: {}, masked: true };
}
