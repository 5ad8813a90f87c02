import type { Config } from '../../config/index.js';
import { latestConsents, personRecords, type LatestConsentRow } from '../../consent/index.js';
import { sql, type Engine } from '../../store/index.js';
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

/**
 * Every contact is re-checked just before it leaves, whatever its plan said: things change between
 * planning and sending (an Unsubscribed event, a complaint, another campaign's send).
 *
 * Consent is read live from the consents history over all his records (src/consent: latest event
 * wins, a tie goes to opt_out, no event is `unknown`, which is not consent), so a withdrawal
 * collected a second ago counts even though no `fidelis run` has followed it.
 */
export async function checkBeforeSend(engine: Engine, config: Config, contacts: readonly PlannedContact[], now: Date): Promise<Map<string, SendVerdict>> {
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

  // ---------------------------------------------------------------------------------------------
  // PRESSURE CHECK — to be wired by the coordinator when src/activation/pressure lands (h-pressure):
  //   await contactAllowance(engine, config, { asOf: now });
  //   then, for each contact still ok, read contact_allowance for (person_id, channel) and
  //   (person_id, 'all'): a blocked_reason (cool-down, exclusion, tier treatment) => hold with that
  //   key and reason_params; used > cap (the planned contact is already counted in `used`, so
  //   remaining = 0 alone is NOT a refusal) => hold 'pressure.capped';
  //   and isQuietTime(config, now, person) => hold 'pressure.quiet_hours' with
  //   { next: nextAllowedSendTime(config, now, person).toISOString() }.
  // Held contacts stay planned (verdict action 'hold'); the send loop already counts them.
  // ---------------------------------------------------------------------------------------------
  void config;
  void now;
  return verdicts;
}
