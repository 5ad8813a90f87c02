import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gammaGammaTotal } from '../../src/value/models/gamma-gamma.js';
import { simulateBgNbd, simulateGammaGamma } from '../../src/generate/index.js';
import {
  conditionalExpectedSpend,
  expectedSpend,
  fitGammaGamma,
  frequencySpendCorrelation,
  ModelFitError,
  gammaGammaLogLikelihood,
  ModelInputError,
  ModelNumericError,
  pearsonCorrelation,
  type GammaGammaParams,
} from '../../src/value/models/index.js';
import { gammaln } from '../../src/value/models/special.js';
import { gammaDensity, integrateHalfLine } from './quadrature.js';
import { mean } from './fixtures.js';

const TRUTH: GammaGammaParams = { p: 6, q: 4, gamma: 15 };
const transactions = simulateBgNbd({ r: 0.8, alpha: 8, a: 0.6, b: 2.5 }, { customers: 30_000, observation: 52, seed: 3 }).x;
const spends = simulateGammaGamma(TRUTH, { transactions, seed: 9 });

// Density of the mean m of x transactions given nu (x m ~ Gamma(p x, nu)), mixed over nu ~ Gamma(q, gamma) by quadrature.
function likelihoodByIntegration({ p, q, gamma }: GammaGammaParams, x: number, m: number): number {
  const nuDensity = gammaDensity(q, gamma, gammaln(q));
  const sumDensity = (nu: number): number => gammaDensity(p * x, nu, gammaln(p * x))(x * m);
  return integrateHalfLine((nu) => x * sumDensity(nu) * nuDensity(nu));
}

describe('Gamma-Gamma spend', () => {
  it('log-likelihood equals the individual model integrated over nu', () => {
    const params = { p: 2.5, q: 3.1, gamma: 40 };
    for (const [x, m] of [[1, 20], [3, 55.5], [17, 9.2]] as const) {
      expect(gammaGammaLogLikelihood(params, x, m)).toBeCloseTo(Math.log(likelihoodByIntegration(params, x, m)), 5);
    }
  });

  it('log-likelihood is finite for any valid customer and parameters', () => {
    const positive = fc.double({ min: 1e-4, max: 1e4, noNaN: true });
    fc.assert(
      fc.property(positive, positive, positive, fc.integer({ min: 1, max: 5000 }), fc.double({ min: 1e-3, max: 1e6, noNaN: true }), (p, q, gamma, x, m) => {
        expect(Number.isFinite(gammaGammaLogLikelihood({ p, q, gamma }, x, m))).toBe(true);
      }),
    );
  });

  it('recovers the simulated parameters within 4 standard errors and finds no frequency-spend correlation', () => {
    const fit = fitGammaGamma(transactions, spends.meanSpend);
    expect(fit.converged).toBe(true);
    for (const name of ['p', 'q', 'gamma'] as const) {
      expect(Math.abs(fit.params[name] - TRUTH[name]), `${name}: ${fit.params[name]} (se ${fit.standardErrors[name]})`).toBeLessThan(4 * fit.standardErrors[name]);
    }
    // Under independence the correlation's standard error is about 1/sqrt(n).
    expect(Math.abs(fit.frequencySpendCorrelation)).toBeLessThan(4 / Math.sqrt(fit.customers));
  });

  it('expected spend averages to the customers true mean spend p/nu', () => {
    const predicted = expectedSpend(TRUTH, transactions, spends.meanSpend);
    const trueMeans = spends.nu.map((nu) => TRUTH.p / nu);
    for (const [lo, hi] of [[0, 0], [1, 2], [3, 1e9]] as const) {
      const keep = (i: number): boolean => (transactions[i] ?? 0) >= lo && (transactions[i] ?? 0) <= hi;
      const a = mean(predicted, keep);
      const b = mean(trueMeans, keep);
      let variance = 0;
      for (let i = 0; i < trueMeans.length; i++) if (keep(i)) variance += ((trueMeans[i] ?? 0) - b.mean) ** 2 / b.count;
      expect(Math.abs(a.mean - b.mean), `x in [${lo}, ${hi}]`).toBeLessThan(4 * Math.sqrt(variance / b.count));
    }
  });

  it('flags spend that grows with frequency through the correlation, with or without a fit', () => {
    const tied = spends.meanSpend.map((m, i) => m * (1 + (transactions[i] ?? 0) / 2));
    expect(frequencySpendCorrelation(transactions, tied)).toBeGreaterThan(0.2);
    expect(fitGammaGamma(transactions, tied).frequencySpendCorrelation).toBeCloseTo(frequencySpendCorrelation(transactions, tied), 12);
    expect(pearsonCorrelation([1, 2, 3], [6, 4, 2])).toBeCloseTo(-1, 12);
  });

  it('a fit that cannot converge fails with a typed error carrying the iterations, not NaN', () => {
    const x = Float64Array.from({ length: 200 }, (_, i) => 1 + (i % 10));
    try {
      fitGammaGamma(x, x.map((v) => 10 * v), { maxIterations: 300 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ModelFitError);
      expect((error as ModelFitError).iterations).toBeGreaterThan(0);
    }
  });

  it('refuses a customer with purchases and no positive spend, and an infinite population mean', () => {
    expect(() => fitGammaGamma([1, 2, 3], [10, 0, 5])).toThrow(ModelInputError);
    expect(() => fitGammaGamma([1], [10, 2])).toThrow(ModelInputError);
    expect(() => conditionalExpectedSpend({ p: 2, q: 0.8, gamma: 10 }, 0, 0)).toThrow(ModelNumericError);
    expect(conditionalExpectedSpend({ p: 2, q: 0.8, gamma: 10 }, 2, 30)).toBeCloseTo(((10 + 60) * 2) / (4 + 0.8 - 1), 12);
  });
});

describe('Gamma-Gamma summed likelihood', () => {
  it('equals the sum of the per-customer log-likelihoods', () => {
    const xs = [1, 2, 2, 5, 1, 9, 3];
    const ms = [10.5, 33, 7.25, 120, 4, 61.3, 18];
    const params = { p: 4.2, q: 3.1, gamma: 27 };
    const naive = xs.reduce((s, x, i) => s + gammaGammaLogLikelihood(params, x, ms[i] ?? 1), 0);
    expect(gammaGammaTotal(xs, ms, () => params)([0])).toBeCloseTo(naive, 9);
  });
});
