/**
 * One person's whole history, from his base draws to his rows in every file. A pure function
 * of (seed, index): the same person comes out whatever batch or worker generates him.
 */
import { homeAddresses } from './address.js';
import { bgNbdPurchases } from './btyd.js';
import { DAY, END, PURCHASE_SEASONALITY, WEEK, WINDOW_WEEKS, formatTimestamp } from './calendar.js';
import { beta } from './distributions.js';
import { createRecord, writeRecords } from './identity.js';
import { writeMarketing } from './marketing.js';
import { drawAppAdoption, planOrders, writeOrders } from './orders.js';
import { sourceOfChannel, type CustomerRecord, type Order, type Person } from './person.js';
import { ACQUISITION_COST, type BirthChannel, type PersonBase } from './population.js';
import { drawProfile } from './profile.js';
import { Rng } from './prng.js';
import type { Rows } from './rows.js';
import { writeService } from './service.js';
import { personId, writePersonTruth } from './truth.js';
import { writeAnonymousVisitor, writeWeb } from './web.js';
import { STREAM, type Source, type World } from './world.js';

const EMAIL_SHARE = [0.99, 0.97, 0.85, 0.3];
/** Where the acquiring record says the person came from, by first channel. */
const SIGNUP_SOURCES: Record<BirthChannel, readonly (readonly [string, number])[]> = {
  store: [['store', 0.88], ['contest', 0.12]],
  web: [['web', 0.6], ['newsletter', 0.15], ['contest', 0.1], ['partner', 0.15]],
  phone: [['callcenter', 0.6], ['mail', 0.4]],
};

export function generatePerson(world: World, index: number, rows: Rows): void {
  const base = world.population.base(index);
  const rng = Rng.of(world.seed, STREAM.life, index);
  const partner = base.sharesEmail ? world.population.base(index - 1) : null;
  const profile = drawProfile(rng, base, partner);
  const repeats: number[] = [];
  const death = bgNbdPurchases(rng, base.lambda, base.dropout, base.birth / WEEK, WINDOW_WEEKS, repeats, PURCHASE_SEASONALITY);
  const person: Person = {
    index,
    id: personId(index),
    base,
    profile,
    lastName: partner?.lastName ?? base.lastName,
    email: rng.chance(EMAIL_SHARE[base.typeIndex] ?? 0.9) ? (partner?.email ?? base.email) : null,
    phone: rng.chance(0.92) ? base.phone : null,
    gender: rng.chance(0.004) ? 'X' : base.female ? 'F' : 'M',
    home: homeAddresses(world.seed, STREAM.address, partner?.index ?? index, Number.isFinite(profile.movedAt)),
    satisfaction: base.costly ? beta(rng, 2, 4) : beta(rng, 6, 2),
    appAdoption: drawAppAdoption(rng, base.typeIndex),
    deathAt: Infinity,
  };
  const orders = planOrders(world, rng, person, repeats);
  if (Number.isFinite(death)) person.deathAt = orders[orders.length - 1]?.at ?? Infinity;
  // A web or app buyer has an email; a phone buyer gave his number.
  if (!person.email && orders.some((o) => o.channel === 'web' || o.channel === 'app')) person.email = partner?.email ?? base.email;
  if (!person.phone && orders.some((o) => o.channel === 'phone')) person.phone = base.phone;

  const records = openRecords(world, rng, person, orders);
  const list = Object.values(records).sort((a, b) => a.signupAt - b.signupAt);
  const acquiring = orders[0]?.record;
  let referredBy = -1;
  if (acquiring) {
    referredBy = base.referred ? pickReferrer(world, rng, base) : -1;
    const [source] = referredBy >= 0 ? ['referral'] : pickSource(rng, SIGNUP_SOURCES[base.birthChannel]);
    acquiring.signupSource = source;
    acquiring.acquisitionCost = Math.round((ACQUISITION_COST[source] ?? 5) * (0.8 + 0.4 * rng.next()) * 100) / 100;
    if (referredBy >= 0) {
      const referrer = world.recordId(sourceOfBirth(world.population.base(referredBy).birthChannel), referredBy);
      rows.tables.referrals.add(`${referrer},${acquiring.id},${formatTimestamp(acquiring.signupAt)}\n`);
    }
  }
  if (records.web) writeWeb(rows, world, Rng.of(world.seed, STREAM.web, index), person, records.web, orders);
  writeAnonymousVisitor(rows, world, Rng.of(world.seed, STREAM.anonymous, index), index);
  writeMarketing(rows, Rng.of(world.seed, STREAM.marketing, index), person, list, orders, world.campaigns);
  writeService(rows, Rng.of(world.seed, STREAM.service, index), person, orders, records);
  writeOrders(rows, rng, person, orders);
  writeRecords(rows, rng, person, list, Rng.of(world.seed, STREAM.addressNoise, index));
  writePersonTruth(rows, person, orders, list, referredBy, partner?.index ?? -1);
}

/** Records are opened where the person buys, plus accounts and files that hold no order. */
function openRecords(world: World, rng: Rng, person: Person, orders: readonly Order[]): Partial<Record<Source, CustomerRecord>> {
  const records: Partial<Record<Source, CustomerRecord>> = {};
  const { base } = person;
  orders.forEach((order, k) => {
    const source = sourceOfChannel(order.channel);
    let record = records[source];
    if (!record) {
      let signupAt = source === 'web' ? order.at - 60 - rng.next() * 240 : order.at;
      // The existing base has had its card or account for years before the datamart started.
      if (k === 0 && base.existingBase) signupAt = -(0.5 + 7.5 * rng.next()) * 365 * DAY;
      record = createRecord(world, rng, person, source, signupAt);
      if (order.channel === 'app') record.signupSource = 'app';
      records[source] = record;
    }
    order.record = record;
    order.id = `O${record.id}-${++record.orders}`;
  });
  const open = (source: Source, signupSource: string, from: number, to: number): void => {
    if (records[source] || to <= from) return;
    const record = createRecord(world, rng, person, source, from + rng.next() * (to - from));
    record.signupSource = signupSource;
    records[source] = record;
  };
  const t = base.typeIndex;
  if (person.email && t <= 1 && rng.chance(0.25)) open('web', 'newsletter', base.birth, END - 7 * DAY);
  if (person.phone && t >= 2 && rng.chance(0.04)) open('callcenter', 'callcenter', base.birth, END - DAY);
  if (person.email && t <= 2 && rng.chance(0.03)) open('partner', 'partner', 0, END - 30 * DAY);
  return records;
}

function pickSource(rng: Rng, choices: readonly (readonly [string, number])[]): readonly [string, number] {
  let u = rng.next();
  for (const choice of choices) {
    u -= choice[1];
    if (u < 0) return choice;
  }
  return choices[choices.length - 1] ?? ['store', 1];
}

function sourceOfBirth(channel: BirthChannel): Source {
  return channel === 'store' ? 'store' : channel === 'web' ? 'web' : 'callcenter';
}

/** An earlier customer, engaged ones far more often (faithful, technophiles, frequent buyers). */
function pickReferrer(world: World, rng: Rng, base: PersonBase): number {
  const before = Math.floor(base.birth / DAY) * DAY;
  const t = world.population.thresholds;
  for (let attempt = 0; attempt < 40 && base.index > 0; attempt++) {
    const j = rng.int(base.index);
    const candidate = world.population.base(j);
    if (candidate.birth >= before) continue;
    const weight = candidate.faithfulSmall ? 1 : candidate.lambda >= t.lambdaMedian ? 0.5 : candidate.typeIndex === 0 ? 0.4 : 0.05;
    if (rng.chance(weight)) return j;
  }
  return -1;
}
