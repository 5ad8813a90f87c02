/**
 * The ground truth, written beside the data for tests and benchmarks only: who each record
 * really is, each person's true parameters and planted traits, and the population's parameters.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TableName } from '../store/index.js';
import { CATEGORIES, CATEGORY_NAMES } from './catalogue.js';
import { APP_LAUNCH, END, END_MS, EXISTING_BASE_WEEKS, SEASON_PEAK, START_MS, WEEK, WINDOW_WEEKS, formatDate, formatTimestamp } from './calendar.js';
import { CONTACT_UNIT_COST } from './campaigns.js';
import { EMAIL_TYPO_SHARE } from './identity.js';
import type { CustomerRecord, Order, Person } from './person.js';
import { ACQUISITION_COST, DIGITAL_TYPES, POPULATION, type Population } from './population.js';
import { real, type Rows } from './rows.js';
import { TICKET_COST, TICKET_TYPES } from './service.js';

export function personId(index: number): string {
  return `person-${String(index + 1).padStart(7, '0')}`;
}

const ts = (seconds: number): string => (Number.isFinite(seconds) && seconds < END ? formatTimestamp(seconds) : '');

export function writePersonTruth(
  rows: Rows,
  person: Person,
  orders: readonly Order[],
  records: readonly CustomerRecord[],
  referredBy: number,
  sharesEmailWith: number,
): void {
  const { base, profile } = person;
  const first = orders[0]?.at ?? base.birth;
  const last = orders[orders.length - 1]?.at ?? first;
  const preferred = [...profile.preferences.keys()]
    .filter((c) => (profile.preferences[c] ?? 0) >= 0.1)
    .sort((a, b) => (profile.preferences[b] ?? 0) - (profile.preferences[a] ?? 0))
    .map((c) => CATEGORY_NAMES[c])
    .join(';');
  const single = profile.singleCategory >= 0;
  rows.truth.persons.add(
    [
      person.id,
      base.type,
      profile.preferredChannel,
      base.existingBase ? 1 : 0,
      real(base.lambda),
      real(base.dropout),
      real(base.nu),
      real(POPULATION.gammaGamma.p / base.nu),
      ts(first),
      ts(person.deathAt),
      orders.length - 1,
      ts(last),
      real((END - first) / WEEK),
      preferred,
      single ? 1 : 0,
      single ? CATEGORY_NAMES[profile.singleCategory] : '',
      profile.missingCategories.map((c) => CATEGORY_NAMES[c]).join(';'),
      base.costly ? 1 : 0,
      base.faithfulSmall ? 1 : 0,
      referredBy >= 0 ? personId(referredBy) : '',
      sharesEmailWith >= 0 ? personId(sharesEmailWith) : '',
      ts(profile.movedAt),
      ts(person.appAdoption),
      records.map((r) => r.id).join(';'),
    ].join(',') + '\n',
  );
}

/** truth.json: the run, the calendar and every true parameter a model should recover. */
export function writeTruthSummary(dir: string, population: Population, rows: Record<TableName, number>, truthRows: Record<string, number>): void {
  const truth = {
    generator: 'fidelis generate',
    seed: population.seed,
    persons: population.size,
    start: formatDate(0),
    end: formatDate(END - 1),
    startIso: new Date(START_MS).toISOString(),
    endExclusiveIso: new Date(END_MS).toISOString(),
    timeUnit: 'week',
    observationWeeks: WINDOW_WEEKS,
    currency: 'EUR',
    appLaunch: formatDate(APP_LAUNCH),
    existingBase: { share: POPULATION.existingBaseShare, firstPurchaseWithinWeeks: EXISTING_BASE_WEEKS },
    bgNbd: POPULATION.bgNbd,
    gammaGamma: POPULATION.gammaGamma,
    purchaseProcess:
      'BG/NBD from each person\'s first purchase (birth), its Poisson rate thinned by a daily seasonality of mean 1 ' +
      `over the window (peak ${SEASON_PEAK.toFixed(2)}); order value ~ Gamma(p, nu), nu ~ Gamma(q, gamma). Costly and ` +
      'faithful-small persons are selected inside this population (no separate draws), so the parameters hold for all.',
    digitalTypeShares: Object.fromEntries(DIGITAL_TYPES.map((t, k) => [t, POPULATION.digitalTypeShares[k]])),
    plantedShares: {
      costly: POPULATION.costlyShare,
      faithfulSmall: 'about 0.05: lambda >= median, dropout <= 35th percentile, mean spend < median, first purchase in the first 60 weeks',
      singleCategory: POPULATION.singleCategoryShare,
      referredAmongNew: POPULATION.referredShare,
      sharedFamilyEmail: POPULATION.sharedEmailShare,
      emailTypoPerRecord: EMAIL_TYPO_SHARE,
    },
    segmentThresholds: population.thresholds,
    categories: CATEGORIES.map((c) => ({ name: c.name, marginRate: c.marginRate, subCategories: c.subCategories.map((s) => s.name) })),
    acquisitionCostBySource: ACQUISITION_COST,
    contactUnitCost: CONTACT_UNIT_COST,
    ticketHandlingCost: Object.fromEntries(TICKET_TYPES.map((t, k) => [t, TICKET_COST[k]])),
    rows,
    truthRows,
  };
  writeFileSync(join(dir, 'truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
}
