/**
 * Per-customer scores over typed arrays: P(alive), expected repeat transactions over a horizon
 * and the discounted expected transactions behind the CLV (value per unit of spend).
 *
 * Every model here factors its conditional expectation as P(alive | x, t_x, T) times an
 * expectation given alive that depends on x and T alone (`expectedTransactionsIfAlive`). The
 * CLV needs that expectation at every period of the horizon (52 series evaluations per customer
 * for BG/NBD), which at 1M customers with continuous ages cost about 12 s. So, per distinct x,
 * the two functions of T that the scores need are either computed once per distinct T (data in
 * whole periods, as the pipeline's) or, when T takes too many values, interpolated: piecewise
 * Chebyshev interpolation on 16 nodes, each piece checked against the direct value at the 15
 * points between its nodes (where the interpolation error peaks) and halved until every check is
 * within 1e-10 relative. Models without the factorisation are scored customer by customer.
 */
import { ModelInputError } from './errors.js';
import { frequencyRanks, type CustomerSummary } from './summary.js';
import type { PhaseMixture, TransactionModel } from './transaction-model.js';

export interface ScoreOptions {
  /** Number of future periods. */
  readonly horizon: number;
  /** Discount rate per period. */
  readonly discountRate: number;
}

export interface CustomerScores {
  readonly alive: Float64Array;
  /** Expected repeat transactions in (T, T + horizon]. */
  readonly expected: Float64Array;
  /** sum_{k=1..H} (E[Y(k)] - E[Y(k-1)]) / (1 + d)^k: the CLV per unit of spend. */
  readonly discounted: Float64Array;
}

const NODES = 16;
const RELATIVE_TOLERANCE = 1e-10;
/** Distinct ages per frequency computed directly before switching to interpolation. */
const DIRECT_LIMIT = 1024;
const MAX_DEPTH = 24;

export function validateScoreOptions({ horizon, discountRate }: ScoreOptions): void {
  if (!(Number.isInteger(horizon) && horizon >= 0)) throw new ModelInputError(`CLV horizon must be a whole number of periods >= 0, got ${horizon}`);
  if (!(discountRate > -1 && Number.isFinite(discountRate))) throw new ModelInputError(`discount rate must be > -1, got ${discountRate}`);
}

export function scoreCustomers<P extends Readonly<Record<string, number>>>(
  model: TransactionModel<P>,
  params: P,
  data: CustomerSummary,
  options: ScoreOptions,
): CustomerScores {
  validateScoreOptions(options);
  const n = data.x.length;
  const { horizon } = options;
  const discount = Float64Array.from({ length: horizon + 1 }, (_, k) => Math.pow(1 + options.discountRate, -k));
  const alive = new Float64Array(n);
  const expected = new Float64Array(n);
  const discounted = new Float64Array(n);
  for (let i = 0; i < n; i++) alive[i] = model.probabilityAlive(params, data.x[i] as number, data.tx[i] as number, data.T[i] as number);
  const ifAlive = model.expectedTransactionsIfAlive;
  // (expectation at the horizon, discounted sum) of one customer, given alive or not.
  const both = (cumulative: (k: number) => number, out: Float64Array): void => {
    let previous = 0;
    let sum = 0;
    for (let k = 1; k <= horizon; k++) {
      const current = cumulative(k);
      sum += (current - previous) * (discount[k] as number);
      previous = current;
    }
    out[0] = previous;
    out[1] = sum;
  };
  const pair = new Float64Array(2);
  const mixture = model.phaseMixture;
  if (mixture && horizon > 0) {
    scoreByPhase(mixture, params, data, both, expected, discounted);
    return { alive, expected, discounted };
  }
  if (!ifAlive || horizon === 0) {
    for (let i = 0; i < n; i++) {
      const x = data.x[i] as number;
      const tx = data.tx[i] as number;
      const T = data.T[i] as number;
      both((k) => model.conditionalExpectedTransactions(params, k, x, tx, T), pair);
      expected[i] = pair[0] as number;
      discounted[i] = pair[1] as number;
    }
    return { alive, expected, discounted };
  }
  for (const [x, members] of customersByFrequency(data.x)) {
    const ages = Float64Array.from(members, (i) => data.T[i] as number);
    const atHorizon = new Float64Array(members.length);
    const sums = new Float64Array(members.length);
    valuesOfAge(ages, (T, out) => both((k) => ifAlive(params, k, x, T), out), atHorizon, sums);
    for (let m = 0; m < members.length; m++) {
      const i = members[m] as number;
      expected[i] = (alive[i] as number) * (atHorizon[m] as number);
      discounted[i] = (alive[i] as number) * (sums[m] as number);
    }
  }
  return { alive, expected, discounted };
}

/**
 * Models whose future is a mixture over hidden phases (MBG/CNBD-k): each customer's scores are
 * his phase weights times the per-phase expectation and discounted sum, computed once per
 * (x, T, phase) and only for phases some customer there can be in: the demo company's 2,306
 * weekly groups share about half as many (x, T), and the scoring took some two thirds of the
 * per-customer time (in-process profile of the clv step, load average 15 to 20).
 */
function scoreByPhase<P extends Readonly<Record<string, number>>>(
  mixture: PhaseMixture<P>,
  params: P,
  data: CustomerSummary,
  both: (cumulative: (k: number) => number, out: Float64Array) => void,
  expected: Float64Array,
  discounted: Float64Array,
): void {
  const pair = new Float64Array(2);
  for (const [x, members] of customersByFrequency(data.x)) {
    // Per age T: (expectation at the horizon, discounted sum) of each phase, NaN until needed.
    const byAge = new Map<number, Float64Array>();
    for (let m = 0; m < members.length; m++) {
      const i = members[m] as number;
      const T = data.T[i] as number;
      const weights = mixture.weights(params, x, data.tx[i] as number, T);
      let perPhase = byAge.get(T);
      if (!perPhase) {
        perPhase = new Float64Array(2 * weights.length).fill(NaN);
        byAge.set(T, perPhase);
      }
      let atHorizon = 0;
      let sum = 0;
      for (let phase = 0; phase < weights.length; phase++) {
        const weight = weights[phase] as number;
        if (weight === 0) continue;
        if (Number.isNaN(perPhase[2 * phase])) {
          both(mixture.givenPhase(params, x, T, phase), pair);
          perPhase[2 * phase] = pair[0] as number;
          perPhase[2 * phase + 1] = pair[1] as number;
        }
        atHorizon += weight * (perPhase[2 * phase] as number);
        sum += weight * (perPhase[2 * phase + 1] as number);
      }
      expected[i] = atHorizon;
      discounted[i] = sum;
    }
  }
}

/** The customers of each distinct frequency, in their order (a counting sort on the frequency ranks). */
function customersByFrequency(x: ArrayLike<number>): Map<number, Int32Array> {
  const { distinct, rankOf } = frequencyRanks(x);
  const counts = new Int32Array(distinct.length);
  for (let i = 0; i < rankOf.length; i++) counts[rankOf[i] as number] = (counts[rankOf[i] as number] as number) + 1;
  const lists = Array.from(counts, (count) => new Int32Array(count));
  const filled = new Int32Array(distinct.length);
  for (let i = 0; i < rankOf.length; i++) {
    const k = rankOf[i] as number;
    (lists[k] as Int32Array)[filled[k] as number] = i;
    filled[k] = (filled[k] as number) + 1;
  }
  return new Map(Array.from(distinct, (value, k) => [value, lists[k] as Int32Array]));
}

/** Two smooth functions of the age T, at every T of `ages`: directly per distinct T, or by interpolation. */
function valuesOfAge(ages: Float64Array, f: (T: number, out: Float64Array) => void, first: Float64Array, second: Float64Array): void {
  const memo = new Map<number, number>();
  const memoFirst: number[] = [];
  const memoSecond: number[] = [];
  const out = new Float64Array(2);
  let direct = true;
  for (let m = 0; m < ages.length && direct; m++) {
    const T = ages[m] as number;
    let slot = memo.get(T);
    if (slot === undefined) {
      if (memo.size >= DIRECT_LIMIT) {
        direct = false;
        break;
      }
      f(T, out);
      slot = memoFirst.length;
      memoFirst.push(out[0] as number);
      memoSecond.push(out[1] as number);
      memo.set(T, slot);
    }
    first[m] = memoFirst[slot] as number;
    second[m] = memoSecond[slot] as number;
  }
  if (direct) return;
  let lo = Infinity;
  let hi = -Infinity;
  for (const T of ages) {
    lo = Math.min(lo, T);
    hi = Math.max(hi, T);
  }
  const pieces: Piece[] = [];
  buildPieces(f, lo, hi, 0, pieces);
  const starts = Float64Array.from(pieces, (p) => p.lo);
  for (let m = 0; m < ages.length; m++) {
    const T = ages[m] as number;
    const piece = pieces[pieceOf(starts, T)] as Piece;
    const t = piece.half > 0 ? (T - piece.mid) / piece.half : 0;
    first[m] = clenshaw(piece.first, t);
    second[m] = clenshaw(piece.second, t);
  }
}

interface Piece {
  readonly lo: number;
  readonly mid: number;
  readonly half: number;
  readonly first: Float64Array;
  readonly second: Float64Array;
}

// Chebyshev interpolation on the first-kind nodes cos(pi (j + 1/2) / N) (Trefethen 2013, "Approximation theory and approximation practice", ch. 3).
function buildPieces(f: (T: number, out: Float64Array) => void, lo: number, hi: number, depth: number, pieces: Piece[]): void {
  const mid = (lo + hi) / 2;
  const half = (hi - lo) / 2;
  const values = [new Float64Array(NODES), new Float64Array(NODES)] as const;
  const out = new Float64Array(2);
  for (let j = 0; j < NODES; j++) {
    f(mid + half * Math.cos((Math.PI * (j + 0.5)) / NODES), out);
    values[0][j] = out[0] as number;
    values[1][j] = out[1] as number;
  }
  const first = chebyshevCoefficients(values[0]);
  const second = chebyshevCoefficients(values[1]);
  let accurate = true;
  for (let j = 1; j < NODES && accurate; j++) {
    const t = Math.cos((Math.PI * j) / NODES);
    f(mid + half * t, out);
    accurate = close(clenshaw(first, t), out[0] as number) && close(clenshaw(second, t), out[1] as number);
  }
  if (accurate || depth >= MAX_DEPTH || half <= 1e-9 * Math.max(1, Math.abs(mid))) {
    pieces.push({ lo, mid, half, first, second });
    return;
  }
  buildPieces(f, lo, mid, depth + 1, pieces);
  buildPieces(f, mid, hi, depth + 1, pieces);
}

function close(approximate: number, exact: number): boolean {
  return Math.abs(approximate - exact) <= RELATIVE_TOLERANCE * Math.max(Math.abs(exact), 1e-300);
}

function chebyshevCoefficients(values: Float64Array): Float64Array {
  const c = new Float64Array(NODES);
  for (let k = 0; k < NODES; k++) {
    let sum = 0;
    for (let j = 0; j < NODES; j++) sum += (values[j] as number) * Math.cos((Math.PI * k * (j + 0.5)) / NODES);
    c[k] = ((k === 0 ? 1 : 2) * sum) / NODES;
  }
  return c;
}

// Clenshaw's recurrence for sum_k c_k T_k(t).
function clenshaw(c: Float64Array, t: number): number {
  let b1 = 0;
  let b2 = 0;
  for (let k = c.length - 1; k >= 1; k--) {
    const b0 = 2 * t * b1 - b2 + (c[k] as number);
    b2 = b1;
    b1 = b0;
  }
  return t * b1 - b2 + (c[0] as number);
}

/** Last piece whose start is <= T (pieces are in ascending order and cover [lo, hi]). */
function pieceOf(starts: Float64Array, T: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] as number) <= T) low = middle;
    else high = middle - 1;
  }
  return low;
}
