/**
 * Special functions in log space. gammaln and betaln come from stdlib (maintained, accurate for
 * large arguments); the Gaussian hypergeometric function is written here because no maintained
 * npm package provides it, and the models only need two well-conditioned forms of it.
 */
import gammalnStdlib from '@stdlib/math-base-special-gammaln';
import betalnStdlib from '@stdlib/math-base-special-betaln';
import digammaStdlib from '@stdlib/math-base-special-digamma';
import { ModelNumericError } from './errors.js';

export const gammaln: (x: number) => number = gammalnStdlib;
export const betaln: (a: number, b: number) => number = betalnStdlib;
/** d/dx ln Gamma(x), for the analytic gradients of the likelihoods. */
export const digamma: (x: number) => number = digammaStdlib;

/** ln(e^x + e^y) without overflow. */
export function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  return x > y ? x + Math.log1p(Math.exp(y - x)) : y + Math.log1p(Math.exp(x - y));
}

/** ln(e^x - e^y) for x >= y; -Infinity when they are equal. */
export function logSubExp(x: number, y: number): number {
  if (y === -Infinity) return x;
  const d = y - x;
  if (d > 0) throw new ModelNumericError('logSubExp of a larger from a smaller number', { x, y });
  // log(1 - e^d): expm1 for d near 0, log1p for d very negative (Maechler 2012, "Accurately computing log(1 - exp(-|a|))").
  return x + (d > -Math.LN2 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d)));
}

/** 1 / (1 + e^x), for probabilities given as a log-odds against. */
export function inverseOnePlusExp(x: number): number {
  return x > 0 ? Math.exp(-x) / (1 + Math.exp(-x)) : 1 / (1 + Math.exp(x));
}

const SERIES_MAX_TERMS = 100_000;
const EPSILON = 1e-16;

/**
 * ln 2F1(1, b; c; z) for 0 <= z < 1 and 0 < b < c: every term is positive. Power series when z is
 * small (ratio (b+n) z / (c+n) < z), Gauss's continued fraction near 1, where the series is slow.
 */
export function logHyp2f1One(b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1 && b > 0 && c > b)) throw new ModelNumericError('2F1(1, b; c; z) needs 0 <= z < 1, 0 < b < c', { b, c, z });
  if (z === 0) return 0;
  const value = z <= 0.75 ? hyp2f1OneSeries(b, c, z) : hyp2f1OneContinuedFraction(b, c, z);
  if (!Number.isFinite(value) || value <= 0) throw new ModelNumericError('2F1(1, b; c; z) did not converge', { b, c, z });
  return Math.log(value);
}

// Abramowitz & Stegun 15.1.1: 2F1(1, b; c; z) = sum_n (b)_n / (c)_n z^n.
function hyp2f1OneSeries(b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < SERIES_MAX_TERMS; n++) {
    term *= ((b + n) / (c + n)) * z;
    sum += term;
    if (term < EPSILON * sum) return sum;
  }
  return NaN;
}

// Gauss's continued fraction for 2F1(a, 1; c+1; z) with a = b, c -> c-1 (Cuyt et al. 2008, "Handbook of continued fractions", 15.3.6), by modified Lentz.
function hyp2f1OneContinuedFraction(b: number, c: number, z: number): number {
  // 2F1(a,1;g+1;z) = 1 / (1 - k1 z / (1 - k2 z / (1 - ...))), g = c - 1,
  // k_{2m+1} = (a+m)(g+m) / ((g+2m)(g+2m+1)), k_{2m} = m (g-a+m) / ((g+2m-1)(g+2m)).
  const a = b;
  const g = c - 1;
  const tiny = 1e-300;
  let f = 1;
  let C = 1;
  let D = 0;
  for (let j = 1; j < SERIES_MAX_TERMS; j++) {
    const m = j >> 1;
    const k = j % 2 === 1 ? ((a + m) * (g + m)) / ((g + 2 * m) * (g + 2 * m + 1)) : (m * (g - a + m)) / ((g + 2 * m - 1) * (g + 2 * m));
    const coefficient = -k * z;
    D = 1 + coefficient * D;
    if (Math.abs(D) < tiny) D = tiny;
    C = 1 + coefficient / C;
    if (Math.abs(C) < tiny) C = tiny;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < EPSILON) return 1 / f;
  }
  return NaN;
}

/**
 * c (2F1(a, b; c; z) - 1) / b for 0 <= z < 1 and c > -1 by its power series (Abramowitz & Stegun
 * 15.1.1), for the Euler-transformed forms in the BG/NBD and MBG/NBD expectations, whose c grows
 * with x so the terms fall fast. Without the leading 1, divided by b and multiplied by c, so that
 * those expectations keep their precision for short horizons and have no 0/0 at b = 0 (a = 1)
 * nor at c = 0 (a + b = 1 in BG/NBD): the first term is a z and c + n > 0 after it.
 */
export function scaledHyp2f1MinusOne(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1 && c > -1)) throw new ModelNumericError('c (2F1(a, b; c; z) - 1) / b needs 0 <= z < 1 and c > -1', { a, b, c, z });
  let term = a * z;
  let sum = term;
  for (let n = 1; n < SERIES_MAX_TERMS; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
    if (Math.abs(term) <= EPSILON * Math.abs(sum) || term === 0) return sum;
    if (!Number.isFinite(sum)) break;
  }
  throw new ModelNumericError('2F1(a, b; c; z) series did not converge', { a, b, c, z });
}
