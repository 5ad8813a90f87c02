import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bgNbd, mbgNbd, paretoNbd, type TransactionModel } from '../../src/value/models/index.js';

const models = [bgNbd, paretoNbd, mbgNbd] as unknown as readonly TransactionModel<Readonly<Record<string, number>>>[];

describe('predictions of every transaction model', () => {
  for (const model of models) {
    it(`${model.name}: expected transactions are finite, non-negative and grow with the horizon`, () => {
      const positive = fc.double({ min: 0.05, max: 50, noNaN: true });
      fc.assert(
        fc.property(positive, fc.double({ min: 0.5, max: 500, noNaN: true }), positive, positive, fc.integer({ min: 0, max: 300 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.1, max: 520, noNaN: true }), fc.double({ min: 0.1, max: 104, noNaN: true }), (p1, p2, p3, p4, x, share, T, t) => {
          const params = Object.fromEntries(model.parameterNames.map((name, i) => [name, [p1, p2, p3, p4][i] ?? 1]));
          const tx = x === 0 ? 0 : share * T;
          const shorter = model.conditionalExpectedTransactions(params, t / 2, x, tx, T);
          const longer = model.conditionalExpectedTransactions(params, t, x, tx, T);
          expect(Number.isFinite(longer)).toBe(true);
          expect(shorter).toBeGreaterThanOrEqual(0);
          expect(longer).toBeGreaterThanOrEqual(shorter * (1 - 1e-9));
          expect(Number.isFinite(model.expectedTransactions(params, t))).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  }
});
