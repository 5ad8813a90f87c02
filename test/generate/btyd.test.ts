import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beta, gamma, poisson } from '../../src/generate/distributions.js';
import { simulateBgNbd, simulateGammaGamma, simulateParetoNbd, type BgNbdParameters, type ParetoNbdParameters } from '../../src/generate/index.js';
import { Rng } from '../../src/generate/prng.js';

/** Gauss hypergeometric 2F1(a, b; c; z) for |z| < 1, by its series. */
function hypergeometric2F1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 100_000 && Math.abs(term) > 1e-15 * Math.abs(sum); k++) {
    term *= (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    sum += term;
  }
  return sum;
}

// E[X(t)] of BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers the easy way", eq. (9).
function bgNbdExpected({ r, alpha, a, b }: BgNbdParameters, t: number): number {
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hypergeometric2F1(r, b, a + b - 1, t / (alpha + t)));
}

// E[X(t)] of Pareto/NBD: Schmittlein, Morrison & Colombo (1987), eq. (17).
function paretoNbdExpected({ r, alpha, s, beta: b }: ParetoNbdParameters, t: number): number {
  return ((r * b) / (alpha * (s - 1))) * (1 - Math.pow(b / (b + t), s - 1));
}

function meanAndTolerance(values: ArrayLike<number>): { mean: number; tolerance: number } {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] ?? 0;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((values[i] ?? 0) - mean) ** 2;
  // Four standard errors: a correct simulator fails this about once in 16,000 runs.
  return { mean, tolerance: (4 * Math.sqrt(squares / (n - 1))) / Math.sqrt(n) };
}

describe('buy-till-you-die simulators', () => {
  it.each([
    [{ r: 0.55, alpha: 5, a: 1.3, b: 5 }, 52],
    [{ r: 0.24, alpha: 4.41, a: 0.79 + 1, b: 2.43 }, 39],
    [{ r: 2, alpha: 10, a: 3, b: 8 }, 156],
  ])('BG/NBD: mean repeat purchases match E[X(t)] for %o over t = %i', (params, t) => {
    const sample = simulateBgNbd(params, { customers: 20_000, observation: t, seed: 11 });
    const { mean, tolerance } = meanAndTolerance(sample.x);
    expect(Math.abs(mean - bgNbdExpected(params, t))).toBeLessThan(tolerance);
  });

  it('BG/NBD: per-customer observation lengths are honoured and t_x lies within them', () => {
    const T = Float64Array.from({ length: 5000 }, (_, i) => 10 + (i % 100));
    const sample = simulateBgNbd({ r: 0.55, alpha: 5, a: 1.3, b: 5 }, { customers: T.length, observation: T, seed: 3 });
    for (let i = 0; i < T.length; i++) {
      expect(sample.T[i]).toBe(T[i]);
      expect(sample.tx[i]).toBeLessThanOrEqual(T[i] ?? 0);
      expect(sample.purchaseTimes[i]?.length).toBe(sample.x[i]);
      if ((sample.x[i] ?? 0) === 0) expect(sample.tx[i]).toBe(0);
    }
  });

  it('Pareto/NBD: mean repeat purchases match E[X(t)]', () => {
    const params = { r: 0.55, alpha: 10.58, s: 0.61 + 1, beta: 11.67 };
    const sample = simulateParetoNbd(params, { customers: 20_000, observation: 39, seed: 5 });
    const { mean, tolerance } = meanAndTolerance(sample.x);
    expect(Math.abs(mean - paretoNbdExpected(params, 39))).toBeLessThan(tolerance);
  });

  it('Gamma-Gamma: mean spend matches p gamma / (q - 1)', () => {
    const params = { p: 6, q: 3.5, gamma: 30 };
    const spends = simulateGammaGamma(params, { transactions: new Int32Array(40_000).fill(1), seed: 9 });
    const { mean, tolerance } = meanAndTolerance(spends.meanSpend);
    expect(Math.abs(mean - (params.p * params.gamma) / (params.q - 1))).toBeLessThan(tolerance);
    expect(spends.spends[0]?.length).toBe(1);
  });

  it('is deterministic for a seed and changes with it', () => {
    const params = { r: 0.55, alpha: 5, a: 1.3, b: 5 };
    const a = simulateBgNbd(params, { customers: 200, observation: 100, seed: 1 });
    const b = simulateBgNbd(params, { customers: 200, observation: 100, seed: 1 });
    const c = simulateBgNbd(params, { customers: 200, observation: 100, seed: 2 });
    expect(Array.from(a.tx)).toEqual(Array.from(b.tx));
    expect(Array.from(a.lambda)).not.toEqual(Array.from(c.lambda));
  });
});

describe('hand-written samplers', () => {
  it('gamma, beta and poisson draws have their theoretical means', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 20, noNaN: true }), fc.double({ min: 0.2, max: 5, noNaN: true }), fc.nat(), (shape, rate, seed) => {
        const rng = Rng.of(seed, 1, 0);
        const n = 4000;
        const g = Float64Array.from({ length: n }, () => gamma(rng, shape, rate));
        const gm = meanAndTolerance(g);
        expect(Math.abs(gm.mean - shape / rate)).toBeLessThan(Math.max(gm.tolerance, 1e-9) * 1.25);
        const b = Float64Array.from({ length: n }, () => beta(rng, shape, rate));
        const bm = meanAndTolerance(b);
        expect(Math.abs(bm.mean - shape / (shape + rate))).toBeLessThan(bm.tolerance * 1.25);
        const mean = shape * 3;
        const p = Float64Array.from({ length: n }, () => poisson(rng, mean));
        const pm = meanAndTolerance(p);
        expect(Math.abs(pm.mean - mean)).toBeLessThan(pm.tolerance * 1.25);
      }),
      { seed: 20_260_630, numRuns: 40 },
    );
  });
});
