import { bgNbdPurchases, type BgNbdParams, type GammaGammaParams } from './btyd.js';
import { CATEGORIES } from './catalogue.js';
import { appAdoption, basket, orderChannel, purchaseTime, writeOrders, type Order } from './commerce.js';
import { emailTypo, emailVariant, newRecord, phoneVariant, writeRecords, type CustomerRecord, type RecordSource } from './identity.js';
import { writeMarketing } from './marketing.js';
import { drawPerson, missingCategories, type Person, type Profile } from './people.js';
import { writeService } from './service.js';
import { DAY, HORIZON, HORIZON_DAYS, HORIZON_WEEKS, SEASON_PEAK, WEEK, seasonalityAt } from './timeline.js';
import { writeWeb } from './web.js';
import type { World } from './world.js';

/** The population's true parameters (per week for BG/NBD, in EUR for Gamma-Gamma). */
export const POPULATION = {
  bgnbd: { r: 0.55, alpha: 9, a: 0.85, b: 3.5 } satisfies BgNbdParams,
  gammaGamma: { p: 3.2, q: 4, gamma: 85 } satisfies GammaGammaParams,
  initialBaseShare: 0.25,
  referralShare: 0.05,
  sharedEmailShare: 0.01,
  typoShare: 0.004,
};

const SIGNUP: Record<RecordSource, { sources: string[]; weights: number[] }> = {
  store: { sources: ['store', 'contest'], weights: [0.85, 0.15] },
  web: { sources: ['web', 'newsletter', 'partner'], weights: [0.7, 0.15, 0.15] },
  callcenter: { sources: ['phone'], weights: [1] },
};
const ACQUISITION_COST: Record<string, number> = { store: 4, contest: 6, web: 18, newsletter: 8, partner: 22, referral: 12, phone: 10 };

/** Generates everything about one person and writes it. */
export function generatePerson(world: World, index: number, recentProfiles: Profile[]): void {
  const { rng, time } = world;
  const shared = recentProfiles.length > 0 && rng.chance(POPULATION.sharedEmailShare) ? rng.pick(recentProfiles) : null;
  const person = drawPerson(rng, index, 2026, shared);
  if (recentProfiles.length < 64) recentProfiles.push(person.profile);
  else recentProfiles[rng.int(64)] = person.profile;

  const { r, alpha, a, b } = POPULATION.bgnbd;
  const birthWeek = rng.chance(POPULATION.initialBaseShare) ? rng.next() * 13 : rng.next() * (HORIZON_WEEKS - 0.5);
  let lambda = rng.gamma(r, alpha);
  let dropout = rng.beta(a, b);
  let nu = rng.gamma(POPULATION.gammaGamma.q, POPULATION.gammaGamma.gamma);
  if (person.faithfulSmall) {
    lambda = rng.gamma(8, 50);
    dropout = 0.01;
    nu *= 3;
  }
  if (person.costly) {
    lambda *= 1.3;
    nu /= 3;
  }
  const { times, death } = bgNbdPurchases(rng, lambda, dropout, HORIZON_WEEKS - birthWeek, { at: seasonalityAt, peak: SEASON_PEAK, offset: birthWeek });
  const adoption = appAdoption(rng, person.type);
  const records: Partial<Record<RecordSource, CustomerRecord>> = {};
  const orders: Order[] = [];
  for (const t of [0, ...times]) {
    const day = Math.min(HORIZON_DAYS - 1, Math.floor((birthWeek + t) * 7));
    const provisional = day * DAY;
    const channel = orderChannel(rng, person.type, provisional, adoption);
    const at = purchaseTime(rng, day, channel);
    const source: RecordSource = channel === 'store' ? 'store' : channel === 'phone' ? 'callcenter' : 'web';
    const record = records[source] ?? (records[source] = createRecord(world, person, source, at));
    const value = rng.gamma(POPULATION.gammaGamma.p, nu);
    orders.push({ id: world.nextId('O', 9), at, channel, record, lines: basket(world, person, value, at), campaignId: '' });
  }
  const birth = birthWeek * WEEK;
  const deathAt = Number.isFinite(death) ? (birthWeek + death) * WEEK : Infinity;
  const web = writeWeb(world, person, orders, records.web, birth, deathAt);
  if (web) records.web = web;
  const all = (['store', 'web', 'callcenter'] as const).map((s) => records[s]).filter((x): x is CustomerRecord => x !== undefined).sort((x, y) => x.createdAt - y.createdAt);
  const first = all[0] as CustomerRecord;

  let referredBy = '';
  if (birthWeek > 4 && world.referrers.length > 0 && rng.chance(POPULATION.referralShare)) {
    const referrer = rng.pick(world.referrers);
    referredBy = String(referrer.person);
    first.signupSource = 'referral';
    world.tables.referrals.row(`${referrer.record},${first.id},${time.timestamp(first.createdAt)}`);
  } else {
    const plan = SIGNUP[first.source];
    first.signupSource = plan.sources[rng.weighted(plan.weights)] as string;
  }
  if (lambda > 0.08 || person.faithfulSmall) {
    const entry = { record: first.id, person: index };
    if (world.referrers.length < 20_000) world.referrers.push(entry);
    else world.referrers[rng.int(20_000)] = entry;
  }

  writeMarketing(world, person, all, orders);
  const homeStore = (p: Profile['city']): string => `ST-${p.name.normalize('NFD').replace(/[^A-Za-z]/g, '').toUpperCase().slice(0, 6)}`;
  const moveAt = person.profile.movedTo ? first.createdAt + rng.next() * (HORIZON - first.createdAt) : null;
  writeOrders(world, person, orders, (at) => homeStore(moveAt !== null && at > moveAt && person.profile.movedTo ? person.profile.movedTo : person.profile.city));
  writeService(world, person, orders, first);
  const acquisition = (ACQUISITION_COST[first.signupSource] ?? 5) * (0.8 + 0.4 * rng.next());
  writeRecords(world, person, all, acquisition, moveAt);
  writeTruth(world, person, { lambda, dropout, nu, birth, deathAt, referredBy, orders: orders.length, adoption });
}

function createRecord(world: World, person: Person, source: RecordSource, at: number): CustomerRecord {
  const { rng } = world;
  const p = person.profile;
  const record = newRecord(world, source, at);
  const add = (type: string, value: string): void => {
    record.identifiers.push({ type, value, at });
  };
  const email = (): string =>
    rng.chance(POPULATION.typoShare) ? emailTypo(p.emailLocal, p.emailDomain) : emailVariant(rng, p.emailLocal, p.emailDomain, source);
  if (source === 'store') {
    add('loyalty_card', `LC${String(rng.int(1e9)).padStart(9, '0')}${rng.int(10)}`);
    if (rng.chance(0.7)) add('phone', phoneVariant(rng, p.phoneDigits));
    if (rng.chance(person.type === 'technonul' ? 0.2 : 0.5)) add('email', email());
  } else if (source === 'web') {
    add('account_id', `ACC-${record.id.slice(1)}`);
    add('email', email());
    if (rng.chance(0.35)) add('phone', phoneVariant(rng, p.phoneDigits));
  } else {
    add('external_id', `CRM-${record.id.slice(1)}`);
    add('phone', phoneVariant(rng, p.phoneDigits));
    if (rng.chance(0.25)) add('email', email());
  }
  return record;
}

interface Truth {
  lambda: number;
  dropout: number;
  nu: number;
  birth: number;
  deathAt: number;
  referredBy: string;
  orders: number;
  adoption: number;
}

function writeTruth(world: World, person: Person, t: Truth): void {
  const { time } = world;
  const preferred = person.preferences.map((p, i) => (p >= 0.15 ? CATEGORIES[i]?.name : undefined)).filter(Boolean).join(';');
  world.truthPersons.row(
    [
      person.index,
      person.type,
      person.preferredChannel,
      t.lambda.toPrecision(6),
      t.dropout.toPrecision(6),
      time.timestamp(t.birth),
      Number.isFinite(t.deathAt) && t.deathAt < HORIZON ? time.timestamp(t.deathAt) : '',
      t.nu.toPrecision(6),
      (POPULATION.gammaGamma.p / t.nu).toFixed(2),
      preferred,
      person.singleCategory === null ? '' : (CATEGORIES[person.singleCategory]?.name ?? ''),
      missingCategories(person).join(';'),
      person.costly ? 1 : 0,
      person.faithfulSmall ? 1 : 0,
      t.referredBy,
      t.orders,
      Number.isFinite(t.adoption) && t.adoption < HORIZON ? time.timestamp(t.adoption) : '',
    ].join(','),
  );
}
