/**
 * Street addresses: one per household (partners share it), a new one after a move, written by
 * each source as it writes addresses (a till shortens and upper-cases, a web form keeps what the
 * customer typed). Drawn from their own streams, so adding them changed no other draw.
 */
import { STREETS, STREET_TYPE_ABBREVIATIONS, withoutAccents } from './france.js';
import { Rng } from './prng.js';
import type { Source } from './world.js';

export interface Address {
  readonly number: number;
  readonly bis: boolean;
  /** Index in STREETS. */
  readonly street: number;
}

/** A street of 10 to 200 numbers and a number along it (low numbers more frequent: every street has a 2, few a 150), 4% "bis". */
function drawAddress(rng: Rng): Address {
  const length = 10 + rng.int(191);
  return { number: 1 + rng.int(length), bis: rng.chance(0.04), street: rng.int(STREETS.length) };
}

/**
 * The addresses of person `index` before and after a move (the same when he did not move). A
 * partner lives at his household's address: `household` is the index of the person whose place
 * he took.
 */
export function homeAddresses(seed: number, stream: number, household: number, moved: boolean): { previous: Address; current: Address } {
  const rng = Rng.of(seed, stream, household);
  const previous = drawAddress(rng);
  return { previous, current: moved ? drawAddress(rng) : previous };
}

/** Per source: abbreviated street type, upper case, accents dropped, comma after the number. */
const NOISE: Record<Source, readonly [number, number, number, number]> = {
  store: [0.45, 0.5, 0.35, 0.1],
  web: [0.1, 0.05, 0.1, 0.2],
  callcenter: [0.3, 0.3, 0.35, 0.1],
  partner: [0.2, 0.3, 0.35, 0.15],
};

/** "12 rue de la République", "12, R DE LA REPUBLIQUE", "12bis av. Victor Hugo"...: all normalise to one address. */
export function addressVariant(rng: Rng, address: Address, source: Source): string {
  const [abbreviated, upper, plain, comma] = NOISE[source];
  let street: string = STREETS[address.street] ?? 'rue Principale';
  if (rng.chance(abbreviated)) {
    const space = street.indexOf(' ');
    const forms = STREET_TYPE_ABBREVIATIONS[street.slice(0, space)];
    if (forms) street = `${rng.pick(forms)}${street.slice(space)}`;
    street = street.replace(/\bSaint-/, 'St-').replace(/\bSainte-/, 'Ste-').replace(/\bGénéral\b/, 'Gal');
  }
  const number = `${address.number}${address.bis ? (rng.chance(0.5) ? ' bis' : 'bis') : ''}`;
  let written = `${number}${rng.chance(comma) ? ',' : ''} ${street}`;
  if (rng.chance(plain)) written = withoutAccents(written);
  if (rng.chance(upper)) written = written.toUpperCase();
  return written;
}
