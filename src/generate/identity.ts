import type { Person } from './people.js';
import type { Rng } from './random.js';
import { csvText } from './writer.js';
import type { World } from './world.js';

export type RecordSource = 'store' | 'web' | 'callcenter';

/** One customer record of a person in one source system. */
export interface CustomerRecord {
  readonly id: string;
  readonly source: RecordSource;
  readonly createdAt: number;
  signupSource: string;
  readonly identifiers: { type: string; value: string; at: number }[];
}

const PREFIX: Record<RecordSource, string> = { store: 'S', web: 'W', callcenter: 'C' };

export function newRecord(world: World, source: RecordSource, at: number): CustomerRecord {
  return { id: world.nextId(PREFIX[source], 7), source, createdAt: at, signupSource: source, identifiers: [] };
}

/** Spelling variants a cashier, a web form or an agent produce; all normalise to the same email. */
export function emailVariant(rng: Rng, local: string, domain: string, source: RecordSource): string {
  const canonical = `${local}@${domain}`;
  const roll = rng.next();
  if (source === 'web') return roll < 0.75 ? canonical : capitalised(local, domain);
  if (roll < 0.35) return canonical;
  if (roll < 0.6) return capitalised(local, domain);
  if (roll < 0.8) return canonical.toUpperCase();
  return ` ${canonical} `;
}

function capitalised(local: string, domain: string): string {
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  return `${local.split('.').map(cap).join('.')}@${cap(domain)}`;
}

/** A true typo (two letters swapped): normalisation cannot reconcile it. */
export function emailTypo(local: string, domain: string): string {
  if (local.length < 3) return `${local}x@${domain}`;
  const i = 1;
  return `${local.slice(0, i)}${local.charAt(i + 1)}${local.charAt(i)}${local.slice(i + 2)}@${domain}`;
}

/** The French phone formats found in real files, from "06 12 34 56 78" to "+33612345678". */
export function phoneVariant(rng: Rng, digits: string): string {
  const pairs = `0${digits}`.match(/../g) ?? [];
  switch (rng.int(5)) {
    case 0:
      return pairs.join(' ');
    case 1:
      return `0${digits}`;
    case 2:
      return `+33 ${digits.charAt(0)} ${digits.slice(1).match(/../g)?.join(' ') ?? ''}`;
    case 3:
      return `+33${digits}`;
    default:
      return pairs.join('.');
  }
}

/** Writes a person's records: customers rows, identifiers, and their ground truth. */
export function writeRecords(world: World, person: Person, records: readonly CustomerRecord[], acquisitionCost: number, moveAt: number | null): void {
  const { rng, time } = world;
  const p = person.profile;
  const latest = records.reduce((a, r) => (r.createdAt > a.createdAt ? r : a), records[0] as CustomerRecord);
  records.forEach((record, i) => {
    const fill = FILL[record.source];
    const moved = p.movedTo !== null && moveAt !== null && record === latest && records.length > 1;
    const city = moved && p.movedTo ? p.movedTo : p.city;
    const opt = (share: number, value: string): string => (rng.chance(share) ? value : '');
    const updatedAt = moved && moveAt !== null ? Math.max(moveAt, record.createdAt) : record.createdAt;
    world.tables.customers.row(
      [
        record.id,
        record.source,
        csvText(p.firstName),
        csvText(p.lastName),
        opt(fill.birth, p.birthDate),
        opt(fill.gender, p.gender),
        opt(fill.household, String(p.householdSize)),
        opt(fill.household, String(p.children)),
        opt(fill.address, city.postcode),
        opt(fill.address, csvText(city.name)),
        opt(fill.address, city.country),
        p.socio === 'retired' ? opt(fill.socio * 1.5, p.socio) : opt(fill.socio, p.socio),
        opt(fill.income, p.income),
        opt(fill.interests, p.interests.join(';')),
        record.signupSource,
        time.timestamp(record.createdAt),
        i === 0 ? acquisitionCost.toFixed(2) : '',
        time.timestamp(updatedAt),
      ].join(','),
    );
    world.truthRecords.row(`${record.id},${person.index}`);
    for (const identifier of record.identifiers) {
      const value = csvText(identifier.value);
      world.tables.identifiers.row(`${record.id},${identifier.type},${value},${record.source},${time.timestamp(identifier.at)}`);
      world.truthIdentifiers.row(`${record.id},${identifier.type},${value},${person.index}`);
    }
  });
}

const FILL: Record<RecordSource, { birth: number; gender: number; household: number; address: number; socio: number; income: number; interests: number }> = {
  store: { birth: 0.4, gender: 0.7, household: 0.2, address: 0.9, socio: 0, income: 0, interests: 0.1 },
  web: { birth: 0.7, gender: 0.8, household: 0.5, address: 0.8, socio: 0.4, income: 0.3, interests: 0.6 },
  callcenter: { birth: 0.1, gender: 0.5, household: 0, address: 0.6, socio: 0, income: 0, interests: 0 },
};
