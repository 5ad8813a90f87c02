/**
 * Identity fragmentation as real files show it: one record per source system a person used,
 * each holding part of his declared data and his identifiers, spelt as that system writes them.
 */
import { addressVariant } from './address.js';
import { formatTimestamp, DAY, END } from './calendar.js';
import { DOMAIN_TYPOS, PLACES, withoutAccents } from './france.js';
import type { CustomerRecord, Identifier, Person } from './person.js';
import type { Rng } from './prng.js';
import { money, text, type Rows } from './rows.js';
import type { Source, World } from './world.js';

/** Share of records whose email carries a real typo (normalisation cannot reconcile it). */
export const EMAIL_TYPO_SHARE = 0.003;

export function createRecord(world: World, rng: Rng, person: Person, source: Source, signupAt: number): CustomerRecord {
  const identifiers: Identifier[] = [];
  const add = (type: Identifier['type'], value: string, at = signupAt): void => {
    identifiers.push({ type, value, at });
  };
  const later = (): number => (rng.chance(0.15) ? signupAt + rng.next() * (END - signupAt) : signupAt);
  const i = person.index;
  let wantsEmail: number;
  let wantsPhone: number;
  if (source === 'store') {
    add('loyalty_card', world.loyaltyCard(i));
    [wantsEmail, wantsPhone] = [0.65, 0.75];
  } else if (source === 'web') {
    add('account_id', world.accountId(i));
    [wantsEmail, wantsPhone] = [1, 0.4];
  } else if (source === 'callcenter') {
    add('external_id', world.crmId(i, source));
    [wantsEmail, wantsPhone] = [0.3, 1];
  } else {
    add('external_id', world.crmId(i, source));
    [wantsEmail, wantsPhone] = [1, 0.2];
  }
  let email: string | null = null;
  let emailBroken = false;
  if (person.email && rng.chance(wantsEmail)) {
    emailBroken = rng.chance(EMAIL_TYPO_SHARE);
    email = emailBroken ? emailTypo(rng, person.email) : emailVariant(rng, person.email, source);
    add('email', email, source === 'web' ? signupAt : later());
  }
  let phone: string | null = null;
  if (person.phone && rng.chance(wantsPhone)) {
    phone = phoneVariant(rng, person.phone, PLACES[person.base.place]?.country ?? 'FR', source);
    add('phone', phone, later());
  }
  return {
    id: world.recordId(source, i), source, signupAt, signupSource: source, acquisitionCost: null, email, emailBroken,
    phone, identifiers, orders: 0, tickets: 0, contacts: 0, surveys: 0,
  };
}

/** How a cashier, a web form or an agent writes an email; all normalise to the same address. */
export function emailVariant(rng: Rng, email: string, source: Source): string {
  const u = rng.next();
  const [canonical, capitalised, upper] = source === 'web' ? [0.8, 1, 1] : source === 'store' ? [0.35, 0.6, 0.85] : [0.55, 0.75, 1];
  if (u < canonical) return email;
  if (u < capitalised) return email.replace(/(^|[._@])([a-z])/g, (_, sep: string, c: string) => `${sep}${c.toUpperCase()}`);
  if (u < upper) return email.toUpperCase();
  return ` ${email} `;
}

function emailTypo(rng: Rng, email: string): string {
  const at = email.indexOf('@');
  const domain = email.slice(at + 1);
  const typo = DOMAIN_TYPOS[domain];
  if (typo && rng.chance(0.5)) return `${email.slice(0, at)}@${typo}`;
  // Two neighbouring letters of the local part swapped.
  const k = 1 + rng.int(Math.max(1, at - 2));
  const swapped = `${email.slice(0, k - 1)}${email.charAt(k)}${email.charAt(k - 1)}${email.slice(k + 1)}`;
  // Swapping two equal letters changes nothing: drop one instead.
  return swapped === email ? `${email.slice(0, k)}${email.slice(k + 1)}` : swapped;
}

const CALLING_CODE = { FR: '33', BE: '32', CH: '41' } as const;

/** "06 12 34 56 78", "0612345678", "06.12.34.56.78", "+33 6 12 34 56 78" or "+33612345678". */
export function phoneVariant(rng: Rng, nsn: string, country: keyof typeof CALLING_CODE, source: Source): string {
  const weights = source === 'web' ? [0.15, 0.35, 0, 0.15, 0.35] : source === 'store' ? [0.4, 0.3, 0.15, 0.05, 0.1] : [0.3, 0.5, 0, 0.1, 0.1];
  let u = rng.next();
  let format = 0;
  while (format < weights.length - 1 && u >= (weights[format] ?? 0)) u -= weights[format++] ?? 0;
  const national = `0${nsn}`;
  const pairs = (s: string, sep: string): string => s.replace(/(\d\d)(?=\d)/g, `$1${sep}`);
  switch (format) {
    case 0:
      return pairs(national, ' ');
    case 1:
      return national;
    case 2:
      return pairs(national, '.');
    case 3:
      return `+${CALLING_CODE[country]} ${nsn.charAt(0)} ${pairs(nsn.slice(1), ' ')}`;
    default:
      return `+${CALLING_CODE[country]}${nsn}`;
  }
}

// Share of records of each source that carry each declared field.
const FILL: Record<Source, readonly number[]> = {
  // names, birth date, gender, household, address, socio-professional, income, interests
  store: [0.97, 0.4, 0.7, 0.15, 0.9, 0.1, 0.05, 0.05],
  web: [1, 0.6, 0.5, 0.35, 0.8, 0.2, 0.2, 0.45],
  callcenter: [1, 0.1, 0.6, 0.05, 0.95, 0.02, 0.02, 0],
  partner: [0.7, 0.5, 0.5, 0.5, 0.9, 0.4, 0.5, 0.3],
};

/**
 * customers, identifiers and their ground truth for the person's records. A web or call-centre
 * record that has ordered holds the delivery address (an order cannot ship without one); other
 * records declare theirs with the source's fill rate. `noise` spells the street addresses.
 */
export function writeRecords(rows: Rows, rng: Rng, person: Person, records: readonly CustomerRecord[], noise: Rng): void {
  const p = person.profile;
  for (const record of records) {
    const fill = FILL[record.source];
    const show = (k: number): boolean => rng.chance(fill[k] ?? 0);
    let updatedAt = rng.chance(0.3) ? record.signupAt + rng.next() * (END - Math.max(0, record.signupAt)) : record.signupAt;
    if (updatedAt < record.signupAt) updatedAt = record.signupAt;
    // A move shows on the records created after it, and on half of those that learn of it later.
    let place = p.previousPlace;
    if (record.signupAt >= p.movedAt) place = p.place;
    else if (p.movedAt < END && rng.chance(0.5)) {
      place = p.place;
      updatedAt = Math.max(updatedAt, Math.min(END - 1, p.movedAt + rng.next() * 30 * DAY));
    }
    const where = PLACES[place];
    const names = show(0);
    let first = person.base.firstName;
    let last = person.lastName;
    if (record.source === 'store' && rng.chance(0.5)) last = last.toUpperCase();
    if (record.source === 'callcenter' && rng.chance(0.3)) [first, last] = [first.toUpperCase(), last.toUpperCase()];
    if (record.source !== 'web' && rng.chance(0.35)) [first, last] = [withoutAccents(first), withoutAccents(last)];
    const household = show(3);
    const declared = show(4);
    const delivered = (record.source === 'web' || record.source === 'callcenter') && record.orders > 0;
    const address = (declared || delivered) && where !== undefined;
    const street = address ? addressVariant(noise, place === p.place ? person.home.current : person.home.previous, record.source) : '';
    const interests = show(7) ? p.interests.filter(() => rng.chance(0.75)).join(';') : '';
    rows.tables.customers.add(
      `${record.id},${record.source},${names ? text(first) : ''},${names ? text(last) : ''},${show(1) ? p.birthDate : ''},` +
        `${show(2) ? person.gender : ''},${household ? p.householdSize : ''},${household ? p.children : ''},` +
        `${text(street)},${address ? where.postcode : ''},${address ? text(where.city) : ''},${address ? where.country : ''},` +
        `${show(5) ? p.socioProfessional : ''},${show(6) ? text(p.incomeBand) : ''},${interests},${record.signupSource},` +
        `${formatTimestamp(record.signupAt)},${record.acquisitionCost === null ? '' : money(record.acquisitionCost)},` +
        `${formatTimestamp(updatedAt)}\n`,
    );
    rows.truth.records.add(`${record.id},${person.id},${record.source}\n`);
    for (const identifier of record.identifiers) {
      const value = text(identifier.value);
      rows.tables.identifiers.add(
        `${record.id},${identifier.type},${value},${identifier.type === 'anonymous_id' ? 'web_analytics' : record.source},${formatTimestamp(identifier.at)}\n`,
      );
      rows.truth.identifiers.add(`${record.id},${identifier.type},${value},${person.id}\n`);
    }
  }
}
