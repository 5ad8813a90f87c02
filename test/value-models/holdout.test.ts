import { describe, expect, it } from 'vitest';
import { compareHoldout, cumulativeTracking, ModelInputError } from '../../src/value/models/index.js';

describe('holdout evaluation', () => {
  it('computes the MAE and the frequency groups of four customers as by hand', () => {
    // Calibration frequencies 0, 2, 2, 9; predicted 0.5, 1, 2, 6; actual 0, 2, 1, 8.
    const result = compareHoldout([0, 2, 2, 9], [0.5, 1, 2, 6], [0, 2, 1, 8]);
    // |0.5-0| + |1-2| + |2-1| + |6-8| = 4.5 over 4 customers.
    expect(result.meanAbsoluteError).toBeCloseTo(1.125, 12);
    expect(result.totalPredicted).toBe(9.5);
    expect(result.totalActual).toBe(11);
    expect(result.byFrequency.map((g) => g.label)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    expect(result.byFrequency[0]).toMatchObject({ customers: 1, meanPredicted: 0.5, meanActual: 0 });
    expect(result.byFrequency[1]?.customers).toBe(0);
    expect(result.byFrequency[1]?.meanPredicted).toBeNaN();
    expect(result.byFrequency[2]).toMatchObject({ customers: 2, meanPredicted: 1.5, meanActual: 1.5 });
    expect(result.byFrequency[7]).toMatchObject({ frequency: 7, customers: 1, meanPredicted: 6, meanActual: 8 });
  });

  it('cumulates expected and actual repeat purchases by week from each customer birth', () => {
    // Born in weeks 0, 0 and 2; E[X(t)] = 0.5 t; repeat purchases at 0.5, 1.5, 2.5 and 3.
    const tracking = cumulativeTracking({
      births: [0, 0, 2],
      repeatPurchaseTimes: [3, 0.5, 2.5, 1.5],
      checkpoints: [1, 2, 3, 4],
      expectedTransactions: (t) => 0.5 * t,
    });
    // Week 1: 2 x 0.5; week 2: 2 x 1 (the third customer is born at 2, nothing yet);
    // week 3: 2 x 1.5 + 0.5; week 4: 2 x 2 + 1.
    expect(Array.from(tracking.expected)).toEqual([1, 2, 3.5, 5]);
    expect(Array.from(tracking.actual)).toEqual([1, 2, 4, 4]);
    expect(Array.from(tracking.time)).toEqual([1, 2, 3, 4]);
  });

  it('refuses mismatched lengths and unknown births', () => {
    expect(() => compareHoldout([0, 1], [1], [1, 2])).toThrow(ModelInputError);
    expect(() => cumulativeTracking({ births: [NaN], repeatPurchaseTimes: [], checkpoints: [1], expectedTransactions: () => 0 })).toThrow(ModelInputError);
  });
});
