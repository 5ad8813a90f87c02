import type { Config } from '../../config/index.js';
import { latestConsents, personRecords, type LatestConsentRow } from '../../consent/index.js';
import { sql, type Engine } from '../../store/index.js';
import { isQuietTime, nextAllowedSendTime } from '../pressure/index.js';
import type { PlannedContact } from './contacts.js';

/**
 * The re-check's answer for one contact. `cancel`: the plan is void for good (consent withdrawn
 * or never given, no address on the channel): the contact becomes cancelled, its reason kept in
 * delivery_attempts. `hold`: not now (quiet hours, a cap reached since it was planned): it stays
 * planned and the next send looks again.
 */
export type SendVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly action: 'cancel' | 'hold'; readonly reason: string; readonly params?: Record<string, string> };

/** Whether the contact carries what its channel needs to reach him. */
export function hasAddress(contact: PlannedContact): boolean {
  switch (contact.channel) {
    case 'email':
      return contact.email !== null;
    case 'sms':
    case 'phone':
      return contact.phone !== null;
    case 'mail':
      return contact.street_address !== null && contact.postcode !== null && contact.city !== null;
    case 'push':
      return contact.user_id !== null || contact.anonymous_id !== null;
  }
}

/** The person a consent is read for: his person id, or his record alone when identity never resolved it. */
const consentHolder = (c: PlannedContact): string => c.person_id ?? c.record_id;

/** What the pressure part computed for this send (see sendPlanned). */
export interface PressureInputs {
  /** A table shaped as `contact_allowance` (the pressure part's contract), computed at the send's start. */
  readonly allowanceTable?: string;
}

const CAPS = new Set(['pressure.capped', 'pressure.capped_all']);

/**
 * Holds the contacts the pressure policy refuses now: a cool-down, an exclusion, a tier treatment
 * or a cap. A cap counts planned contacts too, so this contact is already in `used`: a cap is
 * broken only when used > cap (remaining = 0 with used = cap is this very contact, allowed).
 * Pressure refusals hold (the contact stays planned) rather than cancel: a cool-down ends, a
 * window slides. Persons never resolved have no allowance row and are not held.
 */
async function holdByAllowance(engine: Engine, table: string, contacts: readonly PlannedContact[], verdicts: Map<string, SendVerdict>): Promise<void> {
  const persons = [...new Set(contacts.flatMap((c) => (c.person_id !== null && verdicts.get(c.contact_id)?.ok ? [c.person_id] : [])))];
  if (persons.length === 0) return;
  const rows = await engine.query<{ person_id: string; channel: string; used: number | bigint; cap: number | bigint | null; blocked_reason: string | null; reason_params: string | null }>(
    sql`SELECT person_id, channel, used, cap, blocked_reason, reason_params FROM ${sql.id(table)}
      WHERE blocked_reason IS NOT NULL AND person_id IN (${sql.join(persons.map((p) => sql`${p}`))})`,
  );
  const blocked = new Map(rows.map((r) => [`${r.person_id}\u0000${r.channel}`, r]));
  for (const contact of contacts) {
    if (contact.person_id === null || !verdicts.get(contact.contact_id)?.ok) continue;
    const row = blocked.get(`${contact.person_id}\u0000${contact.channel}`);
    if (row?.blocked_reason == null) continue;
    if (CAPS.has(row.blocked_reason) && row.cap !== null && Number(row.used) <= Number(row.cap)) continue;
    const params = Object.fromEntries(Object.entries(JSON.parse(row.reason_params ?? '{}') as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    verdicts.set(contact.contact_id, { ok: false, action: 'hold', reason: row.blocked_reason, params });
  }
}

/**
 * Every contact is re-checked just before it leaves, whatever its plan said: things change between
 * planning and sending (an Unsubscribed event, a complaint, another campaign's send).
 *
 * Consent is read live from the consents history over all his records (src/consent: latest event
 * wins, a tie goes to opt_out, no event is `unknown`, which is not consent), so a withdrawal
 * collected a second ago counts even though no `fidelis run` has followed it. Then the pressure
 * policy's verdicts (contact_allowance, when given) and quiet hours.
 */
export async function checkBeforeSend(
  engine: Engine,
  config: Config,
  contacts: readonly PlannedContact[],
  now: Date,
  pressure: PressureInputs = {},
): Promise<Map<string, SendVerdict>> {
  const verdicts = new Map<string, SendVerdict>();
  if (contacts.length === 0) return verdicts;
  const persons = [...new Set(contacts.flatMap((c) => (c.person_id === null ? [] : [c.person_id])))];
  const orphans = [...new Set(contacts.flatMap((c) => (c.person_id === null ? [c.record_id] : [])))];
  const scopes = [
    ...(persons.length > 0 ? [personRecords(sql`person_id IN (${sql.join(persons.map((p) => sql`${p}`))})`)] : []),
    ...(orphans.length > 0 ? [sql`SELECT customer_id AS person_id, customer_id AS record_id FROM customers WHERE customer_id IN (${sql.join(orphans.map((r) => sql`${r}`))})`] : []),
  ];
  const consents = await engine.query<LatestConsentRow & Record<string, unknown>>(latestConsents(engine.dialect, sql.join(scopes, ' UNION ALL ')));
  const status = new Map(consents.map((c) => [`${c.person_id}\u0000${c.channel}`, c.status]));
  for (const contact of contacts) {
    const consent = status.get(`${consentHolder(contact)}\u0000${contact.channel}`) ?? 'unknown';
    if (consent !== 'opt_in') verdicts.set(contact.contact_id, { ok: false, action: 'cancel', reason: consent === 'opt_out' ? 'consent.opt_out' : 'consent.unknown' });
    else if (!hasAddress(contact)) verdicts.set(contact.contact_id, { ok: false, action: 'cancel', reason: 'address.missing' });
    else verdicts.set(contact.contact_id, { ok: true });
  }

  if (pressure.allowanceTable !== undefined) await holdByAllowance(engine, pressure.allowanceTable, contacts, verdicts);
  // Quiet hours: nothing goes out while they last; the contact stays planned for the next send.
  const policy = config.activation.pressure;
  for (const contact of contacts) {
    if (verdicts.get(contact.contact_id)?.ok !== true || !isQuietTime(now, contact.channel, policy)) continue;
    verdicts.set(contact.contact_id, {
      ok: false, action: 'hold', reason: 'pressure.quiet_hours', params: { next: nextAllowedSendTime(now, contact.channel, policy).toISOString() },
    });
  }
  return verdicts;
}
