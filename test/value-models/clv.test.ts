import { describe, expect, it } from 'vitest';
import { bgNbd, customerLifetimeValue, ModelInputError, type TransactionModel } from '../../src/value/models/index.js';

/** A toy model whose customers buy exactly `rate` transactions per period forever, to check the sum by hand. */
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

describe('CLV', () => {
  it('discounts each period by (1 + d)^-k and applies the margin rate', () => {
    const data = { x: [2, 0], tx: [3, 0], T: [5, 5] };
    const clv = customerLifetimeValue(steady, { rate: 2 }, data, [50, 10], { horizon: 3, discountRate: 0.1, marginRate: 0.3 });
    const annuity = 1 / 1.1 + 1 / 1.1 ** 2 + 1 / 1.1 ** 3;
    expect(clv[0]).toBeCloseTo(0.3 * 50 * 2 * annuity, 10);
    expect(clv[1]).toBeCloseTo(0.3 * 10 * 2 * annuity, 10);
  });

  it('without discount equals margin x spend x expected transactions over the horizon (BG/NBD)', () => {
    const params = { r: 0.8, alpha: 8, a: 0.6, b: 2.5 };
    const data = { x: [4], tx: [20], T: [30] };
    const [undiscounted] = customerLifetimeValue(bgNbd, params, data, [40], { horizon: 52, discountRate: 0, marginRate: 0.25 });
    expect(undiscounted).toBeCloseTo(0.25 * 40 * bgNbd.conditionalExpectedTransactions(params, 52, 4, 20, 30), 8);
    const [discounted] = customerLifetimeValue(bgNbd, params, data, [40], { horizon: 52, discountRate: 0.002, marginRate: 0.25 });
    expect(discounted).toBeLessThan(undiscounted ?? 0);
  });

  it('refuses a fractional horizon and a discount rate of -100%', () => {
    const data = { x: [0], tx: [0], T: [1] };
    expect(() => customerLifetimeValue(steady, { rate: 1 }, data, [1], { horizon: 1.5, discountRate: 0, marginRate: 1 })).toThrow(ModelInputError);
    expect(() => customerLifetimeValue(steady, { rate: 1 }, data, [1], { horizon: 2, discountRate: -1, marginRate: 1 })).toThrow(ModelInputError);
  });
});
