import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulateBgNbd } from '../../src/generate/index.js';
import {
  bgNbd,
  compressSummary,
  conditionalExpectedTransactions,
  fitTransactionModel,
  ModelFitError,
  ModelInputError,
  probabilityAlive,
  type BgNbdParams,
} from '../../src/value/models/index.js';
import { betaln, gammaln } from '../../src/value/models/special.js';
import { gammaDensity, integrateFinite, integrateHalfLine } from './quadrature.js';
import { expectAliveShareMatches, expectHoldoutMeansMatch, mean, splitAt, spreadObservation } from './fixtures.js';

const TRUTH: BgNbdParams = { r: 0.8, alpha: 8, a: 0.6, b: 2.5 };
const CUSTOMERS = 30_000;
const HOLDOUT = 39;

// Individual BG/NBD likelihood (FHL 2005 eq. 3) mixed over lambda ~ Gamma(r, alpha) and p ~ Beta(a, b) by quadrature.
function likelihoodByIntegration({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number): number {
  const lambdaDensity = gammaDensity(r, alpha, gammaln(r));
  const lnB = betaln(a, b);
  return integrateFinite((p) => {
    const pDensity = Math.exp((a - 1) * Math.log(p) + (b - 1) * Math.log1p(-p) - lnB);
    const inner = integrateHalfLine((lambda) => {
      const alive = Math.pow(1 - p, x) * Math.pow(lambda, x) * Math.exp(-lambda * T);
      const dead = x > 0 ? p * Math.pow(1 - p, x - 1) * Math.pow(lambda, x) * Math.exp(-lambda * tx) : 0;
      return (alive + dead) * lambdaDensity(lambda);
    });
    return inner * pDensity;
  }, 0, 1);
}

const simulated = simulateBgNbd(TRUTH, { customers: CUSTOMERS, observation: spreadObservation(CUSTOMERS, 26, 78).map((T) => T + HOLDOUT), seed: 11 });
const data = splitAt(simulated, spreadObservation(CUSTOMERS, 26, 78));

describe('BG/NBD', () => {
  it('log-likelihood equals the individual model integrated over lambda and p', () => {
    const params = { r: 1.3, alpha: 4, a: 0.7, b: 2.2 };
    for (const [x, tx, T] of [[0, 0, 10], [1, 3, 10], [4, 7.5, 20], [12, 30, 31]] as const) {
      const expected = Math.log(likelihoodByIntegration(params, x, tx, T));
      expect(bgNbd.logLikelihood(params, x, tx, T)).toBeCloseTo(expected, 5);
    }
  });

  it('log-likelihood is finite and P(alive) within [0, 1] for any valid customer and parameters, 1 when x = 0', () => {
    const positive = fc.double({ min: 1e-4, max: 1e4, noNaN: true });
    fc.assert(
      fc.property(positive, positive, positive, positive, fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1e5, noNaN: true }), (r, alpha, a, b, x, share, T) => {
        const tx = x === 0 ? 0 : share * T;
        const params = { r, alpha, a, b };
        expect(Number.isFinite(bgNbd.logLikelihood(params, x, tx, T))).toBe(true);
        const alive = bgNbd.probabilityAlive(params, x, tx, T);
        expect(alive).toBeGreaterThanOrEqual(0);
        expect(alive).toBeLessThanOrEqual(1);
        if (x === 0) expect(alive).toBe(1);
      }),
    );
  });

  it(`recovers the simulated parameters of ${CUSTOMERS} customers within 4 standard errors`, () => {
    const fit = fitTransactionModel(bgNbd, { x: data.x, tx: data.tx, T: data.T });
    expect(fit.converged).toBe(true);
    for (const name of bgNbd.parameterNames) {
      const error = Math.abs(fit.params[name] - TRUTH[name]);
      expect(error, `${name}: ${fit.params[name]} vs ${TRUTH[name]} (se ${fit.standardErrors[name]})`).toBeLessThan(4 * fit.standardErrors[name]);
      // The standard error itself shrinks as 1/sqrt(n): a few percent of the value at this size.
      expect(fit.standardErrors[name] / TRUTH[name]).toBeLessThan(0.1);
    }
  });

  it('fits compressed groups to the same optimum as the raw customers', () => {
    const days = (v: Float64Array): Float64Array => v.map((t) => Math.round(t * 7) / 7);
    const summary = { x: data.x.subarray(0, 5000), tx: days(data.tx.subarray(0, 5000)), T: days(data.T.subarray(0, 5000)) };
    const compressed = compressSummary(summary);
    expect(compressed.x.length).toBeLessThan(summary.x.length);
    const raw = fitTransactionModel(bgNbd, summary);
    const grouped = fitTransactionModel(bgNbd, compressed);
    expect(grouped.logLikelihood).toBeCloseTo(raw.logLikelihood, 4);
    expect(grouped.params.r).toBeCloseTo(raw.params.r, 3);
  });

  it('P(alive) agrees with the simulated alive share in each frequency group', () => {
    const alive = probabilityAlive(bgNbd, TRUTH, data);
    expectAliveShareMatches(alive, data, [[1, 1], [2, 3], [4, 7], [8, 1e9]]);
  });

  it('conditional expected transactions agree with the simulated future purchases per frequency group', () => {
    const expected = conditionalExpectedTransactions(bgNbd, TRUTH, HOLDOUT, data);
    expectHoldoutMeansMatch(expected, data, [[0, 0], [1, 2], [3, 6], [7, 1e9]]);
  });

  it('population E[X(t)] agrees with the mean simulated repeat purchases', () => {
    const simulated52 = simulateBgNbd(TRUTH, { customers: 20_000, observation: 52, seed: 5 });
    const actual = mean(simulated52.x);
    let variance = 0;
    for (const x of simulated52.x) variance += (x - actual.mean) ** 2 / actual.count;
    expect(Math.abs(bgNbd.expectedTransactions(TRUTH, 52) - actual.mean)).toBeLessThan(4 * Math.sqrt(variance / actual.count));
  });

  it('conditional expectation is continuous through a = 1 and grows with the horizon', () => {
    const near = (a: number): number => bgNbd.conditionalExpectedTransactions({ ...TRUTH, a }, 20, 3, 10, 30);
    expect(near(1)).toBeCloseTo((near(1 - 1e-7) + near(1 + 1e-7)) / 2, 6);
    expect(bgNbd.conditionalExpectedTransactions(TRUTH, 10, 3, 10, 30)).toBeLessThan(bgNbd.conditionalExpectedTransactions(TRUTH, 20, 3, 10, 30));
    expect(bgNbd.conditionalExpectedTransactions(TRUTH, 1e-9, 3, 10, 30)).toBeGreaterThan(0);
  });

  it('refuses malformed summaries and unconverged fits with typed errors', () => {
    expect(() => fitTransactionModel(bgNbd, { x: [1], tx: [5], T: [4] })).toThrow(ModelInputError);
    expect(() => fitTransactionModel(bgNbd, { x: [1.5], tx: [1], T: [4] })).toThrow(ModelInputError);
    expect(() => fitTransactionModel(bgNbd, { x: [], tx: [], T: [] })).toThrow(ModelInputError);
    try {
      fitTransactionModel(bgNbd, { x: data.x.subarray(0, 200), tx: data.tx.subarray(0, 200), T: data.T.subarray(0, 200) }, { maxIterations: 5 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ModelFitError);
      expect((error as ModelFitError).code).toBe('model_fit');
    }
  });
});
