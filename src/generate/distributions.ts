/**
 * Samplers for the generator's hot loop. Hand-written rather than imported: each is a few lines,
 * allocation-free, driven by our seeded Rng, and called tens of millions of times per run.
 */
import type { Rng } from './prng.js';

/** Standard normal (Marsaglia's polar method; the spare value is dropped to stay stateless). */
export function normal(rng: Rng): number {
  for (;;) {
    const u = 2 * rng.next() - 1;
    const v = 2 * rng.next() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

export function exponential(rng: Rng, rate: number): number {
  return -Math.log(rng.open()) / rate;
}

/**
 * Gamma(shape, rate), mean shape / rate.
 * Marsaglia & Tsang 2000, "A simple method for generating gamma variables"; shape < 1 by the
 * boost Gamma(shape) = Gamma(shape + 1) * U^(1 / shape).
 */
export function gamma(rng: Rng, shape: number, rate: number): number {
  if (shape < 1) return gamma(rng, shape + 1, rate) * Math.pow(rng.open(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.open();
    if (u < 1 - 0.0331 * x * x * x * x) return (d * v) / rate;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

/** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function beta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a, 1);
  const y = gamma(rng, b, 1);
  return x / (x + y);
}

/**
 * Poisson(mean): Knuth's product of uniforms for small means, and a normal approximation with
 * continuity correction above 30, where it is accurate enough for event counts.
 */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(rng)));
  const limit = Math.exp(-mean);
  let k = 0;
  let product = rng.next();
  while (product > limit) {
    k++;
    product *= rng.next();
  }
  return k;
}

/** Index drawn with probability proportional to weights[i]. */
export function weightedIndex(rng: Rng, weights: ArrayLike<number>, total?: number): number {
  let sum = total ?? 0;
  if (total === undefined) for (let i = 0; i < weights.length; i++) sum += weights[i] ?? 0;
  let target = rng.next() * sum;
  for (let i = 0; i < weights.length; i++) {
    target -= weights[i] ?? 0;
    if (target < 0) return i;
  }
  return weights.length - 1;
}

/** First index whose cumulative value exceeds u. */
export function searchCumulative(cumulative: ArrayLike<number>, u: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] ?? 1) > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Fills `out` with a Dirichlet(alphas) draw. */
export function dirichlet(rng: Rng, alphas: ArrayLike<number>, out: Float64Array): Float64Array {
  let sum = 0;
  for (let i = 0; i < alphas.length; i++) {
    const g = gamma(rng, alphas[i] ?? 1, 1);
    out[i] = g;
    sum += g;
  }
  for (let i = 0; i < alphas.length; i++) out[i] = (out[i] ?? 0) / sum;
  return out;
}

/** Log-normal multiplier with median 1. */
export function logNormal(rng: Rng, sigma: number): number {
  return Math.exp(sigma * normal(rng));
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
