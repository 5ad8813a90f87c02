/**
 * A person's declared profile (what he would fill in a form) and what it implies: his category
 * preferences, correlated with the profile, and his preferred contact channel.
 */
import { CATEGORIES, CATEGORY_COUNT } from './catalogue.js';
import { DAY, END, formatDate } from './calendar.js';
import { dirichlet, weightedIndex } from './distributions.js';
import { INCOME_BANDS, PLACE_WEIGHTS, SOCIO_PROFESSIONAL } from './france.js';
import type { PersonBase } from './population.js';
import type { Rng } from './prng.js';

export const PREFERRED_CHANNELS = ['email', 'sms', 'mail', 'phone'] as const;
export type PreferredChannel = (typeof PREFERRED_CHANNELS)[number];
const PREFERRED_BY_TYPE: readonly (readonly number[])[] = [
  [0.75, 0.15, 0.05, 0.05],
  [0.5, 0.3, 0.15, 0.05],
  [0.2, 0.35, 0.35, 0.1],
  [0.02, 0.18, 0.5, 0.3],
];

const CONSOLES = ['console:switch', 'console:ps5', 'console:xbox'];
const SPORTS = ['sport:running', 'sport:cycling', 'sport:hiking', 'sport:fitness'];

export interface Profile {
  readonly birthDate: string;
  readonly householdSize: number;
  readonly children: number;
  readonly socioProfessional: string;
  readonly incomeBand: string;
  /** Every true interest, ";"-separated; records declare part of it. */
  readonly interests: readonly string[];
  /** Place before a move (the same as `place` when he did not move). */
  readonly previousPlace: number;
  readonly place: number;
  /** When he moved (seconds since START), Infinity if he did not. */
  readonly movedAt: number;
  /** What the profile predicts of his category shares (sums to 1). */
  readonly affinity: Float64Array;
  /** His actual category shares (one-hot for a single-category buyer). */
  readonly preferences: Float64Array;
  /** The one category of a single-category buyer, else -1. */
  readonly singleCategory: number;
  /** Categories his profile predicts but a single-category buyer never buys from us. */
  readonly missingCategories: readonly number[];
  readonly preferredChannel: PreferredChannel;
}

export function drawProfile(rng: Rng, base: PersonBase, partner: PersonBase | null): Profile {
  const age = base.age;
  const birthSeconds = -age * 365.25 * DAY + rng.next() * 365 * DAY;
  const partnered = partner !== null || (age > 24 && age < 80 && rng.chance(0.62));
  const children = partnered && age < 58 ? weightedIndex(rng, [0.32, 0.25, 0.28, 0.11, 0.04]) : age < 50 && rng.chance(0.06) ? 1 : 0;
  const householdSize = 1 + (partnered ? 1 : 0) + children + (rng.chance(0.03) ? 1 : 0);
  const house = rng.chance(0.3 + (age > 40 ? 0.3 : 0) + (children > 0 ? 0.15 : 0));
  const owner = rng.chance(house ? 0.75 : 0.25) && age > 25;
  const garden = house && rng.chance(0.8);
  const consoleOwner = rng.chance(children > 0 || age < 35 ? 0.35 : 0.07);
  const diy = rng.chance(owner ? 0.4 : 0.15);
  const cooking = rng.chance(0.3);
  const sport = rng.chance(age < 50 ? 0.35 : 0.15);
  const beauty = rng.chance(base.female ? 0.35 : 0.05);
  const interests: string[] = [house ? 'house' : 'flat', owner ? 'owner' : 'tenant'];
  if (garden) interests.push('garden');
  if (consoleOwner) interests.push(rng.pick(CONSOLES));
  if (diy) interests.push('diy');
  if (cooking) interests.push('cooking');
  if (sport) interests.push(rng.pick(SPORTS));
  if (beauty) interests.push('beauty');
  if (rng.chance(0.2)) interests.push('pets');
  if (rng.chance(0.15)) interests.push('travel');

  const retired = age >= 63 && rng.chance(0.92);
  const socio = retired ? 6 : weightedIndex(rng, [1, 3, base.typeIndex === 0 ? 14 : 7, 12, 14, 10, 0, 6]);
  const incomeShift = socio === 2 ? 1.4 : socio === 3 ? 0.6 : socio === 5 || socio === 7 ? -0.6 : 0;
  const income = Math.max(0, Math.min(3, Math.round(1.2 + incomeShift + 0.8 * (rng.next() - 0.5) * 2)));

  const multipliers = [
    (owner ? 1.3 : 1) * (householdSize >= 3 ? 1.2 : 1),
    (garden ? 4 : house ? 1 : 0.25) * (age > 55 ? 1.3 : 1),
    cooking ? 3 : 1,
    (diy ? 3.5 : 1) * (owner ? 1.5 : house ? 1 : 0.5),
    (children > 0 ? 5 : 0.35) * (consoleOwner ? 1.5 : 1),
    (consoleOwner ? 2.5 : 1) * (age < 35 ? 1.5 : age > 65 ? 0.5 : 1),
    sport ? 4 : 1,
    (beauty ? 4 : 1) * (base.female ? 1.5 : 0.5),
  ];
  const affinity = new Float64Array(CATEGORY_COUNT);
  let total = 0;
  for (let c = 0; c < CATEGORY_COUNT; c++) {
    affinity[c] = (CATEGORIES[c]?.weight ?? 1) * (multipliers[c] ?? 1);
    total += affinity[c] ?? 0;
  }
  for (let c = 0; c < CATEGORY_COUNT; c++) affinity[c] = (affinity[c] ?? 0) / total;
  // Sparse preferences (two or three favourite ranges); faithful small customers spread wider.
  const concentration = base.faithfulSmall ? 24 : 2.5;
  const alphas = affinity.map((a) => Math.max(0.02, a * concentration));
  const preferences = dirichlet(rng, alphas, new Float64Array(CATEGORY_COUNT));
  let singleCategory = -1;
  let missingCategories: number[] = [];
  if (base.singleCategory) {
    singleCategory = weightedIndex(rng, preferences);
    preferences.fill(0);
    preferences[singleCategory] = 1;
    missingCategories = predictedOthers(affinity, multipliers, singleCategory);
  }
  let place = partner ? partner.place : base.place;
  let previousPlace = place;
  let movedAt = Infinity;
  if (partner === null && rng.chance(0.07)) {
    const next = weightedIndex(rng, PLACE_WEIGHTS);
    const at = base.birth + rng.next() * 2 * 365 * DAY;
    if (next !== place && at < END) {
      previousPlace = place;
      place = next;
      movedAt = at;
    }
  }
  return {
    birthDate: formatDate(birthSeconds),
    householdSize,
    children,
    socioProfessional: SOCIO_PROFESSIONAL[socio] ?? 'other',
    incomeBand: INCOME_BANDS[income] ?? '20-40k',
    interests,
    previousPlace,
    place,
    movedAt,
    affinity,
    preferences,
    singleCategory,
    missingCategories,
    preferredChannel: PREFERRED_CHANNELS[weightedIndex(rng, PREFERRED_BY_TYPE[base.typeIndex] ?? [1])] ?? 'email',
  };
}

/** Strongly predicted categories (profile multiplier >= 2.5), else the two most likely ones. */
function predictedOthers(affinity: Float64Array, multipliers: readonly number[], bought: number): number[] {
  const strong = multipliers.flatMap((m, c) => (m >= 2.5 && c !== bought ? [c] : []));
  if (strong.length > 0) return strong;
  return [...affinity.keys()]
    .filter((c) => c !== bought)
    .sort((x, y) => (affinity[y] ?? 0) - (affinity[x] ?? 0))
    .slice(0, 2);
}
