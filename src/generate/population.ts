/**
 * The population's true parameters and each person's "base": the draws other persons may need
 * (a referrer's engagement, a partner's shared email), recomputable from (seed, index) alone.
 */
import type { BgNbdParameters, GammaGammaParameters } from './btyd.js';
import { DAY, END, acquisitionCurve } from './calendar.js';
import { beta, clamp, gamma, normal, searchCumulative, weightedIndex } from './distributions.js';
import { EMAIL_DOMAINS, EMAIL_DOMAIN_WEIGHTS, FEMALE_NAMES, LAST_NAMES, MALE_NAMES, PLACES, PLACE_WEIGHTS, asciiLower } from './france.js';
import { Rng, Scrambler } from './prng.js';

export const DIGITAL_TYPES = ['technophile', 'technomouton', 'techno-no', 'technonul'] as const;
export type DigitalType = (typeof DIGITAL_TYPES)[number];
export type BirthChannel = 'store' | 'web' | 'phone';

/** True population parameters; time unit: week, money: EUR. */
export const POPULATION = {
  bgNbd: { r: 0.55, alpha: 5, a: 1.3, b: 5 } satisfies BgNbdParameters,
  gammaGamma: { p: 6, q: 3.5, gamma: 30 } satisfies GammaGammaParameters,
  /** Customers from before the datamart, whose first purchase in it falls in the first weeks. */
  existingBaseShare: 0.3,
  digitalTypeShares: [0.15, 0.35, 0.3, 0.2],
  /** Of new customers (not the existing base). */
  referredShare: 0.05,
  /** Persons using the family email of the person before them. */
  sharedEmailShare: 0.01,
  singleCategoryShare: 0.15,
  /** Costly: drawn among the high-lambda, high-spend persons so that about this share is costly. */
  costlyShare: 0.04,
} as const;

/** What acquiring a customer costs by signup source, in EUR (each record varies by +-20%). */
export const ACQUISITION_COST: Readonly<Record<string, number>> = {
  store: 3, contest: 6, web: 22, newsletter: 5, partner: 12, callcenter: 8, mail: 9, referral: 15,
};

// Age of each digital type: technophiles are younger, technonuls older.
const AGE_BY_TYPE: readonly (readonly [number, number])[] = [[34, 9], [42, 12], [50, 14], [64, 12]];
const BIRTH_CHANNEL_BY_TYPE: readonly (readonly number[])[] = [
  [0.3, 0.7, 0], // store, web, phone
  [0.62, 0.33, 0.05],
  [0.82, 0.08, 0.1],
  [0.86, 0, 0.14],
];
const BIRTH_CHANNELS: readonly BirthChannel[] = ['store', 'web', 'phone'];
const EMAIL_PATTERNS = 5;

export interface PersonBase {
  readonly index: number;
  /** First purchase, seconds since START. */
  readonly birth: number;
  readonly existingBase: boolean;
  readonly type: DigitalType;
  readonly typeIndex: number;
  readonly female: boolean;
  /** Age at START, in years. */
  readonly age: number;
  readonly firstName: string;
  readonly lastName: string;
  readonly place: number;
  readonly email: string;
  /** National significant phone number (without the leading 0), unique per person. */
  readonly phone: string;
  readonly lambda: number;
  readonly dropout: number;
  readonly nu: number;
  readonly birthChannel: BirthChannel;
  readonly referred: boolean;
  readonly sharesEmail: boolean;
  readonly singleCategory: boolean;
  readonly costly: boolean;
  readonly faithfulSmall: boolean;
}

/** Thresholds of the planted segments, from a fixed Monte Carlo sample of the population. */
function quantiles(): { lambdaP60: number; lambdaMedian: number; spendMedian: number; dropoutP35: number } {
  const rng = Rng.of(1, 0x9a7, 0);
  const n = 20_000;
  const lambdas = new Float64Array(n);
  const spends = new Float64Array(n);
  const dropouts = new Float64Array(n);
  const { r, alpha, a, b } = POPULATION.bgNbd;
  const { p, q, gamma: g } = POPULATION.gammaGamma;
  for (let i = 0; i < n; i++) {
    lambdas[i] = gamma(rng, r, alpha);
    dropouts[i] = beta(rng, a, b);
    spends[i] = p / gamma(rng, q, g);
  }
  const at = (xs: Float64Array, f: number): number => xs.sort()[Math.floor(f * n)] ?? 0;
  return { lambdaP60: at(lambdas, 0.6), lambdaMedian: at(lambdas, 0.5), spendMedian: at(spends, 0.5), dropoutP35: at(dropouts, 0.35) };
}

const STREAM_BASE = 1;

export class Population {
  readonly thresholds = quantiles();
  private readonly curve = acquisitionCurve(POPULATION.existingBaseShare);
  private readonly emailTag: Scrambler;
  private readonly phoneTag: Scrambler;

  constructor(
    readonly seed: number,
    readonly size: number,
  ) {
    const digits = Math.max(4, Math.ceil(Math.log10(size + 1)) + 1);
    this.emailTag = new Scrambler(seed, 1, 10 ** digits);
    this.phoneTag = new Scrambler(seed, 2, 1e8);
  }

  /** Person `index`'s base draws; the same every time it is asked for. */
  base(index: number): PersonBase {
    const rng = Rng.of(this.seed, STREAM_BASE, index);
    // Stratified first purchases: births increase with the index, so a referrer always comes first.
    const u = (index + rng.next()) / this.size;
    const day = searchCumulative(this.curve.cumulative, u);
    const birth = Math.min(END - 3600, (day + rng.next()) * DAY);
    const existingBase = rng.chance(this.curve.existingByDay[day] ?? 0);
    const typeIndex = weightedIndex(rng, POPULATION.digitalTypeShares);
    const type = DIGITAL_TYPES[typeIndex] ?? 'techno-no';
    const [ageMean, ageSd] = AGE_BY_TYPE[typeIndex] ?? [45, 12];
    const age = clamp(ageMean + ageSd * normal(rng), 18, 92);
    const female = rng.chance(0.52);
    const firstName = rng.pick(female ? FEMALE_NAMES : MALE_NAMES);
    const lastName = rng.pick(LAST_NAMES);
    const place = weightedIndex(rng, PLACE_WEIGHTS);
    const email = this.email(rng, firstName, lastName, index);
    const country = PLACES[place]?.country ?? 'FR';
    const lead = country === 'BE' ? '4' : country === 'CH' ? '7' : rng.chance(0.75) ? '6' : '7';
    const phone = `${lead}${String(this.phoneTag.map(index)).padStart(8, '0')}`;
    const { r, alpha, a, b } = POPULATION.bgNbd;
    const lambda = gamma(rng, r, alpha);
    const dropout = beta(rng, a, b);
    const nu = gamma(rng, POPULATION.gammaGamma.q, POPULATION.gammaGamma.gamma);
    const birthChannel = BIRTH_CHANNELS[weightedIndex(rng, BIRTH_CHANNEL_BY_TYPE[typeIndex] ?? [1])] ?? 'store';
    const referred = !existingBase && birth > 28 * DAY && rng.chance(POPULATION.referredShare);
    const sharesEmail = index > 0 && rng.chance(POPULATION.sharedEmailShare);
    const t = this.thresholds;
    const spend = POPULATION.gammaGamma.p / nu;
    // Costly and faithful-small persons are found in the population, not drawn apart: the
    // population stays exactly BG/NBD and Gamma-Gamma. P(lambda >= P60 and spend >= median) = 0.2.
    const costly = lambda >= t.lambdaP60 && spend >= t.spendMedian && rng.chance(POPULATION.costlyShare / 0.2);
    const faithfulSmall =
      !costly && lambda >= t.lambdaMedian && dropout <= t.dropoutP35 && spend < t.spendMedian && birth < 60 * 7 * DAY;
    const singleCategory = !faithfulSmall && rng.chance(POPULATION.singleCategoryShare);
    return {
      index, birth, existingBase, type, typeIndex, female, age, firstName, lastName, place, email, phone,
      lambda, dropout, nu, birthChannel, referred, sharesEmail, singleCategory, costly, faithfulSmall,
    };
  }

  /** A unique address: a name-based local part ending with a per-person number, and a domain. */
  private email(rng: Rng, first: string, last: string, index: number): string {
    const f = asciiLower(first);
    const l = asciiLower(last);
    const tag = this.emailTag.map(index);
    const domain = EMAIL_DOMAINS[weightedIndex(rng, EMAIL_DOMAIN_WEIGHTS)] ?? 'gmail.com';
    switch (rng.int(EMAIL_PATTERNS)) {
      case 0:
        return `${f}.${l}${tag}@${domain}`;
      case 1:
        return `${f.charAt(0)}${l}${tag}@${domain}`;
      case 2:
        return `${f}_${l}${tag}@${domain}`;
      case 3:
        return `${l}.${f}${tag}@${domain}`;
      default:
        return `${f}${l}${tag}@${domain}`;
    }
  }
}

