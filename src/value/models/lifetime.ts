/**
 * Residual lifetime value: discounted expected residual transactions (DERT), the number of future
 * transactions of a customer, each discounted to today, over his whole remaining life. Times
 * spend and margin it is "the sum of expected net profits over the customer's life" (seed 000).
 *
 * Two ways, tested against each other (test/value-models/lifetime.test.ts):
 * - any model, through `conditionalExpectedTransactions` only: the infinite sum of per-period
 *   increments discounted at the end of each period (the finite-horizon CLV of clv.ts, taken to
 *   infinity), stopped where the rest is provably below a relative tolerance;
 * - Pareto/NBD in closed form, Fader, Hardie & Lee (2005) "RFM and CLV: using iso-value curves
 *   for customer base analysis", JMR 42(4), eq. 2 and appendix, with continuous discounting.
 */
import { ModelInputError, ModelNumericError } from './errors.js';
import type { ParetoNbdParams } from './pareto-nbd.js';
import type { CustomerSummary } from './summary.js';
import type { TransactionModel } from './transaction-model.js';

export interface ResidualOptions {
  /** Discount rate per period (e.g. 1.1^(1/52) - 1 for 10% a year on weeks). Must be > 0 for a lifetime. */
  readonly discountRate: number;
  /** Largest error allowed, as a share of the value (bounded, see discountedResidualTransactions). Default 1e-4. */
  readonly tolerance?: number;
  /** Safety cap on the number of periods summed; reaching it without the tolerance met is an error. Default 200 years of weeks. */
  readonly maxPeriods?: number;
}

const DEFAULT_TOLERANCE = 1e-4;
const DEFAULT_MAX_PERIODS = 200 * 53;
/** Block lengths as a share of the periods already summed, tried in turn (see blockedSum); 0 is period by period. */
const GROWTHS = [1 / 32, 1 / 256, 0];

function checkDiscount(discountRate: number): void {
  if (!(discountRate > 0 && Number.isFinite(discountRate))) {
    throw new ModelInputError(`a lifetime value needs a discount rate per period > 0, got ${discountRate}`);
  }
}

/**
 * Discounted expected transactions over the next `horizon` periods, each period's increment of
 * E[Y(k)] discounted by (1 + d)^-k: what clv.ts multiplies by spend and margin, per customer.
 */
export function discountedTransactionsOverHorizon<P extends Readonly<Record<string, number>>>(
  model: TransactionModel<P>,
  params: P,
  x: number,
  tx: number,
  T: number,
  horizon: number,
  discountRate: number,
): number {
  if (!(Number.isInteger(horizon) && horizon >= 0)) throw new ModelInputError(`horizon must be a whole number of periods >= 0, got ${horizon}`);
  const v = 1 / (1 + discountRate);
  let previous = 0;
  let sum = 0;
  let discount = 1;
  for (let k = 1; k <= horizon; k++) {
    discount *= v;
    const cumulative = model.conditionalExpectedTransactions(params, k, x, tx, T);
    sum += (cumulative - previous) * discount;
    previous = cumulative;
  }
  return sum;
}

/**
 * DERT of any model by the discounted sum of per-period increments, to infinity:
 *   DERT = sum_{k>=1} (Y_k - Y_{k-1}) v^k = Y_K v^K + (1-v) sum_{k<K} Y_k v^k + tail_K,
 * Y_k = E[Y(k) | x, t_x, T] (`conditionalExpectedTransactions`), v = 1/(1+d).
 *
 * Why it can stop, and skip periods, with a proved error: in BG/NBD, MBG/NBD and Pareto/NBD a
 * customer buys at a fixed rate lambda until he dies and death is final, so his expected purchase
 * rate lambda P(alive at t) can only fall with t: Y is concave in t. Then
 * - the tail after K is at most Delta_K v^K / d, and Delta_K, the last increment, is at most the
 *   slope of any chord of Y ending at K;
 * - between two evaluated periods Y lies above its chord and below the line continuing the
 *   previous chord (and below its value at the block's end), so each skipped period's term is
 *   bracketed. Blocks grow with k (a `growth` share of k periods, one period at first) because
 *   the discounted terms and Y's curvature both fade.
 * The value returned is the middle of the brackets; the sum stops when half their total width
 * plus the tail bound is at most `tolerance` x the value, so the error is provably below it. The
 * chords are checked to fall (concavity): a model whose do not is summed period by period, which
 * is the plain sum (each bracket is then a point) with the tail bound on the observed increments.
 */
export function discountedResidualTransactions<P extends Readonly<Record<string, number>>>(
  model: TransactionModel<P>,
  params: P,
  x: number,
  tx: number,
  T: number,
  options: ResidualOptions,
): number {
  const { discountRate, tolerance = DEFAULT_TOLERANCE, maxPeriods = DEFAULT_MAX_PERIODS } = options;
  checkDiscount(discountRate);
  const expected = (k: number): number => {
    const value = model.conditionalExpectedTransactions(params, k, x, tx, T);
    if (!Number.isFinite(value)) throw new ModelNumericError('expected transactions are not finite', { x, tx, T, period: k });
    return value;
  };
  for (const growth of GROWTHS) {
    const value = blockedSum(expected, discountRate, tolerance, maxPeriods, growth);
    if (value !== null) return value;
  }
  throw new ModelNumericError('the discounted sum did not reach its tolerance', { x, tx, T });
}

interface Block {
  readonly from: number;
  readonly yFrom: number;
  readonly vFrom: number;
  readonly n: number;
  readonly yTo: number;
  /** Slope of the chord before the block (Infinity for the first). */
  readonly before: number;
}

/**
 * Bracket of sum_{j=1..n} Y_{from+j} v^{from+j}: above the chord, below both the previous
 * chord's continuation and the next chord's backward continuation (`after`, 0 when not yet known).
 */
function bracket(b: Block, after: number, v: number): { lower: number; upper: number } {
  const chord = (b.yTo - b.yFrom) / b.n;
  let lower = 0;
  let upper = 0;
  let vj = b.vFrom;
  for (let j = 1; j <= b.n; j++) {
    vj *= v;
    lower += (b.yFrom + chord * j) * vj;
    upper += Math.min(b.yFrom + b.before * j, b.yTo - after * (b.n - j)) * vj;
  }
  return { lower, upper: Math.max(lower, upper) };
}

/** Blocks of max(1, floor(growth x k)) periods; null when a chord rises (Y not concave): the brackets would not hold. */
function blockedSum(expected: (k: number) => number, d: number, tolerance: number, maxPeriods: number, growth: number): number | null {
  const v = 1 / (1 + d);
  let pending: Block | null = null;
  let k = 0;
  let yk = 0;
  let vk = 1;
  let slope = Infinity;
  let settledMiddle = 0;
  let settledHalfWidth = 0;
  while (k < maxPeriods) {
    const n = Math.min(Math.max(1, Math.floor(growth * k)), maxPeriods - k);
    const y2 = expected(k + n);
    const chord = (y2 - yk) / n;
    const concave = chord <= slope * (1 + 1e-9) + 1e-15;
    if (!concave && growth > 0) return null;
    if (pending) {
      const { lower, upper } = bracket(pending, Math.max(chord, 0), v);
      settledMiddle += (lower + upper) / 2;
      settledHalfWidth += (upper - lower) / 2;
    }
    pending = { from: k, yFrom: yk, vFrom: vk, n, yTo: y2, before: concave ? slope : chord };
    k += n;
    yk = y2;
    vk *= Math.pow(v, n);
    slope = chord;
    const open = bracket(pending, 0, v);
    const sumYv = settledMiddle + (open.lower + open.upper) / 2;
    const value = yk * vk + (1 - v) * (sumYv - yk * vk);
    const bound = (1 - v) * (settledHalfWidth + (open.upper - open.lower) / 2) + (Math.max(chord, 0) * vk) / d;
    if (concave && bound <= tolerance * value) return value;
    // Brackets never narrow once settled: when they alone exceed the tolerance of the largest value still possible, smaller blocks are needed.
    if (growth > 0 && (1 - v) * settledHalfWidth > tolerance * (value + bound)) return null;
    if (value === 0 && chord <= 0) return 0;
  }
  throw new ModelNumericError(`the discounted sum did not reach its tolerance in ${maxPeriods} periods`, { discountRate: d, tolerance });
}

const CF_MAX_ITERATIONS = 10_000_000;
const CF_EPSILON = 1e-15;

/**
 * e^z E_s(z) = integral_0^inf e^(-z u) (1 + u)^(-s) du = U(1, 2 - s, z) = z^(s-1) U(s, s, z), for
 * s > 0, z > 0: E_s is the generalised exponential integral (DLMF 8.19.1), U Tricomi's confluent
 * hypergeometric function of the second kind (DLMF 13.4.4 and Kummer's transformation 13.2.40).
 * Written here because no maintained npm package provides U or E_s for a real order (stdlib's
 * incomplete gamma needs a positive shape, 1 - s here). Evaluated by the continued fraction of
 * E_s (DLMF 8.19.17; Numerical Recipes 6.3) with modified Lentz, scaled by e^z so it neither
 * under- nor overflows; it converges for every z > 0, in O(1/z) steps when z is small.
 */
export function scaledExponentialIntegral(s: number, z: number): number {
  if (!(s > 0 && z > 0 && Number.isFinite(s) && Number.isFinite(z))) throw new ModelNumericError('E_s(z) needs s > 0 and z > 0', { s, z });
  const tiny = 1e-300;
  let b = z + s;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < CF_MAX_ITERATIONS; i++) {
    const a = -i * (s - 1 + i);
    b += 2;
    d = a * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    c = b + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    h *= delta;
    if (Math.abs(delta - 1) < CF_EPSILON) return h;
  }
  throw new ModelNumericError('E_s(z) continued fraction did not converge', { s, z });
}

/**
 * Pareto/NBD DERT, FHL 2005 "RFM and CLV" eq. 2:
 *   DERT = alpha^r beta^s delta^(s-1) Gamma(r+x+1) U(s, s; delta(beta+T)) / (Gamma(r) (alpha+T)^(r+x+1) L(r,alpha,s,beta | x,t_x,T))
 * with delta the continuous discount rate. Dividing by the likelihood is conditioning on the
 * history; written with P(alive) (FH 2005 note eq. 24) it is the equal and better-conditioned
 *   DERT = P(alive) (r+x)/(alpha+T) (beta+T)^s delta^(s-1) U(s, s; delta(beta+T))
 *        = P(alive) (r+x)/(alpha+T) (beta+T) e^z E_s(z),  z = delta (beta+T):
 * the posterior mean purchase rate of an alive customer, times the discounted expected remaining
 * lifetime integral_0^inf e^(-delta t) ((beta+T)/(beta+T+t))^s dt. `discountRate` is per period
 * and delta = ln(1 + d), so a purchase at the end of period k is discounted by (1+d)^-k as in the sum.
 */
export function paretoNbdResidualTransactions(
  params: ParetoNbdParams,
  probabilityAlive: number,
  x: number,
  T: number,
  discountRate: number,
): number {
  checkDiscount(discountRate);
  const { r, alpha, s, beta } = params;
  const delta = Math.log1p(discountRate);
  return probabilityAlive * ((r + x) / (alpha + T)) * (beta + T) * scaledExponentialIntegral(s, delta * (beta + T));
}

type AnyParams = Readonly<Record<string, number>>;

function isParetoNbd(params: AnyParams): params is ParetoNbdParams {
  return ['r', 'alpha', 's', 'beta'].every((k) => typeof params[k] === 'number');
}

/**
 * DERT per customer (or group) of `data`: the closed form for Pareto/NBD, the model's own form
 * when it has one (MBG/CNBD-k: mbg-cnbd-k.ts), the discounted infinite sum for every other model. Multiply by expected spend and margin for the lifetime value.
 */
export function residualTransactions<P extends AnyParams>(
  model: TransactionModel<P>,
  params: P,
  data: CustomerSummary,
  options: ResidualOptions,
): Float64Array {
  checkDiscount(options.discountRate);
  if (model.residualTransactions) return model.residualTransactions(params, data, options.discountRate);
  const out = new Float64Array(data.x.length);
  const closedForm = model.name === 'paretonbd' && isParetoNbd(params);
  for (let i = 0; i < out.length; i++) {
    const x = data.x[i] ?? 0;
    const tx = data.tx[i] ?? 0;
    const T = data.T[i] ?? 0;
    out[i] = closedForm
      ? paretoNbdResidualTransactions(params, model.probabilityAlive(params, x, tx, T), x, T, options.discountRate)
      : discountedResidualTransactions(model, params, x, tx, T, options);
  }
  return out;
}

/**
 * Models in which a customer buys at a fixed rate until a final death, so that, once he is known
 * alive, his future depends on (x, T) only: DERT = P(alive) x DERT given alive. The pipeline's
 * groups then share one sum per (x, T), whatever their recency.
 */
const ALIVE_FUTURE_BY_X_AND_T: ReadonlySet<string> = new Set(['bgnbd', 'mbgnbd', 'paretonbd']);

/** `residualTransactions`, computing the sum once per (x, T) for the models above. */
export function residualTransactionsByGroup<P extends AnyParams>(
  model: TransactionModel<P>,
  params: P,
  data: CustomerSummary,
  options: ResidualOptions,
): Float64Array {
  if (!ALIVE_FUTURE_BY_X_AND_T.has(model.name)) return residualTransactions(model, params, data, options);
  const givenAlive = new Map<string, number>();
  const out = new Float64Array(data.x.length);
  for (let i = 0; i < out.length; i++) {
    const x = data.x[i] ?? 0;
    const tx = data.tx[i] ?? 0;
    const T = data.T[i] ?? 0;
    const key = `${x}:${T}`;
    let perAlive = givenAlive.get(key);
    if (perAlive === undefined) {
      // Recency T (bought at the end) is the history most surely alive: P(alive) there is far from 0.
      const [value] = residualTransactions(model, params, { x: [x], tx: [T], T: [T] }, options);
      perAlive = (value ?? 0) / model.probabilityAlive(params, x, T, T);
      givenAlive.set(key, perAlive);
    }
    out[i] = perAlive * model.probabilityAlive(params, x, tx, T);
  }
  return out;
}

/** Lifetime value per customer: expected spend (already times margin, if any) x DERT. */
export function customerResidualValue<P extends AnyParams>(
  model: TransactionModel<P>,
  params: P,
  data: CustomerSummary,
  valuedSpend: ArrayLike<number>,
  options: ResidualOptions,
): Float64Array {
  if (valuedSpend.length !== data.x.length) throw new ModelInputError('one expected spend per customer is needed');
  const dert = residualTransactionsByGroup(model, params, data, options);
  return dert.map((v, i) => v * (valuedSpend[i] ?? 0));
}
