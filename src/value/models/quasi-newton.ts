/**
 * BFGS with a strong-Wolfe line search (Nocedal & Wright 2006, "Numerical Optimization",
 * algorithms 6.1, 3.5 and 3.6) on the ln-parameter scale, within a box.
 *
 * Hand-written: the npm candidates are either unconstrained and unmaintained (`fmin` 0.0.4,
 * untyped, 2017) or bindings to native code; the problems are 3 or 4 dimensional, so a dense
 * inverse-Hessian update costs nothing next to one likelihood pass. The box is kept by capping
 * each step at the boundary (the likelihoods' optima lie far inside it: ln 1e-8 .. ln 1e8);
 * a run that stalls on it, or whose line search fails away from a stationary point, reports
 * `converged: false` and the caller falls back to Nelder-Mead.
 */
import { nelderMead, type MinimizeResult } from './optimize.js';

export interface QuasiNewtonOptions {
  /** Stop when every gradient component is below this in absolute value. */
  readonly gradientTolerance?: number;
  readonly maxIterations?: number;
  readonly lower?: number;
  readonly upper?: number;
  /**
   * A start for the inverse Hessian (e.g. the one a fit on a sample of the data ended with), so
   * that a warm start also starts with the curvature instead of learning it again; identity by default.
   */
  readonly inverseHessian?: readonly Float64Array[] | undefined;
}

export interface QuasiNewtonResult extends MinimizeResult {
  /** The final inverse Hessian approximation. */
  readonly inverseHessian: readonly Float64Array[];
}

/** Objective and gradient in one pass: returns f(point), writes its gradient. */
export type ValueAndGradient = (point: Float64Array, gradient: Float64Array) => number;

const C1 = 1e-4;
/** Gradient below which a stalled search counts as converged (the objectives are means per customer, O(1)). */
const NOISE_FLOOR = 1e-6;
const C2 = 0.9;

export function bfgs(fg: ValueAndGradient, start: ArrayLike<number>, options: QuasiNewtonOptions = {}): QuasiNewtonResult {
  const n = start.length;
  const tolerance = options.gradientTolerance ?? 1e-7;
  const maxIterations = options.maxIterations ?? 200;
  const lower = options.lower ?? Math.log(1e-8);
  const upper = options.upper ?? Math.log(1e8);
  let evaluations = 0;
  const evaluate = (p: Float64Array, g: Float64Array): number => {
    evaluations++;
    const v = fg(p, g);
    return Number.isFinite(v) && g.every(Number.isFinite) ? v : Infinity;
  };
  let x: Float64Array = Float64Array.from(start, (v) => Math.min(upper, Math.max(lower, v)));
  let g: Float64Array = new Float64Array(n);
  let f = evaluate(x, g);
  const given = options.inverseHessian;
  const warm = given !== undefined && given.length === n;
  const H = warm ? given.map((row) => Float64Array.from(row)) : identity(n);
  const direction = new Float64Array(n);
  let iterations = 0;
  let converged = Number.isFinite(f) && maxAbs(g) <= tolerance;
  for (; !converged && iterations < maxIterations && Number.isFinite(f); iterations++) {
    for (let i = 0; i < n; i++) {
      let d = 0;
      for (let j = 0; j < n; j++) d -= (H[i]?.[j] ?? 0) * (g[j] ?? 0);
      direction[i] = d;
    }
    let slope = dot(direction, g);
    if (!(slope < 0)) {
      // Not a descent direction (H lost positive definiteness): restart from steepest descent.
      reset(H);
      for (let i = 0; i < n; i++) direction[i] = -(g[i] ?? 0);
      slope = dot(direction, g);
    }
    const maxStep = stepToBox(x, direction, lower, upper);
    const step = lineSearch(evaluate, x, f, g, direction, slope, Math.min(1, maxStep), maxStep);
    if (!step) {
      // No decrease left along a descent direction: the objective's rounding (sums over a million
      // customers cancel to about 1e-8) stops here; a stationary point to that precision is the optimum.
      converged = maxAbs(g) <= NOISE_FLOOR;
      break;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (step.point[i] ?? 0) - (x[i] ?? 0);
      y[i] = (step.gradient[i] ?? 0) - (g[i] ?? 0);
    }
    const fPrevious = f;
    x = step.point;
    g = step.gradient;
    f = step.value;
    if (maxAbs(g) <= tolerance) {
      converged = true;
      break;
    }
    if (Math.abs(fPrevious - f) <= 1e-15 * Math.max(1, Math.abs(f)) && maxAbs(g) <= NOISE_FLOOR) {
      // No representable progress left at a nearly stationary point: the objective's rounding, not the method, stops here.
      converged = true;
      break;
    }
    const ys = dot(y, s);
    if (ys > 1e-300) {
      if (iterations === 0 && !warm) scale(H, ys / dot(y, y));
      updateInverseHessian(H, s, y, ys);
    }
  }
  // A point on the box is where the likelihood ran away (a parameter tending to 0 or infinity), not an optimum.
  const onBox = x.some((v) => v <= lower + 1e-6 || v >= upper - 1e-6);
  return { point: x, value: f, iterations, evaluations, restarts: 0, converged: converged && !onBox, inverseHessian: H };
}

interface Step {
  readonly point: Float64Array;
  readonly gradient: Float64Array;
  readonly value: number;
}

// Algorithm 3.5: expand the step until it brackets a strong-Wolfe point, then zoom (3.6).
function lineSearch(
  evaluate: ValueAndGradient,
  x: Float64Array,
  f0: number,
  g0: Float64Array,
  direction: Float64Array,
  slope0: number,
  firstStep: number,
  maxStep: number,
): Step | null {
  const at = (t: number): Step & { slope: number } => {
    const point = Float64Array.from(x, (v, i) => v + t * (direction[i] ?? 0));
    const gradient = new Float64Array(x.length);
    const value = evaluate(point, gradient);
    return { point, gradient, value, slope: dot(gradient, direction) };
  };
  let previousT = 0;
  let previous = { point: x, gradient: g0, value: f0, slope: slope0 };
  let t = firstStep;
  for (let k = 0; k < 30; k++) {
    const current = at(t);
    if (current.value > f0 + C1 * t * slope0 || (k > 0 && current.value >= previous.value)) {
      return zoom(at, f0, slope0, previousT, previous, t, current);
    }
    if (Math.abs(current.slope) <= -C2 * slope0) return current;
    if (current.slope >= 0) return zoom(at, f0, slope0, t, current, previousT, previous);
    if (t >= maxStep) return current.value < f0 ? current : null;
    previousT = t;
    previous = current;
    t = Math.min(2 * t, maxStep);
  }
  return null;
}

function zoom(
  at: (t: number) => Step & { slope: number },
  f0: number,
  slope0: number,
  loT: number,
  lo: Step & { slope: number },
  hiT: number,
  hi: Step & { slope: number },
): Step | null {
  for (let k = 0; k < 12; k++) {
    const t = cubicMinimum(loT, lo.value, lo.slope, hiT, hi.value, hi.slope);
    const current = at(t);
    if (current.value > f0 + C1 * t * slope0 || current.value >= lo.value) {
      hiT = t;
      hi = current;
    } else {
      if (Math.abs(current.slope) <= -C2 * slope0) return current;
      if (current.slope * (hiT - loT) >= 0) {
        hiT = loT;
        hi = lo;
      }
      loT = t;
      lo = current;
    }
    if (Math.abs(hiT - loT) < 1e-14 * Math.max(1, Math.abs(loT))) break;
  }
  return lo.value < f0 ? lo : null;
}

// Minimiser of the cubic through (a, fa, da), (b, fb, db) (N&W eq. 3.59), kept inside the middle 80% of [a, b], else bisection.
function cubicMinimum(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const low = Math.min(a, b);
  const high = Math.max(a, b);
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const root = d1 * d1 - da * db;
  if (root >= 0 && Number.isFinite(root)) {
    const d2 = Math.sign(b - a) * Math.sqrt(root);
    const t = b - (b - a) * ((db + d2 - d1) / (db - da + 2 * d2));
    const margin = 0.1 * (high - low);
    if (Number.isFinite(t) && t > low + margin && t < high - margin) return t;
  }
  return (a + b) / 2;
}

function stepToBox(x: Float64Array, d: Float64Array, lower: number, upper: number): number {
  let t = Infinity;
  for (let i = 0; i < x.length; i++) {
    const di = d[i] ?? 0;
    if (di > 0) t = Math.min(t, (upper - (x[i] ?? 0)) / di);
    else if (di < 0) t = Math.min(t, (lower - (x[i] ?? 0)) / di);
  }
  return Math.max(t, 0);
}

// N&W eq. 6.17: H <- (I - rho s y') H (I - rho y s') + rho s s', rho = 1 / y's.
function updateInverseHessian(H: Float64Array[], s: Float64Array, y: Float64Array, ys: number): void {
  const n = s.length;
  const rho = 1 / ys;
  const Hy = new Float64Array(n);
  for (let i = 0; i < n; i++) Hy[i] = dot(H[i] ?? new Float64Array(n), y);
  const yHy = dot(y, Hy);
  for (let i = 0; i < n; i++) {
    const row = H[i] ?? new Float64Array(n);
    for (let j = 0; j < n; j++) {
      row[j] = (row[j] ?? 0) - rho * ((Hy[i] ?? 0) * (s[j] ?? 0) + (s[i] ?? 0) * (Hy[j] ?? 0)) + (rho * rho * yHy + rho) * (s[i] ?? 0) * (s[j] ?? 0);
    }
  }
}

function identity(n: number): Float64Array[] {
  return Array.from({ length: n }, (_, i) => {
    const row = new Float64Array(n);
    row[i] = 1;
    return row;
  });
}

function reset(H: Float64Array[]): void {
  H.forEach((row, i) => {
    row.fill(0);
    row[i] = 1;
  });
}

function scale(H: Float64Array[], factor: number): void {
  for (const row of H) for (let j = 0; j < row.length; j++) row[j] = (row[j] ?? 0) * factor;
}

function dot(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < u.length; i++) sum += (u[i] ?? 0) * (v[i] ?? 0);
  return sum;
}

function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i] ?? 0));
  return m;
}

/**
 * The fits' optimiser: BFGS on the value and gradient when there is one (at most 500 iterations),
 * else, or when it does not converge to a finite value, Nelder-Mead from the same start (the
 * reference path, so a fallback fit is exactly the one before gradients). Says which answered and
 * the passes both took.
 */
export function minimizeWithFallback(
  objective: (point: Float64Array) => number,
  valueAndGradient: ValueAndGradient | null,
  start: ArrayLike<number>,
  maxIterations: number,
  inverseHessian?: readonly Float64Array[],
): {
  readonly result: MinimizeResult;
  readonly method: 'bfgs' | 'nelder-mead';
  readonly evaluations: number;
  /** BFGS's final inverse Hessian, when it answered. */
  readonly inverseHessian: readonly Float64Array[] | null;
} {
  let evaluations = 0;
  if (valueAndGradient) {
    const quasiNewton = bfgs(valueAndGradient, start, { maxIterations: Math.min(maxIterations, 500), inverseHessian });
    evaluations += quasiNewton.evaluations;
    if (quasiNewton.converged && Number.isFinite(quasiNewton.value)) {
      return { result: quasiNewton, method: 'bfgs', evaluations, inverseHessian: quasiNewton.inverseHessian };
    }
  }
  const result = nelderMead(objective, start, { maxIterations });
  return { result, method: 'nelder-mead', evaluations: evaluations + result.evaluations, inverseHessian: null };
}
