/**
 * Derivative-free minimisation for the likelihoods (3 or 4 log-parameters).
 *
 * Hand-written Nelder-Mead with restarts rather than a package: the one npm candidate, `fmin`
 * (0.0.4), has no types, no convergence report and no restarts; scipy and R's optim (the
 * reference BTYD implementations, lifetimes and BTYD) use the same method. Restarting from the
 * best vertex with a fresh simplex until a restart no longer improves guards against the
 * simplex collapsing early, Nelder-Mead's known failure (Gao & Han 2012, "Implementing the
 * Nelder-Mead simplex algorithm with adaptive parameters").
 */
export interface MinimizeOptions {
  /** Initial simplex edge on each coordinate. */
  readonly step?: number;
  readonly maxIterations?: number;
  /** Stop when every vertex is within this of the best on every coordinate... */
  readonly xTolerance?: number;
  /** ...and every vertex value within this of the best value. */
  readonly fTolerance?: number;
  readonly maxRestarts?: number;
}

export interface MinimizeResult {
  readonly point: Float64Array;
  readonly value: number;
  /** Simplex iterations over all restarts. */
  readonly iterations: number;
  readonly evaluations: number;
  readonly restarts: number;
  readonly converged: boolean;
}

export function nelderMead(f: (point: Float64Array) => number, start: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const maxIterations = options.maxIterations ?? 5000;
  const maxRestarts = options.maxRestarts ?? 10;
  let evaluations = 0;
  const evaluate = (p: Float64Array): number => {
    evaluations++;
    const v = f(p);
    return Number.isNaN(v) ? Infinity : v;
  };
  let best: Float64Array = Float64Array.from(start);
  let bestValue = evaluate(best);
  let iterations = 0;
  let restarts = 0;
  let converged = false;
  for (;;) {
    const run = simplexRun(evaluate, best, options.step ?? 0.5, maxIterations - iterations, options);
    iterations += run.iterations;
    const improvement = bestValue - run.value;
    if (run.value <= bestValue) {
      best = run.point;
      bestValue = run.value;
    }
    if (!run.converged) break;
    if (improvement <= (options.fTolerance ?? 1e-10) * 10 && restarts > 0) {
      converged = true;
      break;
    }
    if (restarts >= maxRestarts) break;
    restarts++;
  }
  return { point: best, value: bestValue, iterations, evaluations, restarts, converged };
}

// Nelder & Mead (1965), "A simplex method for function minimization", standard coefficients 1, 2, 1/2, 1/2.
function simplexRun(
  evaluate: (p: Float64Array) => number,
  start: Float64Array,
  step: number,
  budget: number,
  options: MinimizeOptions,
): MinimizeResult {
  const n = start.length;
  const xTolerance = options.xTolerance ?? 1e-8;
  const fTolerance = options.fTolerance ?? 1e-10;
  const vertices: Float64Array[] = [Float64Array.from(start)];
  for (let i = 0; i < n; i++) {
    const v = Float64Array.from(start);
    v[i] = (v[i] ?? 0) + step;
    vertices.push(v);
  }
  const values = vertices.map(evaluate);
  const order = vertices.map((_, i) => i);
  const centroid = new Float64Array(n);
  const along = (from: Float64Array, to: Float64Array, t: number): Float64Array => {
    const p = new Float64Array(n);
    for (let j = 0; j < n; j++) p[j] = (from[j] ?? 0) + t * ((to[j] ?? 0) - (from[j] ?? 0));
    return p;
  };
  let iterations = 0;
  for (; iterations < budget; iterations++) {
    order.sort((i, j) => (values[i] ?? Infinity) - (values[j] ?? Infinity));
    const bestIndex = order[0] ?? 0;
    const worstIndex = order[n] ?? 0;
    const secondWorstValue = values[order[n - 1] ?? 0] ?? Infinity;
    const bestVertex = vertices[bestIndex] ?? start;
    const bestValue = values[bestIndex] ?? Infinity;
    if (isCollapsed(vertices, values, bestVertex, bestValue, xTolerance, fTolerance)) {
      return { point: Float64Array.from(bestVertex), value: bestValue, iterations, evaluations: 0, restarts: 0, converged: true };
    }
    centroid.fill(0);
    for (const i of order.slice(0, n)) for (let j = 0; j < n; j++) centroid[j] = (centroid[j] ?? 0) + (vertices[i]?.[j] ?? 0) / n;
    const worst = vertices[worstIndex] ?? start;
    const worstValue = values[worstIndex] ?? Infinity;
    const reflected = along(centroid, worst, -1);
    const reflectedValue = evaluate(reflected);
    if (reflectedValue < bestValue) {
      const expanded = along(centroid, worst, -2);
      const expandedValue = evaluate(expanded);
      const keepExpanded = expandedValue < reflectedValue;
      vertices[worstIndex] = keepExpanded ? expanded : reflected;
      values[worstIndex] = keepExpanded ? expandedValue : reflectedValue;
      continue;
    }
    if (reflectedValue < secondWorstValue) {
      vertices[worstIndex] = reflected;
      values[worstIndex] = reflectedValue;
      continue;
    }
    const outside = reflectedValue < worstValue;
    const contracted = along(centroid, worst, outside ? -0.5 : 0.5);
    const contractedValue = evaluate(contracted);
    if (contractedValue < (outside ? reflectedValue : worstValue)) {
      vertices[worstIndex] = contracted;
      values[worstIndex] = contractedValue;
      continue;
    }
    for (const i of order.slice(1)) {
      vertices[i] = along(bestVertex, vertices[i] ?? start, 0.5);
      values[i] = evaluate(vertices[i] ?? start);
    }
  }
  order.sort((i, j) => (values[i] ?? Infinity) - (values[j] ?? Infinity));
  const bestIndex = order[0] ?? 0;
  return { point: Float64Array.from(vertices[bestIndex] ?? start), value: values[bestIndex] ?? Infinity, iterations, evaluations: 0, restarts: 0, converged: false };
}

function isCollapsed(
  vertices: readonly Float64Array[],
  values: readonly number[],
  best: Float64Array,
  bestValue: number,
  xTolerance: number,
  fTolerance: number,
): boolean {
  for (let i = 0; i < vertices.length; i++) {
    if (Math.abs((values[i] ?? Infinity) - bestValue) > fTolerance) return false;
    const v = vertices[i];
    if (!v) continue;
    for (let j = 0; j < v.length; j++) if (Math.abs((v[j] ?? 0) - (best[j] ?? 0)) > xTolerance) return false;
  }
  return true;
}

/** Hessian by central differences (Abramowitz & Stegun 25.3.26/25.3.27), for standard errors at the optimum. */
export function numericalHessian(f: (point: Float64Array) => number, point: ArrayLike<number>, h = 1e-4): Float64Array[] {
  const n = point.length;
  const at = (di: number, si: number, dj: number, sj: number): number => {
    const p = Float64Array.from(point);
    p[di] = (p[di] ?? 0) + si * h;
    p[dj] = (p[dj] ?? 0) + sj * h;
    return f(p);
  };
  const center = f(Float64Array.from(point));
  const hessian = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const value =
        i === j
          ? (at(i, 1, i, 0) - 2 * center + at(i, -1, i, 0)) / (h * h)
          : (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * h * h);
      (hessian[i] ?? [])[j] = value;
      (hessian[j] ?? [])[i] = value;
    }
  }
  return hessian;
}

/** Inverse of a small symmetric positive-definite matrix by Gauss-Jordan; null when singular. */
export function invertMatrix(matrix: readonly Float64Array[]): Float64Array[] | null {
  const n = matrix.length;
  const a = matrix.map((row) => {
    const r = new Float64Array(2 * n);
    r.set(row);
    return r;
  });
  for (let i = 0; i < n; i++) (a[i] ?? new Float64Array(0))[n + i] = 1;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]?.[col] ?? 0) > Math.abs(a[pivot]?.[col] ?? 0)) pivot = r;
    const pivotRow = a[pivot];
    const pivotValue = pivotRow?.[col] ?? 0;
    if (!pivotRow || !(Math.abs(pivotValue) > 1e-300)) return null;
    a[pivot] = a[col] ?? pivotRow;
    a[col] = pivotRow;
    for (let j = 0; j < 2 * n; j++) pivotRow[j] = (pivotRow[j] ?? 0) / pivotValue;
    for (let r = 0; r < n; r++) {
      const row = a[r];
      if (r === col || !row) continue;
      const factor = row[col] ?? 0;
      if (factor !== 0) for (let j = 0; j < 2 * n; j++) row[j] = (row[j] ?? 0) - factor * (pivotRow[j] ?? 0);
    }
  }
  return a.map((row) => row.slice(n));
}
