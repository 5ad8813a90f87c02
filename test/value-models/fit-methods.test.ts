import { describe, expect, it } from 'vitest';
import { simulateBgNbd, simulateGammaGamma, simulateParetoNbd } from '../../src/generate/index.js';
import {
  bgNbd,
  compressSummary,
  fitGammaGamma,
  fitTransactionModel,
  mbgNbd,
  paretoNbd,
  simulateMbgNbd,
  type TransactionModel,
} from '../../src/value/models/index.js';
import type { SimulatedCustomers } from '../../src/generate/index.js';

type AnyModel = TransactionModel<Readonly<Record<string, number>>>;

const CUSTOMERS = 4000;
// Continuous ages: no two customers alike, as in lifetimes' summaries of daily data.
const observation = Float64Array.from({ length: CUSTOMERS }, (_, i) => 20 + 60 * ((i * 0.6180339887) % 1));

function summary(simulated: SimulatedCustomers) {
  return compressSummary({ x: simulated.x, tx: simulated.tx, T: simulated.T });
}

const cases: readonly [AnyModel, SimulatedCustomers][] = [
  [bgNbd as unknown as AnyModel, simulateBgNbd({ r: 0.8, alpha: 8, a: 0.6, b: 2.5 }, { customers: CUSTOMERS, observation, seed: 31 })],
  [mbgNbd as unknown as AnyModel, simulateMbgNbd({ r: 0.9, alpha: 6, a: 0.8, b: 3 }, { customers: CUSTOMERS, observation, seed: 32 })],
  [paretoNbd as unknown as AnyModel, simulateParetoNbd({ r: 0.7, alpha: 9, s: 0.6, beta: 12 }, { customers: CUSTOMERS, observation, seed: 33 })],
];

function expectSameParameters(actual: Readonly<Record<string, number>>, reference: Readonly<Record<string, number>>, relative: number): void {
  for (const [name, value] of Object.entries(reference)) {
    expect(Math.abs((actual[name] ?? NaN) / value - 1), name).toBeLessThan(relative);
  }
}

describe('quasi-Newton fit against the Nelder-Mead reference', () => {
  for (const [model, simulated] of cases) {
    it(`${model.name}: BFGS on the analytic gradient reaches the Nelder-Mead optimum (1e-4 relative) with at least 5x fewer likelihood passes`, () => {
      const data = summary(simulated);
      const reference = fitTransactionModel(model, data, { method: 'nelder-mead' });
      const fast = fitTransactionModel(model, data);
      expect(reference.method).toBe('nelder-mead');
      expect(fast.method).toBe('bfgs');
      expectSameParameters(fast.params, reference.params, 1e-4);
      // The optimum, not just nearby: BFGS's log-likelihood is at least the simplex's (to rounding).
      expect(fast.logLikelihood).toBeGreaterThanOrEqual(reference.logLikelihood - 1e-6 * Math.abs(reference.logLikelihood));
      expect(fast.evaluations * 5).toBeLessThan(reference.evaluations);
      for (const name of model.parameterNames) {
        expect(Math.abs((fast.standardErrors[name] ?? NaN) / (reference.standardErrors[name] ?? NaN) - 1), name).toBeLessThan(1e-2);
      }
    });
  }

  it('above 200,000 groups, starts from a sample\'s optimum and curvature: the same optimum in a few passes over all the groups', () => {
    const customers = 240_000;
    const ages = Float64Array.from({ length: customers }, (_, i) => 1 + 77 * ((i * 0.6180339887498949) % 1));
    const data = summary(simulateBgNbd({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, { customers, observation: ages, seed: 35 }));
    expect(data.x.length).toBeGreaterThan(200_000);
    const warm = fitTransactionModel(bgNbd, data);
    // A given start turns the sample off: the usual BFGS from the models' start.
    const cold = fitTransactionModel(bgNbd, data, { start: { r: 1, alpha: 1, a: 1, b: 3 } });
    expectSameParameters(warm.params, cold.params, 1e-5);
    expect(warm.evaluations).toBeLessThanOrEqual(8);
    expect(warm.evaluations * 2).toBeLessThan(cold.evaluations);
  });

  it('a model without a gradient is still fitted, by Nelder-Mead, to the same optimum', () => {
    const [model, simulated] = cases[0] as [AnyModel, SimulatedCustomers];
    const { logLikelihoodGradientGivenX: _dropped, ...withoutGradient } = model;
    const data = summary(simulated);
    const fit = fitTransactionModel(withoutGradient, data);
    expect(fit.method).toBe('nelder-mead');
    expectSameParameters(fit.params, fitTransactionModel(model, data).params, 1e-4);
  });

  it('Gamma-Gamma: BFGS reaches the Nelder-Mead optimum with at least 5x fewer passes', () => {
    const transactions = Float64Array.from(cases[0]?.[1].x ?? [], (x) => x + 1);
    const spends = simulateGammaGamma({ p: 6, q: 4, gamma: 15 }, { transactions, seed: 34 });
    const mean = Float64Array.from(spends.spends, (s) => (s.length > 1 ? s.slice(1).reduce((a, b) => a + b, 0) / (s.length - 1) : 0));
    const x = Float64Array.from(transactions, (t) => t - 1);
    const reference = fitGammaGamma(x, mean, { method: 'nelder-mead' });
    const fast = fitGammaGamma(x, mean);
    expect(fast.method).toBe('bfgs');
    expectSameParameters({ ...fast.params }, { ...reference.params }, 1e-4);
    expect(fast.evaluations * 5).toBeLessThan(reference.evaluations);
  });

  it('Gamma-Gamma above 200,000 repeat buyers starts from a sample\'s optimum: the Nelder-Mead optimum in a few passes over all of them', () => {
    const x = Float64Array.from({ length: 240_000 }, (_, i) => 1 + (i % 6));
    const { meanSpend } = simulateGammaGamma({ p: 6, q: 4, gamma: 15 }, { transactions: x, seed: 36 });
    const fast = fitGammaGamma(x, meanSpend);
    expect(fast.method).toBe('bfgs');
    expect(fast.evaluations).toBeLessThanOrEqual(8);
    expectSameParameters({ ...fast.params }, { ...fitGammaGamma(x, meanSpend, { method: 'nelder-mead' }).params }, 1e-4);
  });
});
