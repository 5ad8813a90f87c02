/**
 * Double-exponential quadrature for the tests' independent checks of the likelihoods: tanh-sinh
 * on a finite interval and exp-sinh on (0, inf) (Takahasi & Mori 1974), both accurate with
 * integrable singularities at the ends, as gamma and beta densities with shape < 1 have.
 */
const H = 1 / 24;
const LIMIT = 4;

/** Integral of f over (lo, hi). */
export function integrateFinite(f: (x: number) => number, lo: number, hi: number): number {
  const half = (hi - lo) / 2;
  let sum = 0;
  for (let t = -LIMIT; t <= LIMIT + 1e-12; t += H) {
    const u = (Math.PI / 2) * Math.sinh(t);
    const x = Math.tanh(u);
    const weight = ((Math.PI / 2) * Math.cosh(t)) / Math.cosh(u) ** 2;
    // Distance to the nearer end computed without cancellation: 1 -|x| = 1/(e^{2|u|} + 1) * 2.
    const toEnd = 2 / (Math.exp(2 * Math.abs(u)) + 1);
    const point = x < 0 ? lo + half * toEnd : hi - half * toEnd;
    if (toEnd === 0) continue;
    const value = f(point);
    if (Number.isFinite(value)) sum += weight * value;
  }
  return sum * half * H;
}

/** Integral of f over (0, inf). */
export function integrateHalfLine(f: (x: number) => number): number {
  let sum = 0;
  for (let t = -LIMIT; t <= LIMIT + 1e-12; t += H) {
    const x = Math.exp((Math.PI / 2) * Math.sinh(t));
    const weight = (Math.PI / 2) * Math.cosh(t) * x;
    const value = f(x);
    if (Number.isFinite(value) && weight > 0) sum += weight * value;
  }
  return sum * H;
}

export function gammaDensity(shape: number, rate: number, lnGammaShape: number): (x: number) => number {
  return (x) => Math.exp(shape * Math.log(rate) + (shape - 1) * Math.log(x) - rate * x - lnGammaShape);
}
