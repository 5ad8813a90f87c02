import { describe, expect, it } from 'vitest';
import { bgNbd, mbgNbd, paretoNbd, type TransactionModel } from '../../src/value/models/index.js';
import { mbgCnbdOfOrder } from '../../src/value/models/mbg-cnbd-k.js';
import { gammaGammaLogLikelihood, gammaGammaLogLikelihoodGradient, gammaGammaTotalWithGradient } from '../../src/value/models/gamma-gamma.js';

type AnyModel = TransactionModel<Readonly<Record<string, number>>>;

/** d ln L / d ln(parameter) by central differences on the log scale. */
function centralDifferences(f: (logPoint: number[]) => number, logPoint: readonly number[], h = 1e-5): number[] {
  return logPoint.map((_, i) => {
    const up = [...logPoint];
    const down = [...logPoint];
    up[i] = (up[i] ?? 0) + h;
    down[i] = (down[i] ?? 0) - h;
    return (f(up) - f(down)) / (2 * h);
  });
}

function analytic(model: AnyModel, params: Readonly<Record<string, number>>, x: number, tx: number, T: number, weight = 1): { value: number; gradient: Float64Array } {
  const gradient = new Float64Array(model.parameterNames.length);
  const run = { tx: Float64Array.of(tx), T: Float64Array.of(T), weight: Float64Array.of(weight), start: 0, end: 1 };
  const value = model.logLikelihoodGradientGivenX?.(params, x, run, gradient) ?? NaN;
  return { value, gradient };
}

const CUSTOMERS: readonly (readonly [number, number, number])[] = [
  [0, 0, 10],
  [0, 0, 0.5],
  [1, 3, 10],
  [4, 7.25, 20.5],
  [12, 30, 31],
  [3, 19.999, 20],
  [25, 12.4, 80.3],
];

const PARAMETERS: Record<string, readonly Readonly<Record<string, number>>[]> = {
  bgnbd: [{ r: 0.24, alpha: 4.4, a: 0.79, b: 2.43 }, { r: 2.5, alpha: 0.3, a: 3.2, b: 0.6 }],
  mbgnbd: [{ r: 0.5, alpha: 6, a: 1.2, b: 4 }, { r: 1.7, alpha: 0.9, a: 0.3, b: 0.8 }],
  // Both forms of the 2F1 term: alpha >= beta and alpha < beta, and alpha = beta (z = 0).
  // MBG/CNBD-k of orders 1 (MBG/NBD), 2 and 5.
  mbgcnbd: [{ r: 0.5, alpha: 6, a: 1.2, b: 4 }, { r: 1.7, alpha: 0.9, a: 0.3, b: 0.8 }],
  paretonbd: [{ r: 0.55, alpha: 10.6, s: 0.61, beta: 11.7 }, { r: 0.8, alpha: 12, s: 1.4, beta: 3 }, { r: 1.1, alpha: 5, s: 0.7, beta: 5 }],
};

describe('analytic gradients of the per-customer log-likelihood (ln-parameter scale)', () => {
  const models: readonly [string, AnyModel][] = [
    ['bgnbd', bgNbd as unknown as AnyModel],
    ['mbgnbd', mbgNbd as unknown as AnyModel],
    ['paretonbd', paretoNbd as unknown as AnyModel],
    ...[1, 2, 5].map((k): [string, AnyModel] => [`mbgcnbd k=${k}`, mbgCnbdOfOrder(k) as unknown as AnyModel]),
  ];
  for (const [label, model] of models) {
    for (const params of PARAMETERS[model.name] ?? []) {
      it(`${label} at ${JSON.stringify(params)}: value and gradient equal the likelihood and its central differences`, () => {
        const names = model.parameterNames;
        const logPoint = names.map((n) => Math.log(params[n] ?? 1));
        for (const [x, tx, T] of CUSTOMERS) {
          const { value, gradient } = analytic(model, params, x, tx, T);
          expect(value).toBeCloseTo(model.logLikelihood(params, x, tx, T), 10);
          const numeric = centralDifferences((p) => model.logLikelihood(Object.fromEntries(names.map((n, i) => [n, Math.exp(p[i] ?? 0)])), x, tx, T), logPoint);
          numeric.forEach((d, i) => expect(gradient[i] ?? NaN).toBeCloseTo(d, 6));
        }
      });
    }
  }

  it('weights each group: a run of groups sums weight x value and weight x gradient', () => {
    const params = { r: 0.24, alpha: 4.4, a: 0.79, b: 2.43 };
    const gradient = new Float64Array(4);
    const run = { tx: Float64Array.of(3, 7), T: Float64Array.of(10, 12), weight: Float64Array.of(2, 5), start: 0, end: 2 };
    const value = bgNbd.logLikelihoodGradientGivenX?.(params, 2, run, gradient) ?? NaN;
    const one = analytic(bgNbd as unknown as AnyModel, params, 2, 3, 10);
    const other = analytic(bgNbd as unknown as AnyModel, params, 2, 7, 12);
    expect(value).toBeCloseTo(2 * one.value + 5 * other.value, 10);
    gradient.forEach((g, i) => expect(g).toBeCloseTo(2 * (one.gradient[i] ?? 0) + 5 * (other.gradient[i] ?? 0), 10));
  });

  it('Gamma-Gamma: gradient equals central differences of the per-customer log-likelihood', () => {
    for (const params of [{ p: 6.25, q: 3.74, gamma: 15.44 }, { p: 0.8, q: 1.5, gamma: 200 }]) {
      const logPoint = [Math.log(params.p), Math.log(params.q), Math.log(params.gamma)];
      for (const [x, m] of [[1, 20], [3, 35.5], [17, 4.2]] as const) {
        const gradient = new Float64Array(3);
        const value = gammaGammaLogLikelihoodGradient(params, x, m, gradient);
        expect(value).toBeCloseTo(gammaGammaLogLikelihood(params, x, m), 10);
        const numeric = centralDifferences((v) => gammaGammaLogLikelihood({ p: Math.exp(v[0] ?? 0), q: Math.exp(v[1] ?? 0), gamma: Math.exp(v[2] ?? 0) }, x, m), logPoint);
        numeric.forEach((d, i) => expect(gradient[i] ?? NaN).toBeCloseTo(d, 6));
      }
    }
  });
});

describe('Gamma-Gamma summed log-likelihood with gradient', () => {
  it('equals the sum of the per-customer values and gradients', () => {
    const xs = [1, 3, 3, 17, 1];
    const ms = [20, 35.5, 12, 4.2, 7];
    const params = { p: 6.25, q: 3.74, gamma: 15.44 };
    const gradient = new Float64Array(3);
    const value = gammaGammaTotalWithGradient(xs, ms)([Math.log(params.p), Math.log(params.q), Math.log(params.gamma)], gradient);
    const expected = new Float64Array(3);
    let expectedValue = 0;
    xs.forEach((x, i) => {
      const one = new Float64Array(3);
      expectedValue += gammaGammaLogLikelihoodGradient(params, x, ms[i] ?? 1, one);
      one.forEach((g, k) => (expected[k] = (expected[k] ?? 0) + g));
    });
    expect(value).toBeCloseTo(expectedValue, 9);
    gradient.forEach((g, k) => expect(g).toBeCloseTo(expected[k] ?? NaN, 9));
  });
});
