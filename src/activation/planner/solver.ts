import type { GlobalConstraint, PlanProblem } from './problem.js';
import { newScratch, solvePerson, type Scratch } from './subproblem.js';

/** The solved plan: one channel per person and campaign (or -1), with its value and bound. */
export interface PlanSolution {
  /** Chosen channel index per person and campaign (N*K), -1 for no contact. */
  readonly assignment: Int8Array;
  /** Total expected net value of the plan in EUR (sum of p*value - cost over planned contacts). */
  readonly value: number;
  /** Lagrangian dual upper bound on the best plan's value (EUR): no feasible plan is worth more. */
  readonly upperBound: number;
  /** (upperBound - value) / |upperBound|: how far from optimal the plan can be at most. */
  readonly gap: number;
  /** Final prices of the global constraints (same order). */
  readonly multipliers: Float64Array;
  /** Use of each global constraint by the plan (EUR or contacts). */
  readonly usage: Float64Array;
  /** Minimum constraints the plan could not reach (names). */
  readonly unmetMinimums: readonly string[];
  readonly iterations: number;
}

export interface SolveOptions {
  /** Persons in the sample the multipliers are first searched on (default 40,000). */
  readonly sampleSize?: number;
  /** Bisection rounds on the sample (default 40) and on all persons (default 12). */
  readonly sampleRounds?: number;
  readonly fullRounds?: number;
  readonly seed?: number;
}

interface Pass {
  readonly dual: number;
  readonly usage: Float64Array;
}

/**
 * Maximises the plan's expected net value under the per-person caps and the global constraints by
 * dual decomposition (Lu, Simester & Zhu 2023): prices on the global constraints turn the problem
 * into one independent subproblem per person, solved exactly (subproblem.ts). Every price vector
 * gives an upper bound (the Lagrangian dual), so the bound reported is valid whatever the search
 * did. Prices are found by simultaneous bisection, one bracket per constraint (its use is monotone
 * in its own price), first on a random sample with scaled right-hand sides (cheap), then a few
 * rounds on all persons in a narrowed bracket; the plan is the subproblems' answer at the
 * feasible end of the brackets, repaired greedily so every constraint holds.
 */
export function solvePlan(problem: PlanProblem, options: SolveOptions = {}): PlanSolution {
  const { persons: N, campaigns: K, channels: J, constraints } = problem;
  const G = constraints.length;
  const scratch = newScratch(K, J);
  const assignment = new Int8Array(N * K);
  const prices = new Float64Array(G);
  let iterations = 0;
  let upperBound = Number.POSITIVE_INFINITY;
  let lo = new Float64Array(G);
  let hi = new Float64Array(G).fill(Number.NaN);

  if (G > 0) {
    const sampleSize = Math.min(N, options.sampleSize ?? 40_000);
    if (sampleSize < N) {
      const sample = samplePersons(N, sampleSize, options.seed ?? 1);
      const scale = sampleSize / N;
      const brackets = bisect(problem, sample, scale, lo, hi, options.sampleRounds ?? 40, scratch, assignment, true, () => {
        iterations += 1;
      });
      // The sample's prices are estimates: widen the bracket around them for the full rounds.
      lo = brackets.lo.map((v) => v * 0.9);
      hi = brackets.hi.map((v) => (Number.isNaN(v) ? v : v * 1.1 + 1e-6));
      for (let g = 0; g < G; g += 1) if (constraints[g]!.sense === 'min') lo[g] = 0;
    }
    const all = { indices: null, size: N };
    const sampled = sampleSize < N;
    // Each full round is a pass over every person (about 8 s at 1M on a loaded 2-core machine): after a sample few are needed.
    const brackets = bisect(problem, all, 1, lo, hi, options.fullRounds ?? (sampled ? 4 : 40), scratch, assignment, !sampled, (pass) => {
      iterations += 1;
      upperBound = Math.min(upperBound, pass.dual);
    });
    for (let g = 0; g < G; g += 1) prices[g] = feasibleEnd(constraints[g]!, brackets.lo[g]!, brackets.hi[g]!);
  }
  const last = evaluate(problem, { indices: null, size: N }, 1, prices, scratch, assignment);
  iterations += 1;
  upperBound = Math.min(upperBound, last.dual);
  const { value, usage, unmet } = repair(problem, assignment);
  const gap = upperBound === 0 ? 0 : (upperBound - value) / Math.abs(upperBound);
  return { assignment, value, upperBound, gap: Math.max(0, gap), multipliers: prices, usage, unmetMinimums: unmet, iterations };
}

function feasibleEnd(c: GlobalConstraint, lo: number, hi: number): number {
  // For a max constraint the higher price leaves the constraint met; for a min constraint the higher price does too.
  return Number.isNaN(hi) ? lo : hi;
}

interface Persons {
  readonly indices: Int32Array | null;
  readonly size: number;
}

function samplePersons(N: number, size: number, seed: number): Persons {
  // Sample by a multiplicative hash stride so it is seeded and spread over the whole id range.
  const indices = new Int32Array(size);
  const step = N / size;
  let state = seed >>> 0 || 1;
  for (let s = 0; s < size; s += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    indices[s] = Math.min(N - 1, Math.floor(s * step + (state / 2 ** 32) * step));
  }
  return { indices, size };
}

function bisect(
  problem: PlanProblem,
  persons: Persons,
  scale: number,
  lo0: Float64Array,
  hi0: Float64Array,
  rounds: number,
  scratch: Scratch,
  assignment: Int8Array,
  probeZero: boolean,
  onPass: (pass: Pass) => void,
): { lo: Float64Array; hi: Float64Array } {
  const { constraints } = problem;
  const G = constraints.length;
  const lo = Float64Array.from(lo0);
  const hi = Float64Array.from(hi0);
  const prices = new Float64Array(G);
  // Start at zero prices: constraints that do not bind there keep price 0 (hi = 0).
  if (probeZero) {
    const first = evaluate(problem, persons, scale, prices, scratch, assignment);
    onPass(first);
    for (let g = 0; g < G; g += 1) {
      if (satisfied(constraints[g]!, first.usage[g]!, scale)) hi[g] = 0;
    }
  }
  for (let r = 0; r < rounds; r += 1) {
    let open = false;
    for (let g = 0; g < G; g += 1) {
      if (Number.isNaN(hi[g]!)) {
        prices[g] = lo[g]! === 0 ? initialPrice(problem, constraints[g]!) : lo[g]! * 4;
        open = true;
      } else {
        prices[g] = (lo[g]! + hi[g]!) / 2;
        if (hi[g]! - lo[g]! > 1e-9 * Math.max(1, hi[g]!)) open = true;
      }
    }
    if (!open) break;
    const pass = evaluate(problem, persons, scale, prices, scratch, assignment);
    onPass(pass);
    for (let g = 0; g < G; g += 1) {
      if (satisfied(constraints[g]!, pass.usage[g]!, scale)) hi[g] = prices[g]!;
      else lo[g] = prices[g]!;
    }
  }
  return { lo, hi };
}

function initialPrice(problem: PlanProblem, c: GlobalConstraint): number {
  // A cost price is EUR of value per EUR spent (order 1); a count price is EUR per contact.
  if (c.kind === 'cost') return 1;
  let max = 0;
  const n = Math.min(problem.persons, 1000);
  for (let i = 0; i < n; i += 1) for (let k = 0; k < problem.campaigns; k += 1) max = Math.max(max, problem.responseValue[i * problem.campaigns + k] || 0);
  return Math.max(1, max / 10);
}

function satisfied(c: GlobalConstraint, usage: number, scale: number): boolean {
  const rhs = c.rhs * scale;
  return c.sense === 'max' ? usage <= rhs : usage >= rhs;
}

/** One pass over the persons at the given prices: their subproblems, the dual value and each constraint's use. */
function evaluate(problem: PlanProblem, persons: Persons, scale: number, prices: Float64Array, scratch: Scratch, assignment: Int8Array): Pass {
  const { campaigns: K, channels: J, constraints, unitCost } = problem;
  const costPrice = new Float64Array(K * J);
  const countPrice = new Float64Array(K * J);
  let dual = 0;
  constraints.forEach((c, g) => {
    const sign = c.sense === 'max' ? 1 : -1;
    const target = c.kind === 'cost' ? costPrice : countPrice;
    for (let cell = 0; cell < K * J; cell += 1) if (c.cells[cell]) target[cell] = target[cell]! + sign * prices[g]!;
    dual += sign * prices[g]! * c.rhs * scale;
  });
  const cellCount = new Float64Array(K * J);
  const cellCost = new Float64Array(K * J);
  for (let s = 0; s < persons.size; s += 1) {
    const i = persons.indices ? persons.indices[s]! : s;
    dual += solvePerson(problem, i, costPrice, countPrice, scratch, assignment);
    for (let k = 0; k < K; k += 1) {
      const j = assignment[i * K + k]!;
      if (j < 0) continue;
      cellCount[k * J + j] = cellCount[k * J + j]! + 1;
      cellCost[k * J + j] = cellCost[k * J + j]! + unitCost[i * J + j]!;
    }
  }
  return { dual, usage: constraintUsage(constraints, cellCount, cellCost) };
}

function constraintUsage(constraints: readonly GlobalConstraint[], cellCount: Float64Array, cellCost: Float64Array): Float64Array {
  const usage = new Float64Array(constraints.length);
  constraints.forEach((c, g) => {
    let u = 0;
    for (let cell = 0; cell < c.cells.length; cell += 1) if (c.cells[cell]) u += c.kind === 'cost' ? cellCost[cell]! : cellCount[cell]!;
    usage[g] = u;
  });
  return usage;
}

/**
 * Makes the plan feasible: drops the planned contacts of least value per unit of the violated
 * resource until every max constraint holds, then adds the best remaining contacts (per-person caps
 * respected) while they pay and every max constraint keeps room, minimums first.
 */
function repair(problem: PlanProblem, assignment: Int8Array): { value: number; usage: Float64Array; unmet: string[] } {
  const { persons: N, campaigns: K, channels: J, constraints, unitCost, pResponse, responseValue } = problem;
  const cellCount = new Float64Array(K * J);
  const cellCost = new Float64Array(K * J);
  for (let i = 0; i < N; i += 1) {
    for (let k = 0; k < K; k += 1) {
      const j = assignment[i * K + k]!;
      if (j < 0) continue;
      cellCount[k * J + j] = cellCount[k * J + j]! + 1;
      cellCost[k * J + j] = cellCost[k * J + j]! + unitCost[i * J + j]!;
    }
  }
  let usage = constraintUsage(constraints, cellCount, cellCost);
  const over = constraints.map((c, g) => c.sense === 'max' && usage[g]! > c.rhs + 1e-9);
  if (over.some(Boolean)) {
    const dropCandidates: { i: number; k: number; j: number; ratio: number }[] = [];
    for (let i = 0; i < N; i += 1) {
      for (let k = 0; k < K; k += 1) {
        const j = assignment[i * K + k]!;
        if (j < 0) continue;
        const cell = k * J + j;
        if (!constraints.some((c, g) => over[g] && c.cells[cell])) continue;
        const net = pResponse[i * J + j]! * responseValue[i * K + k]! - unitCost[i * J + j]!;
        dropCandidates.push({ i, k, j, ratio: net / Math.max(unitCost[i * J + j]!, 1e-9) });
      }
    }
    dropCandidates.sort((a, b) => a.ratio - b.ratio);
    for (const d of dropCandidates) {
      const cell = d.k * J + d.j;
      if (!constraints.some((c, g) => c.sense === 'max' && c.cells[cell] && usage[g]! > c.rhs + 1e-9)) continue;
      assignment[d.i * K + d.k] = -1;
      constraints.forEach((c, g) => {
        if (c.cells[cell]) usage[g] = usage[g]! - (c.kind === 'cost' ? unitCost[d.i * J + d.j]! : 1);
      });
    }
  }
  usage = fill(problem, assignment, usage);
  let value = 0;
  for (let i = 0; i < N; i += 1) {
    for (let k = 0; k < K; k += 1) {
      const j = assignment[i * K + k]!;
      if (j >= 0) value += pResponse[i * J + j]! * responseValue[i * K + k]! - unitCost[i * J + j]!;
    }
  }
  const unmet = constraints.filter((c, g) => c.sense === 'min' && usage[g]! < c.rhs - 1e-9).map((c) => c.name);
  return { value, usage, unmet };
}

/**
 * Adds contacts the priced subproblems left out while a max constraint has room: the best net value
 * per unit of budget first, unless a minimum is still short (then anything that counts towards it,
 * even at a loss). Keeps every per-person cap. Candidates are every paying free (campaign, channel)
 * up to 4M cells, else each person's best one only, so the pass stays linear at 1M persons.
 */
function fill(problem: PlanProblem, assignment: Int8Array, usage: Float64Array): Float64Array {
  const { persons: N, campaigns: K, channels: J, constraints, unitCost, pResponse, responseValue, remaining, remainingAll } = problem;
  const load = new Int32Array(J);
  type Candidate = { i: number; k: number; j: number; net: number; cost: number };
  const candidates: Candidate[] = [];
  const hasMin = constraints.some((c) => c.sense === 'min');
  // Every paying contact is a candidate up to a few million cells; beyond, each person's best one keeps the pass linear.
  const everyCandidate = N * K * J <= 4_000_000;
  for (let i = 0; i < N; i += 1) {
    load.fill(0);
    let total = 0;
    for (let k = 0; k < K; k += 1) {
      const j = assignment[i * K + k]!;
      if (j >= 0) {
        load[j] = load[j]! + 1;
        total += 1;
      }
    }
    if (total >= remainingAll[i]!) continue;
    let best: Candidate | null = null;
    for (let k = 0; k < K; k += 1) {
      if (assignment[i * K + k]! >= 0 || Number.isNaN(responseValue[i * K + k]!)) continue;
      for (let j = 0; j < J; j += 1) {
        if (problem.allowed[k * J + j] === 0 || load[j]! >= remaining[i * J + j]!) continue;
        const net = pResponse[i * J + j]! * responseValue[i * K + k]! - unitCost[i * J + j]!;
        const candidate = { i, k, j, net, cost: unitCost[i * J + j]! };
        if (hasMin || (everyCandidate && net > 0)) candidates.push(candidate);
        else if (net > 0 && (!best || net > best.net)) best = candidate;
      }
    }
    if (best) candidates.push(best);
  }
  const short = (g: number): boolean => constraints[g]!.sense === 'min' && usage[g]! < constraints[g]!.rhs - 1e-9;
  const helpsMin = (cell: number): boolean => constraints.some((c, g) => c.cells[cell] === 1 && short(g));
  candidates.sort((a, b) => b.net / Math.max(a.cost, 1e-9) - a.net / Math.max(b.cost, 1e-9) || b.net - a.net);
  const ordered = hasMin
    ? [...candidates.filter((c) => helpsMin(c.k * J + c.j)), ...candidates.filter((c) => c.net > 0)]
    : candidates;
  const personLoad = (i: number, j: number): { total: number; onChannel: number } => {
    let total = 0;
    let onChannel = 0;
    for (let k = 0; k < K; k += 1) {
      const a = assignment[i * K + k]!;
      if (a >= 0) total += 1;
      if (a === j) onChannel += 1;
    }
    return { total, onChannel };
  };
  for (const c of ordered) {
    if (assignment[c.i * K + c.k]! >= 0) continue;
    const cell = c.k * J + c.j;
    if (c.net <= 0 && !helpsMin(cell)) continue;
    const fits = constraints.every((g, gi) => g.sense === 'min' || !g.cells[cell] || usage[gi]! + (g.kind === 'cost' ? c.cost : 1) <= g.rhs + 1e-9);
    if (!fits) continue;
    const l = personLoad(c.i, c.j);
    if (l.total >= remainingAll[c.i]! || l.onChannel >= remaining[c.i * J + c.j]!) continue;
    assignment[c.i * K + c.k] = c.j;
    constraints.forEach((g, gi) => {
      if (g.cells[cell]) usage[gi] = usage[gi]! + (g.kind === 'cost' ? c.cost : 1);
    });
  }
  return usage;
}
