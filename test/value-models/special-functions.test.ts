import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { logAddExp, logHyp2f1One, logSubExp, scaledHyp2f1MinusOne } from '../../src/value/models/special.js';
import { ModelNumericError } from '../../src/value/models/index.js';
import { integrateFinite } from './quadrature.js';

// Euler's integral (A&S 15.3.1) with a = 1 and b, 1 swapped: 2F1(1, b; c; z) = (c-1) int_0^1 (1-t)^(c-2) (1-zt)^(-b) dt.
function hyp2f1OneByIntegral(b: number, c: number, z: number): number {
  return (c - 1) * integrateFinite((t) => Math.pow(1 - t, c - 2) * Math.pow(1 - z * t, -b), 0, 1);
}

describe('Gaussian hypergeometric 2F1(1, b; c; z)', () => {
  const cases = [
    [0.5, 3.2],
    [1.7, 2.9],
    [12, 13.5],
    [80.3, 81.9],
    [0.9, 1.1 + 2],
  ] as const;
  for (const [b, c] of cases) {
    for (const z of [0.05, 0.5, 0.74, 0.76, 0.9, 0.99, 0.999]) {
      it(`matches Euler's integral for b=${b}, c=${c}, z=${z} (series below 0.75, continued fraction above)`, () => {
        const expected = hyp2f1OneByIntegral(b, c, z);
        expect(Math.exp(logHyp2f1One(b, c, z)) / expected - 1).toBeLessThan(2e-6);
        expect(1 - Math.exp(logHyp2f1One(b, c, z)) / expected).toBeLessThan(2e-6);
      });
    }
  }

  it('matches the closed form 2F1(1, 1; 2; z) = -ln(1-z)/z near z = 1', () => {
    for (const z of [0.3, 0.8, 0.99, 0.999999]) {
      expect(Math.exp(logHyp2f1One(1, 2, z))).toBeCloseTo(-Math.log1p(-z) / z, 9);
    }
  });

  it('refuses z outside [0, 1) with a typed error', () => {
    expect(() => logHyp2f1One(1, 2, 1)).toThrow(ModelNumericError);
    expect(() => logHyp2f1One(3, 2, 0.5)).toThrow(ModelNumericError);
  });
});

describe('c (2F1(a, b; c; z) - 1) / b', () => {
  it('matches 2F1(a, b; b; z) = (1-z)^(-a) and 2F1(1, 1; 2; z) = -ln(1-z)/z, also for -1 < c < 0', () => {
    for (const z of [0.01, 0.4, 0.9]) {
      expect(scaledHyp2f1MinusOne(2.5, 1.5, 1.5, z)).toBeCloseTo(Math.pow(1 - z, -2.5) - 1, 10);
      expect(scaledHyp2f1MinusOne(2.5, -0.4, -0.4, z)).toBeCloseTo(Math.pow(1 - z, -2.5) - 1, 10);
      expect(scaledHyp2f1MinusOne(1, 1, 2, z)).toBeCloseTo(2 * (-Math.log1p(-z) / z - 1), 12);
    }
  });
});

describe('log-space sums', () => {
  it('logAddExp and logSubExp invert each other without overflow', () => {
    fc.assert(
      fc.property(fc.double({ min: -1000, max: 1000, noNaN: true }), fc.double({ min: -1000, max: 1000, noNaN: true }), (x, y) => {
        const sum = logAddExp(x, y);
        expect(sum).toBeGreaterThanOrEqual(Math.max(x, y));
        const back = logSubExp(sum, y);
        if (Math.abs(x - y) < 30) expect(back).toBeCloseTo(x, 6);
      }),
    );
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSubExp(5, 5)).toBe(-Infinity);
  });
});
