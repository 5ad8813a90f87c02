import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compressSummary, conditionalExpectedTransactions, fitTransactionModel, mbgNbd, probabilityAlive } from '../../src/value/models/index.js';
import {
  fitMbgCnbd,
  mbgCnbd,
  mbgCnbdOfOrder,
  totalLogInterPurchaseTimes,
  type MbgCnbdFittedParams,
  type MbgCnbdParams,
} from '../../src/value/models/mbg-cnbd-k.js';
import { betaln, gammaln } from '../../src/value/models/special.js';
import { gammaDensity, integrateFinite, integrateHalfLine } from './quadrature.js';
import { expectAliveShareMatches, expectHoldoutMeansMatch } from './fixtures.js';
import { regularBuyers } from './regular-buyers.js';

const TRUTH: MbgCnbdFittedParams = { k: 3, r: 2, alpha: 2, a: 0.8, b: 6 };
const CUSTOMERS = 20_000;
const HOLDOUT = 39;
const data = regularBuyers(TRUTH, { customers: CUSTOMERS, holdout: HOLDOUT, seed: 41 });

/**
 * The individual MBG/CNBD-k likelihood mixed over lambda and p by quadrature: x Erlang-k gaps
 * (density lambda^k tau^(k-1) e^(-lambda tau)/(k-1)!, whose product is lambda^(kx) e^(-lambda t_x)
 * e^((k-1) litt)/((k-1)!)^x), then either a dropout coin (p) or survival to T with no purchase
 * (1-p) P(Erlang-k > T - t_x).
 */
function likelihoodByIntegration(k: number, { r, alpha, a, b }: MbgCnbdParams, x: number, tx: number, T: number, litt: number): number {
  const lambdaDensity = gammaDensity(r, alpha, gammaln(r));
  const lnB = betaln(a, b);
  const logGaps = (k - 1) * litt - x * gammaln(k);
  return integrateFinite((p) => {
    const pDensity = Math.exp((a - 1) * Math.log(p) + (b - 1) * Math.log1p(-p) - lnB);
    return pDensity * integrateHalfLine((lambda) => {
      const gaps = Math.exp(k * x * Math.log(lambda) - lambda * tx + logGaps);
      let survival = 0;
      let term = Math.exp(-lambda * (T - tx));
      for (let i = 0; i < k; i++) {
        survival += term;
        term *= (lambda * (T - tx)) / (i + 1);
      }
      const alive = Math.pow(1 - p, x + 1) * survival;
      const dead = p * Math.pow(1 - p, x);
      return gaps * (alive + dead) * lambdaDensity(lambda);
    });
  }, 0, 1);
}

describe('MBG/CNBD-k', () => {
  it('log-likelihood plus (k-1) litt equals the individual model integrated over lambda and p', () => {
    const params = { r: 1.4, alpha: 5, a: 0.8, b: 2.6 };
    for (const k of [1, 2, 4]) {
      for (const [x, tx, T, litt] of [[0, 0, 10, 0], [1, 3, 10, Math.log(3)], [4, 7.5, 20, 2.1], [12, 30, 31, 10.4]] as const) {
        const model = mbgCnbdOfOrder(k);
        expect(model.logLikelihood(params, x, tx, T) + (k - 1) * litt, `k=${k} x=${x}`).toBeCloseTo(Math.log(likelihoodByIntegration(k, params, x, tx, T, litt)), 5);
      }
    }
  });

  it('with k = 1 is MBG/NBD: same likelihood, P(alive), conditional and population expectations', () => {
    const params = { r: 1.4, alpha: 5, a: 2.5, b: 2.6 };
    const k1 = mbgCnbdOfOrder(1);
    for (const [x, tx, T] of [[0, 0, 20], [3, 12, 30], [20, 50, 52], [1, 0.5, 80]] as const) {
      expect(k1.logLikelihood(params, x, tx, T)).toBeCloseTo(mbgNbd.logLikelihood(params, x, tx, T), 10);
      expect(k1.probabilityAlive(params, x, tx, T)).toBeCloseTo(mbgNbd.probabilityAlive(params, x, tx, T), 12);
      for (const t of [1, 13, 52]) {
        expect(k1.conditionalExpectedTransactions(params, t, x, tx, T)).toBeCloseTo(mbgNbd.conditionalExpectedTransactions(params, t, x, tx, T), 8);
      }
    }
    expect(k1.expectedTransactions(params, 52)).toBeCloseTo(mbgNbd.expectedTransactions(params, 52), 8);
  });

  it('log-likelihood is finite, P(alive) within [0, 1] and below 1 when x = 0, expectations finite and growing with t, for any valid customer and parameters', () => {
    // Summaries count at most one purchase per period, so T >= x; rates stay below ~40 a period.
    const shape = fc.double({ min: 1e-3, max: 20, noNaN: true });
    const scale = fc.double({ min: 0.5, max: 1e3, noNaN: true });
    const beta = fc.double({ min: 1e-3, max: 1e3, noNaN: true });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), shape, scale, beta, beta, fc.integer({ min: 0, max: 300 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true }), (k, r, alpha, a, b, x, share, extra) => {
        const T = x + extra;
        const tx = x === 0 ? 0 : share * T;
        const params = { r, alpha, a, b };
        const model = mbgCnbdOfOrder(k);
        expect(Number.isFinite(model.logLikelihood(params, x, tx, T))).toBe(true);
        const alive = model.probabilityAlive(params, x, tx, T);
        expect(alive).toBeGreaterThanOrEqual(0);
        expect(alive).toBeLessThanOrEqual(1);
        if (x === 0) expect(alive).toBeLessThan(1);
        const near = model.conditionalExpectedTransactions(params, 4, x, tx, T);
        const far = model.conditionalExpectedTransactions(params, 52, x, tx, T);
        expect(Number.isFinite(far) && near >= 0).toBe(true);
        // Equal up to rounding once every future purchase falls within 4 periods.
        expect(far).toBeGreaterThanOrEqual(near * (1 - 1e-9));
      }),
      { numRuns: 300 },
    );
  });

  it('scores fitted parameters by the k they carry', () => {
    const params = { r: 2, alpha: 2, a: 0.8, b: 6 };
    expect(mbgCnbd.probabilityAlive({ ...params, k: 3 } as MbgCnbdParams, 5, 10, 30)).toBeCloseTo(mbgCnbdOfOrder(3).probabilityAlive(params, 5, 10, 30), 14);
    expect(mbgCnbdOfOrder(3).probabilityAlive(params, 5, 10, 30)).toBeLessThan(mbgNbd.probabilityAlive(params, 5, 10, 30));
  });

  it('P(alive) agrees with the simulated alive share in each frequency group (Monte-Carlo)', () => {
    const alive = probabilityAlive(mbgCnbd, TRUTH, data);
    expectAliveShareMatches(alive, data, [[0, 0], [1, 2], [3, 6], [7, 12], [13, 1e9]]);
  });

  it('conditional expected transactions agree with the simulated future purchases per frequency group', () => {
    const expected = conditionalExpectedTransactions(mbgCnbd, TRUTH, HOLDOUT, data);
    expectHoldoutMeansMatch(expected, data, [[0, 0], [1, 2], [3, 6], [7, 12], [13, 1e9]]);
  });

  it(`chooses k by likelihood and recovers the simulated parameters of ${CUSTOMERS} customers within 4 standard errors`, () => {
    const fit = fitMbgCnbd({ x: data.x, tx: data.tx, T: data.T }, totalLogInterPurchaseTimes(data));
    expect(fit.k).toBe(TRUTH.k);
    expect(fit.orders.map((o) => o.k).slice(0, 4)).toEqual([1, 2, 3, 4]);
    for (const name of ['r', 'alpha', 'a', 'b'] as const) {
      const se = fit.fit.standardErrors[name];
      expect(Math.abs(fit.params[name] - TRUTH[name]), `${name}: ${fit.params[name]} (se ${se})`).toBeLessThan(4 * se);
      expect(se / TRUTH[name]).toBeLessThan(0.15);
    }
  });

  it('fits each order by BFGS on its analytic gradient to the Nelder-Mead optimum (1e-4 relative), in at least 5x fewer passes', () => {
    const summary = compressSummary({ x: data.x, tx: data.tx, T: data.T });
    const fast = fitTransactionModel(mbgCnbdOfOrder(3), summary);
    const reference = fitTransactionModel(mbgCnbdOfOrder(3), summary, { method: 'nelder-mead' });
    expect(fast.method).toBe('bfgs');
    for (const name of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(fast.params[name] / reference.params[name] - 1), name).toBeLessThan(1e-4);
    expect(fast.evaluations * 5).toBeLessThan(reference.evaluations);
  });

  it('refuses a summary without litt, or with litt for a customer without repeat purchase', () => {
    expect(() => totalLogInterPurchaseTimes({ x: [1], tx: [1], T: [2] })).toThrow(/litt/);
    expect(() => totalLogInterPurchaseTimes({ x: [0], tx: [0], T: [2], litt: [1] })).toThrow(/customer 0/);
    expect(() => mbgCnbdOfOrder(0)).toThrow(/k must/);
  });
});
