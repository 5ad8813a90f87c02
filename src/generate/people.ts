import { CATEGORIES, CATEGORY_INDEX } from './catalogue.js';
import { CITIES, CITY_WEIGHTS, EMAIL_DOMAINS, EMAIL_DOMAIN_WEIGHTS, FEMALE_NAMES, INCOME_BANDS, LAST_NAMES, MALE_NAMES, SOCIO_PROFESSIONAL, SOCIO_WEIGHTS, asciiName, type City } from './names.js';
import type { Rng } from './random.js';

export const DIGITAL_TYPES = ['technophile', 'technomouton', 'techno-no', 'technonul'] as const;
export type DigitalType = (typeof DIGITAL_TYPES)[number];
export const DIGITAL_TYPE_SHARES = [0.15, 0.35, 0.3, 0.2];

export const PREFERRED_CHANNELS = ['email', 'sms', 'mail', 'phone', 'store'] as const;
export type PreferredChannel = (typeof PREFERRED_CHANNELS)[number];
/** Preferred contact channel by digital type (rows follow DIGITAL_TYPES, columns PREFERRED_CHANNELS). */
const CHANNEL_PREFERENCE: Record<DigitalType, number[]> = {
  technophile: [0.6, 0.2, 0.05, 0, 0.15],
  technomouton: [0.4, 0.3, 0.2, 0, 0.1],
  'techno-no': [0.1, 0.2, 0.4, 0.05, 0.25],
  technonul: [0.02, 0.08, 0.5, 0.15, 0.25],
};

/** A declared profile: what the person would tell in a form. */
export interface Profile {
  readonly gender: 'F' | 'M';
  readonly firstName: string;
  readonly lastName: string;
  readonly birthDate: string;
  readonly householdSize: number;
  readonly children: number;
  readonly city: City;
  readonly movedTo: City | null;
  readonly socio: string;
  readonly income: string;
  readonly houseOwner: boolean;
  readonly interests: string[];
  readonly emailLocal: string;
  readonly emailDomain: string;
  readonly phoneDigits: string;
}

export interface Person {
  readonly index: number;
  readonly profile: Profile;
  readonly type: DigitalType;
  readonly preferredChannel: PreferredChannel;
  /** Probability of each range in a basket. */
  readonly preferences: number[];
  /** What his profile predicts he would buy (before the single-category restriction). */
  readonly predictedPreferences: number[];
  readonly singleCategory: number | null;
  readonly costly: boolean;
  readonly faithfulSmall: boolean;
}

function profileDrivenWeights(p: Profile): number[] {
  return CATEGORIES.map((c) => {
    let w = c.weight;
    if (c.name === 'toys') w *= p.children > 0 ? 4 : 0.3;
    if (c.name === 'garden') w *= p.houseOwner ? 2.5 : 0.4;
    if (c.name === 'diy') w *= p.houseOwner ? 1.8 : 0.6;
    if (c.name === 'beauty') w *= p.gender === 'F' ? 1.8 : 0.6;
    if (c.name === 'electronics' && p.interests.some((i) => i.startsWith('console'))) w *= 2;
    if (c.name === 'sports' && p.interests.includes('sport')) w *= 2.5;
    if (c.name === 'kitchen' && p.interests.includes('cooking')) w *= 2.5;
    return w;
  });
}

export function drawProfile(rng: Rng, endYear: number): Profile {
  const gender = rng.chance(0.52) ? 'F' : 'M';
  const age = Math.round(Math.min(85, Math.max(18, 45 + 15 * rng.normal())));
  const year = endYear - age;
  const month = 1 + rng.int(12);
  const day = 1 + rng.int(28);
  const couple = age > 24 && rng.chance(0.6);
  const children = couple && age < 60 ? rng.weighted([0.35, 0.25, 0.28, 0.1, 0.02]) : 0;
  const houseOwner = rng.chance(age > 35 ? 0.6 : 0.25);
  const interests: string[] = [];
  if (houseOwner) interests.push('house', 'owner');
  else interests.push(rng.chance(0.7) ? 'flat' : 'house', 'tenant');
  if (houseOwner && rng.chance(0.7)) interests.push('garden');
  if (rng.chance(0.25)) interests.push(rng.pick(['console:switch', 'console:ps5', 'console:xbox']));
  if (rng.chance(0.3)) interests.push('cooking');
  if (rng.chance(0.25)) interests.push('sport');
  if (rng.chance(0.15)) interests.push('travel');
  const firstName = rng.pick(gender === 'F' ? FEMALE_NAMES : MALE_NAMES);
  const lastName = rng.pick(LAST_NAMES);
  const city = CITIES[rng.weighted(CITY_WEIGHTS)] as City;
  const separator = rng.pick(['.', '', '_', '.']);
  const suffix = rng.chance(0.6) ? String(rng.int(100)) : '';
  return {
    gender,
    firstName,
    lastName,
    birthDate: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    householdSize: (couple ? 2 : 1) + children,
    children,
    city,
    movedTo: rng.chance(0.05) ? (CITIES[rng.weighted(CITY_WEIGHTS)] as City) : null,
    socio: age >= 65 ? 'retired' : (SOCIO_PROFESSIONAL[rng.weighted(SOCIO_WEIGHTS)] as string),
    income: INCOME_BANDS[Math.min(3, Math.max(0, Math.round(1.4 + rng.normal())))] as string,
    houseOwner,
    interests,
    emailLocal: `${asciiName(firstName)}${separator}${asciiName(lastName)}${suffix}`,
    emailDomain: EMAIL_DOMAINS[rng.weighted(EMAIL_DOMAIN_WEIGHTS)] as string,
    phoneDigits: `${rng.chance(0.7) ? '6' : '7'}${String(rng.int(100_000_000)).padStart(8, '0')}`,
  };
}

export function drawPerson(rng: Rng, index: number, endYear: number, shared: Profile | null): Person {
  const own = drawProfile(rng, endYear);
  // A partner sharing the family email: same household, same address, same email, own first name.
  const profile: Profile = shared
    ? { ...own, lastName: shared.lastName, city: shared.city, movedTo: null, emailLocal: shared.emailLocal, emailDomain: shared.emailDomain, householdSize: shared.householdSize, children: shared.children, houseOwner: shared.houseOwner }
    : own;
  const type = DIGITAL_TYPES[rng.weighted(DIGITAL_TYPE_SHARES)] as DigitalType;
  const preferredChannel = PREFERRED_CHANNELS[rng.weighted(CHANNEL_PREFERENCE[type])] as PreferredChannel;
  const costly = rng.chance(0.04);
  const faithfulSmall = !costly && rng.chance(0.05);
  const base = profileDrivenWeights(profile);
  // Concentrated Dirichlet around the profile: most people favour two or three ranges.
  const predictedPreferences = rng.dirichlet(base.map((w) => w * 0.9));
  const singleCategory = !faithfulSmall && rng.chance(0.15) ? rng.weighted(predictedPreferences) : null;
  let preferences = predictedPreferences;
  if (singleCategory !== null) preferences = predictedPreferences.map((_, i) => (i === singleCategory ? 1 : 0));
  if (faithfulSmall) {
    // Buys across several ranges: flatten the preferences.
    const flat = predictedPreferences.map((p) => p + 0.12);
    const total = flat.reduce((s, x) => s + x, 0);
    preferences = flat.map((p) => p / total);
  }
  return { index, profile, type, preferredChannel, preferences, predictedPreferences, singleCategory, costly, faithfulSmall };
}

/** Ranges his profile predicts that he never buys from us (the share-of-wallet gap). */
export function missingCategories(person: Person, threshold = 0.1): string[] {
  if (person.singleCategory === null) return [];
  return person.predictedPreferences
    .map((p, i) => (i !== person.singleCategory && p >= threshold ? CATEGORIES[i]?.name : undefined))
    .filter((n): n is string => n !== undefined);
}

export { CATEGORY_INDEX };
