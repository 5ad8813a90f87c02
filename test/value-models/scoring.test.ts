import { describe, expect, it } from 'vitest';
import {
  bgNbd,
  compressSummary,
  mbgCnbdOfOrder,
  mbgNbd,
  paretoNbd,
  scoreCustomers,
  type CustomerSummary,
  type TransactionModel,
} from '../../src/value/models/index.js';

type AnyModel = TransactionModel<Readonly<Record<string, number>>>;

const PARAMS: Record<string, Readonly<Record<string, number>>> = {
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  mbgnbd: { r: 0.5, alpha: 0.8, a: 1.3, b: 4 },
  paretonbd: { r: 0.55, alpha: 10.6, s: 0.61, beta: 11.7 },
};

/** Customers with continuous ages (so many distinct T per frequency that scoring interpolates) or whole weeks. */
function customers(n: number, continuous: boolean): CustomerSummary {
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const age = 0.01 + 150 * ((i * 0.6180339887498949) % 1);
    T[i] = continuous ? age : Math.round(age);
    x[i] = i % 7 === 0 ? 0 : (i * 7919) % 13;
    tx[i] = x[i] === 0 ? 0 : (T[i] ?? 0) * ((i * 0.41421356) % 1);
  }
  return { x, tx, T };
}

function direct(model: AnyModel, params: Readonly<Record<string, number>>, data: CustomerSummary, horizon: number, rate: number) {
  const n = data.x.length;
  const expected = new Float64Array(n);
  const discounted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let previous = 0;
    for (let k = 1; k <= horizon; k++) {
      const cumulative = model.conditionalExpectedTransactions(params, k, data.x[i] ?? 0, data.tx[i] ?? 0, data.T[i] ?? 0);
      discounted[i] = (discounted[i] ?? 0) + (cumulative - previous) * Math.pow(1 + rate, -k);
      previous = cumulative;
    }
    expected[i] = previous;
  }
  return { expected, discounted };
}

function expectRelative(actual: Float64Array, expected: Float64Array, tolerance: number): void {
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs((actual[i] ?? NaN) - (expected[i] ?? 0)) / Math.max(Math.abs(expected[i] ?? 0), 1e-300));
  expect(worst).toBeLessThan(tolerance);
}

describe('vectorised scoring', () => {
  for (const model of [bgNbd, mbgNbd, paretoNbd] as unknown as AnyModel[]) {
    for (const continuous of [true, false]) {
      it(`${model.name}, ${continuous ? 'continuous ages (interpolated in T)' : 'whole weeks (once per distinct T)'}: equals the per-customer sums to 1e-9 relative`, () => {
        const params = PARAMS[model.name] ?? {};
        const data = customers(continuous ? 60_000 : 5000, continuous);
        const scores = scoreCustomers(model, params, data, { horizon: 52, discountRate: 0.0018 });
        // The reference on a sample: every 13th customer.
        const sample = Int32Array.from({ length: Math.ceil(data.x.length / 13) }, (_, k) => k * 13);
        const pick = (v: ArrayLike<number>): Float64Array => Float64Array.from(sample, (i) => v[i] ?? NaN);
        const subset = { x: pick(data.x), tx: pick(data.tx), T: pick(data.T) };
        const reference = direct(model, params, subset, 52, 0.0018);
        expectRelative(pick(scores.expected), reference.expected, 1e-9);
        expectRelative(pick(scores.discounted), reference.discounted, 1e-9);
        const alive = Float64Array.from(sample, (i) => model.probabilityAlive(params, data.x[i] ?? 0, data.tx[i] ?? 0, data.T[i] ?? 0));
        expectRelative(pick(scores.alive), alive, 1e-15);
      });
    }
  }

  it('a model without expectedTransactionsIfAlive is scored customer by customer, to the same figures', () => {
    const { expectedTransactionsIfAlive: _dropped, ...plain } = bgNbd as unknown as AnyModel;
    const data = customers(2000, true);
    const params = PARAMS.bgnbd ?? {};
    const fast = scoreCustomers(bgNbd as unknown as AnyModel, params, data, { horizon: 26, discountRate: 0.002 });
    const slow = scoreCustomers(plain, params, data, { horizon: 26, discountRate: 0.002 });
    expectRelative(fast.discounted, slow.discounted, 1e-9);
    expectRelative(fast.expected, slow.expected, 1e-9);
  });
});

describe('scoring by phase (MBG/CNBD-k)', () => {
  for (const k of [2, 4]) {
    it(`order ${k}: each customer's phase weights times the per-(x, T, phase) sums equal his per-customer sums to 1e-12 relative`, () => {
      const model = mbgCnbdOfOrder(k) as unknown as AnyModel;
      const params = { r: 1.05, alpha: 4.4 / k, a: 1.02, b: 1.01 };
      // Whole weeks, several recencies per (x, T): the weights differ where the sums are shared.
      const data = customers(1500, false);
      const scores = scoreCustomers(model, params, data, { horizon: 52, discountRate: 0.0018 });
      const reference = direct(model, params, data, 52, 0.0018);
      expectRelative(scores.expected, reference.expected, 1e-12);
      expectRelative(scores.discounted, reference.discounted, 1e-12);
      const weights = model.phaseMixture?.weights(params, 3, 10, 40) ?? new Float64Array(0);
      expect(weights.length).toBe(k);
      expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(model.probabilityAlive(params, 3, 10, 40), 14);
    });
  }
});

describe('compressed summaries', () => {
  it('group equal (x, t_x, T) triples in first-seen order with their counts, 0 and -0 alike', () => {
    const summary = { x: [1, 0, 1, 2, 1, 0], tx: [3.5, 0, 3.5, 4, 3.5, -0], T: [10, 8, 10, 10, 11, 8] };
    const data = compressSummary(summary);
    expect(Array.from(data.x)).toEqual([1, 0, 2, 1]);
    expect(Array.from(data.T)).toEqual([10, 8, 10, 11]);
    expect(Array.from(data.weight)).toEqual([2, 2, 1, 1]);
    expect(Array.from(data.groupOf)).toEqual([0, 1, 0, 2, 3, 1]);
    expect(data.customers).toBe(6);
  });

  it('keep every customer of a large continuous summary apart', () => {
    const data = customers(50_000, true);
    const compressed = compressSummary(data);
    const keys = new Set(Array.from(data.x, (x, i) => `${x}|${data.tx[i]}|${data.T[i]}`));
    expect(compressed.x.length).toBe(keys.size);
    for (let i = 0; i < 50_000; i += 97) {
      const g = compressed.groupOf[i] ?? -1;
      expect([compressed.x[g], compressed.tx[g], compressed.T[g]]).toEqual([data.x[i], data.tx[i], data.T[i]]);
    }
  });
});
