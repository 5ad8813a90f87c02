import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulateParetoNbd } from '../../src/generate/index.js';
import {
  bgNbd,
  conditionalExpectedTransactions,
  fitTransactionModel,
  paretoNbd,
  probabilityAlive,
  type ParetoNbdParams,
} from '../../src/value/models/index.js';
import { gammaln } from '../../src/value/models/special.js';
import { gammaDensity, integrateHalfLine } from './quadrature.js';
import { expectAliveShareMatches, expectHoldoutMeansMatch, splitAt, spreadObservation } from './fixtures.js';

const TRUTH: ParetoNbdParams = { r: 0.7, alpha: 9, s: 0.6, beta: 12 };
const CUSTOMERS = 30_000;
const HOLDOUT = 39;
const calibrationEnd = spreadObservation(CUSTOMERS, 26, 78);
const data = splitAt(simulateParetoNbd(TRUTH, { customers: CUSTOMERS, observation: calibrationEnd.map((T) => T + HOLDOUT), seed: 17 }), calibrationEnd);

// Individual Pareto/NBD likelihood (FH 2005 note eq. 3) mixed over lambda ~ Gamma(r, alpha) and mu ~ Gamma(s, beta) by quadrature.
function likelihoodByIntegration({ r, alpha, s, beta }: ParetoNbdParams, x: number, tx: number, T: number): number {
  const lambdaDensity = gammaDensity(r, alpha, gammaln(r));
  const muDensity = gammaDensity(s, beta, gammaln(s));
  return integrateHalfLine((mu) =>
    muDensity(mu) *
    integrateHalfLine((lambda) => {
      const alive = Math.pow(lambda, x) * Math.exp(-(lambda + mu) * T);
      const diedUnseen = ((Math.pow(lambda, x) * mu) / (lambda + mu)) * (Math.exp(-(lambda + mu) * tx) - Math.exp(-(lambda + mu) * T));
      return (alive + diedUnseen) * lambdaDensity(lambda);
    }),
  );
}

describe('Pareto/NBD', () => {
  const cases = [
    [{ r: 1.2, alpha: 6, s: 0.8, beta: 15 }, 'alpha < beta'],
    [{ r: 0.9, alpha: 20, s: 1.5, beta: 4 }, 'alpha > beta'],
    [{ r: 2, alpha: 50, s: 0.4, beta: 0.5 }, 'alpha >> beta, z near 1'],
    [{ r: 1.1, alpha: 7, s: 1, beta: 7 }, 'alpha = beta'],
  ] as const;
  for (const [params, label] of cases) {
    it(`log-likelihood equals the individual model integrated over lambda and mu (${label})`, () => {
      for (const [x, tx, T] of [[0, 0, 10], [1, 3, 10], [5, 2, 40], [9, 38, 40]] as const) {
        expect(paretoNbd.logLikelihood(params, x, tx, T)).toBeCloseTo(Math.log(likelihoodByIntegration(params, x, tx, T)), 4);
      }
    });
  }

  it('log-likelihood is finite and P(alive) within [0, 1] for any valid customer and parameters', () => {
    const positive = fc.double({ min: 1e-3, max: 1e4, noNaN: true });
    fc.assert(
      fc.property(positive, positive, positive, positive, fc.integer({ min: 0, max: 2000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1e4, noNaN: true }), (r, alpha, s, beta, x, share, T) => {
        const tx = x === 0 ? 0 : share * T;
        const params = { r, alpha, s, beta };
        expect(Number.isFinite(paretoNbd.logLikelihood(params, x, tx, T))).toBe(true);
        const alive = paretoNbd.probabilityAlive(params, x, tx, T);
        expect(alive).toBeGreaterThanOrEqual(0);
        expect(alive).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it(`recovers the simulated parameters of ${CUSTOMERS} customers within 4 standard errors`, () => {
    const fit = fitTransactionModel(paretoNbd, { x: data.x, tx: data.tx, T: data.T });
    expect(fit.converged).toBe(true);
    for (const name of paretoNbd.parameterNames) {
      expect(Math.abs(fit.params[name] - TRUTH[name]), `${name}: ${fit.params[name]} (se ${fit.standardErrors[name]})`).toBeLessThan(4 * fit.standardErrors[name]);
      expect(fit.standardErrors[name] / TRUTH[name]).toBeLessThan(0.15);
    }
  });

  it('P(alive) agrees with the simulated alive share in each frequency group', () => {
    const alive = probabilityAlive(paretoNbd, TRUTH, data);
    expectAliveShareMatches(alive, data, [[0, 0], [1, 1], [2, 4], [5, 1e9]]);
  });

  it('conditional expected transactions agree with the simulated future purchases per frequency group', () => {
    const expected = conditionalExpectedTransactions(paretoNbd, TRUTH, HOLDOUT, data);
    expectHoldoutMeansMatch(expected, data, [[0, 0], [1, 2], [3, 6], [7, 1e9]]);
  });

  it('agrees with BG/NBD and the plain NBD when nobody drops out', () => {
    const noDropout = { r: 0.9, alpha: 6, s: 1e-4, beta: 1e6 };
    const neverDrops = { r: 0.9, alpha: 6, a: 1e-4, b: 1e6 };
    for (const [x, tx, T] of [[0, 0, 20], [3, 12, 30], [15, 50, 52]] as const) {
      const nbd = ((0.9 + x) / (6 + T)) * 26;
      expect(paretoNbd.conditionalExpectedTransactions(noDropout, 26, x, tx, T)).toBeCloseTo(nbd, 5);
      expect(bgNbd.conditionalExpectedTransactions(neverDrops, 26, x, tx, T)).toBeCloseTo(nbd, 3);
      expect(paretoNbd.probabilityAlive(noDropout, x, tx, T)).toBeGreaterThan(0.9999);
    }
  });

  it('conditional expectation is continuous through s = 1; population E[X(t)] is the conditional one at x = T = 0', () => {
    const at = (s: number): number => paretoNbd.conditionalExpectedTransactions({ ...TRUTH, s }, 30, 2, 10, 40);
    expect(at(1)).toBeCloseTo((at(1 - 1e-7) + at(1 + 1e-7)) / 2, 6);
    const { r, alpha, s, beta } = TRUTH;
    expect(paretoNbd.expectedTransactions(TRUTH, 52)).toBeCloseTo(((r * beta) / (alpha * (s - 1))) * (1 - Math.pow(beta / (beta + 52), s - 1)), 10);
  });
});
