import { describe, expect, it } from 'vitest';
import {
  bgNbd,
  customerLifetimeValue,
  mbgNbd,
  ModelInputError,
  paretoNbd,
  type TransactionModel,
} from '../../src/value/models/index.js';
import {
  discountedResidualTransactions,
  discountedTransactionsOverHorizon,
  paretoNbdResidualTransactions,
  residualTransactions,
  residualTransactionsByGroup,
  scaledExponentialIntegral,
} from '../../src/value/models/lifetime.js';
import { mbgCnbdOfOrder } from '../../src/value/models/mbg-cnbd-k.js';
import { integrateFinite, integrateHalfLine } from './quadrature.js';

/** 10% a year on weeks, as the pipeline discounts. */
const WEEKLY = Math.pow(1.1, 1 / 52.1775) - 1;
/** CDNOW-like estimates (FHL 2005 papers' orders of magnitude). */
const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const PARETO = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
const HISTORIES: readonly (readonly [number, number, number])[] = [
  [0, 0, 38],
  [1, 5, 70],
  [2, 30, 38],
  [10, 37, 38],
  [25, 75, 78],
];

const steady: TransactionModel<{ rate: number }> = {
  name: 'bgnbd',
  parameterNames: ['rate'],
  logLikelihood: () => 0,
  logLikelihoodGivenX: () => () => 0,
  probabilityAlive: () => 1,
  conditionalExpectedTransactions: ({ rate }, t) => rate * t,
  expectedTransactions: ({ rate }, t) => rate * t,
  startingPoint: () => ({ rate: 1 }),
};

/** The per-period sum taken far enough that the rest is below 1e-12 of it (increments fall, v^K / d tiny). */
function plainSum(model: TransactionModel<Readonly<Record<string, number>>>, params: Readonly<Record<string, number>>, x: number, tx: number, T: number): number {
  return discountedTransactionsOverHorizon(model, params, x, tx, T, 20_000, WEEKLY);
}

describe('e^z E_s(z) = U(1, 2-s, z), the integral in the Pareto/NBD lifetime', () => {
  it('equals the integral of e^(-zu) (1+u)^(-s) over (0, inf) by quadrature, for small and large s and z', () => {
    for (const s of [0.05, 0.606, 1, 1.5, 3, 12]) {
      for (const z of [0.002, 0.05, 0.5, 1, 7, 80]) {
        const quadrature = integrateHalfLine((u) => Math.exp(-z * u) * Math.pow(1 + u, -s));
        expect(Math.abs(scaledExponentialIntegral(s, z) / quadrature - 1), `s=${s} z=${z}`).toBeLessThan(1e-8);
      }
    }
  });

  it('at s = 1 is e^z E_1(z), whose series is known (A&S 5.1.11)', () => {
    const z = 0.3;
    let series = -0.5772156649015329 - Math.log(z);
    let term = 1;
    for (let k = 1; k < 40; k++) {
      term *= -z / k;
      series -= term / k;
    }
    expect(scaledExponentialIntegral(1, z)).toBeCloseTo(Math.exp(z) * series, 12);
  });
});

describe('Pareto/NBD DERT in closed form (Fader, Hardie & Lee 2005, "RFM and CLV")', () => {
  it('equals delta x the integral of e^(-delta t) E[Y(t)] (integration by parts of the discounted purchase stream)', () => {
    const delta = Math.log1p(WEEKLY);
    for (const [x, tx, T] of HISTORIES) {
      const closed = paretoNbdResidualTransactions(PARETO, paretoNbd.probabilityAlive(PARETO, x, tx, T), x, T, WEEKLY);
      const numeric = delta * integrateHalfLine((t) => Math.exp(-delta * t) * paretoNbd.conditionalExpectedTransactions(PARETO, t, x, tx, T));
      expect(Math.abs(closed / numeric - 1), `x=${x} tx=${tx} T=${T}`).toBeLessThan(1e-7);
    }
  });

  it('lies between the per-period sum and (1 + d) times it: each purchase is discounted at its time, not at its period end', () => {
    for (const [x, tx, T] of HISTORIES) {
      const closed = paretoNbdResidualTransactions(PARETO, paretoNbd.probabilityAlive(PARETO, x, tx, T), x, T, WEEKLY);
      const generic = discountedResidualTransactions(paretoNbd, PARETO, x, tx, T, { discountRate: WEEKLY });
      // Stated tolerance: the sum's own error (1e-4) on either side of [1, 1 + d].
      expect(closed / generic).toBeGreaterThanOrEqual(1 - 1e-4);
      expect(closed / generic).toBeLessThanOrEqual((1 + WEEKLY) * (1 + 1e-4));
    }
  });

  it('is what residualTransactions gives for Pareto/NBD', () => {
    const data = { x: [2, 0], tx: [30, 0], T: [38, 50] };
    const dert = residualTransactions(paretoNbd, PARETO, data, { discountRate: WEEKLY });
    expect(dert[0]).toBeCloseTo(paretoNbdResidualTransactions(PARETO, paretoNbd.probabilityAlive(PARETO, 2, 30, 38), 2, 38, WEEKLY), 12);
  });
});

describe('DERT of any model: the discounted infinite sum of per-period increments', () => {
  it('sums a steady rate to rate / d, the perpetuity', () => {
    expect(discountedResidualTransactions(steady, { rate: 2 }, 0, 0, 10, { discountRate: 0.01, tolerance: 1e-9 })).toBeCloseTo(200, 4);
  });

  it('is within its 1e-4 tolerance of the period-by-period sum taken 20,000 periods far (BG/NBD, MBG/NBD, Pareto/NBD)', () => {
    const cases: [TransactionModel<Readonly<Record<string, number>>>, Readonly<Record<string, number>>][] = [
      [bgNbd as never, BG],
      [mbgNbd as never, BG],
      [paretoNbd as never, PARETO],
    ];
    for (const [model, params] of cases) {
      for (const [x, tx, T] of HISTORIES) {
        const plain = plainSum(model, params, x, tx, T);
        const fast = discountedResidualTransactions(model, params, x, tx, T, { discountRate: WEEKLY });
        expect(Math.abs(fast / plain - 1), `${model.name} x=${x} tx=${tx} T=${T}`).toBeLessThan(1e-4);
      }
    }
  });

  it('meets a tighter tolerance when asked', () => {
    const plain = plainSum(bgNbd as never, BG, 1, 5, 70);
    const tight = discountedResidualTransactions(bgNbd, BG, 1, 5, 70, { discountRate: WEEKLY, tolerance: 1e-7 });
    expect(Math.abs(tight / plain - 1)).toBeLessThan(1e-7);
  });

  it('is worth more than any finite horizon, and the finite horizon is the existing CLV divided by spend', () => {
    for (const [x, tx, T] of HISTORIES) {
      const lifetime = discountedResidualTransactions(bgNbd, BG, x, tx, T, { discountRate: WEEKLY });
      const year = discountedTransactionsOverHorizon(bgNbd, BG, x, tx, T, 52, WEEKLY);
      expect(lifetime).toBeGreaterThan(year);
      const [clv] = customerLifetimeValue(bgNbd, BG, { x: [x], tx: [tx], T: [T] }, [40], { horizon: 52, discountRate: WEEKLY, marginRate: 0.3 });
      expect(clv).toBeCloseTo(0.3 * 40 * year, 10);
    }
  });

  it('per (x, T) group: the same as customer by customer (the future of one known alive depends on x and T only)', () => {
    const data = { x: [2, 2, 2, 0, 0], tx: [5, 20, 38, 0, 0], T: [38, 38, 38, 38, 60] };
    for (const [model, params] of [
      [bgNbd, BG],
      [mbgNbd, BG],
      [paretoNbd, PARETO],
    ] as const) {
      const one = residualTransactions(model as never, params, data, { discountRate: WEEKLY });
      const grouped = residualTransactionsByGroup(model as never, params, data, { discountRate: WEEKLY });
      for (let i = 0; i < data.x.length; i++) expect(Math.abs((grouped[i] ?? 0) / (one[i] ?? 1) - 1), `${model.name} ${i}`).toBeLessThan(2e-4);
    }
  });

  it('refuses a lifetime without discounting (an infinite sum of purchases) and a fractional horizon', () => {
    expect(() => discountedResidualTransactions(bgNbd, BG, 1, 1, 2, { discountRate: 0 })).toThrow(ModelInputError);
    expect(() => discountedTransactionsOverHorizon(bgNbd, BG, 1, 1, 2, 1.5, WEEKLY)).toThrow(ModelInputError);
  });
});

describe('MBG/CNBD-k DERT by its own form (continuous discounting, expectation over the purchase rate)', () => {
  const REGULAR = { r: 1.05, alpha: 4.449, a: 1.025, b: 1.011 };
  const data = { x: HISTORIES.map((h) => h[0]), tx: HISTORIES.map((h) => h[1]), T: HISTORIES.map((h) => h[2]) };
  for (const k of [1, 2, 4]) {
    const model = mbgCnbdOfOrder(k);
    it(`k=${k}: equals delta x the integral of e^(-delta t) E[Y(t)] (integration by parts of the discounted purchase stream)`, () => {
      const delta = Math.log1p(WEEKLY);
      const dert = residualTransactions(model, REGULAR, data, { discountRate: WEEKLY });
      // e^(-delta t) is below 1e-11 beyond 25 / delta, where E[Y(t)] grows at most linearly.
      const end = 25 / delta;
      HISTORIES.forEach(([x, tx, T], i) => {
        const numeric = delta * integrateFinite((t) => Math.exp(-delta * t) * model.conditionalExpectedTransactions(REGULAR, t, x, tx, T), 0, end);
        expect(Math.abs((dert[i] ?? NaN) / numeric - 1), `x=${x} tx=${tx} T=${T}`).toBeLessThan(1e-6);
      });
    });

    it(`k=${k}: lies between the per-period sum and (1 + d) times it: each purchase is discounted at its time, not at its period end`, () => {
      // 2% a period, so that 1,500 periods leave a rest below 1e-12 of the sum.
      const rate = 0.02;
      const dert = residualTransactions(model, REGULAR, data, { discountRate: rate });
      HISTORIES.forEach(([x, tx, T], i) => {
        const periodSum = discountedTransactionsOverHorizon(model, REGULAR, x, tx, T, 1500, rate);
        expect(dert[i], `x=${x} tx=${tx} T=${T}`).toBeGreaterThanOrEqual(periodSum * (1 - 1e-9));
        expect(dert[i], `x=${x} tx=${tx} T=${T}`).toBeLessThanOrEqual(periodSum * (1 + rate) * (1 + 1e-9));
      });
    });
  }
});
