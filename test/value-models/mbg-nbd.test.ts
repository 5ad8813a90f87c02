import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bgNbd,
  conditionalExpectedTransactions,
  fitTransactionModel,
  mbgNbd,
  probabilityAlive,
  simulateMbgNbd,
  type MbgNbdParams,
} from '../../src/value/models/index.js';
import { betaln, gammaln } from '../../src/value/models/special.js';
import { gammaDensity, integrateFinite, integrateHalfLine } from './quadrature.js';
import { expectAliveShareMatches, expectHoldoutMeansMatch, splitAt, spreadObservation } from './fixtures.js';

const TRUTH: MbgNbdParams = { r: 0.9, alpha: 7, a: 0.5, b: 3 };
const CUSTOMERS = 30_000;
const HOLDOUT = 39;
const calibrationEnd = spreadObservation(CUSTOMERS, 26, 78);
const data = splitAt(simulateMbgNbd(TRUTH, { customers: CUSTOMERS, observation: calibrationEnd.map((T) => T + HOLDOUT), seed: 23 }), calibrationEnd);

// Individual MBG/NBD likelihood (Batislam et al. 2007 eq. 3) mixed over lambda and p by quadrature.
function likelihoodByIntegration({ r, alpha, a, b }: MbgNbdParams, x: number, tx: number, T: number): number {
  const lambdaDensity = gammaDensity(r, alpha, gammaln(r));
  const lnB = betaln(a, b);
  return integrateFinite((p) => {
    const pDensity = Math.exp((a - 1) * Math.log(p) + (b - 1) * Math.log1p(-p) - lnB);
    return pDensity * integrateHalfLine((lambda) => {
      const alive = Math.pow(1 - p, x + 1) * Math.pow(lambda, x) * Math.exp(-lambda * T);
      const dead = p * Math.pow(1 - p, x) * Math.pow(lambda, x) * Math.exp(-lambda * tx);
      return (alive + dead) * lambdaDensity(lambda);
    });
  }, 0, 1);
}

// The textbook power series of 2F1 (A&S 15.1.1), without Euler's transformation.
function hyp2f1Direct(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 100_000 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    sum += term;
  }
  return sum;
}

describe('MBG/NBD', () => {
  it('log-likelihood equals the individual model integrated over lambda and p', () => {
    const params = { r: 1.4, alpha: 5, a: 0.8, b: 2.6 };
    for (const [x, tx, T] of [[0, 0, 10], [1, 3, 10], [4, 7.5, 20], [12, 30, 31]] as const) {
      expect(mbgNbd.logLikelihood(params, x, tx, T)).toBeCloseTo(Math.log(likelihoodByIntegration(params, x, tx, T)), 5);
    }
  });

  it('conditional expectation (Euler-transformed 2F1) matches the published form with the direct series', () => {
    const { r, alpha, a, b } = { r: 1.4, alpha: 5, a: 2.5, b: 2.6 };
    for (const [t, x, tx, T] of [[10, 0, 0, 20], [26, 3, 12, 30], [52, 20, 50, 52]] as const) {
      const z = t / (alpha + T + t);
      const alive = 1 / (1 + (a / (b + x)) * Math.pow((alpha + T) / (alpha + tx), r + x));
      const mbg = ((a + b + x) / (a - 1)) * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1Direct(r + x, b + x + 1, a + b + x, z)) * alive;
      expect(mbgNbd.conditionalExpectedTransactions({ r, alpha, a, b }, t, x, tx, T)).toBeCloseTo(mbg, 8);
      const bgAlive = x === 0 ? 1 : 1 / (1 + (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x));
      const bg = ((a + b + x - 1) / (a - 1)) * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1Direct(r + x, b + x, a + b + x - 1, z)) * bgAlive;
      expect(bgNbd.conditionalExpectedTransactions({ r, alpha, a, b }, t, x, tx, T)).toBeCloseTo(bg, 8);
    }
    const population = (b / (a - 1)) * (1 - Math.pow(alpha / (alpha + 52), r) * hyp2f1Direct(r, b + 1, a + b, 52 / (alpha + 52)));
    expect(mbgNbd.expectedTransactions({ r, alpha, a, b }, 52)).toBeCloseTo(population, 8);
  });

  it('log-likelihood is finite and P(alive) within [0, 1] for any valid customer and parameters, below 1 when x = 0', () => {
    const positive = fc.double({ min: 1e-4, max: 1e4, noNaN: true });
    fc.assert(
      fc.property(positive, positive, positive, positive, fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1e5, noNaN: true }), (r, alpha, a, b, x, share, T) => {
        const tx = x === 0 ? 0 : share * T;
        const params = { r, alpha, a, b };
        expect(Number.isFinite(mbgNbd.logLikelihood(params, x, tx, T))).toBe(true);
        const alive = mbgNbd.probabilityAlive(params, x, tx, T);
        expect(alive).toBeGreaterThanOrEqual(0);
        expect(alive).toBeLessThanOrEqual(1);
        if (x === 0) expect(alive).toBeLessThan(1);
      }),
    );
  });

  it(`recovers the simulated parameters of ${CUSTOMERS} customers within 4 standard errors`, () => {
    const fit = fitTransactionModel(mbgNbd, { x: data.x, tx: data.tx, T: data.T });
    expect(fit.converged).toBe(true);
    for (const name of mbgNbd.parameterNames) {
      expect(Math.abs(fit.params[name] - TRUTH[name]), `${name}: ${fit.params[name]} (se ${fit.standardErrors[name]})`).toBeLessThan(4 * fit.standardErrors[name]);
      expect(fit.standardErrors[name] / TRUTH[name]).toBeLessThan(0.1);
    }
  });

  it('P(alive) agrees with the simulated alive share in each frequency group, customers without repeat purchases included', () => {
    const alive = probabilityAlive(mbgNbd, TRUTH, data);
    expectAliveShareMatches(alive, data, [[0, 0], [1, 1], [2, 4], [5, 1e9]]);
  });

  it('conditional expected transactions agree with the simulated future purchases per frequency group', () => {
    const expected = conditionalExpectedTransactions(mbgNbd, TRUTH, HOLDOUT, data);
    expectHoldoutMeansMatch(expected, data, [[0, 0], [1, 2], [3, 6], [7, 1e9]]);
  });
});
