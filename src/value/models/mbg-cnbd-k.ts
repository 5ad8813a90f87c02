/**
 * MBG/CNBD-k: MBG/NBD whose inter-purchase times are Erlang-k instead of exponential, so a
 * customer who buys like clockwork and then misses his usual date is soon judged gone. k = 1 is
 * MBG/NBD. Platzer & Reutterer (2016), "Ticking away the moments: timing regularity helps to better
 * predict customer activity", Marketing Science 35(5); Reutterer, Platzer & Schroeder (2020),
 * "Leveraging purchase regularity for predicting customer behavior the easy way", IJRM 38(1).
 * Likelihood and P(alive) as in BTYDplus (R/mbg-cnbd-k.R, `xbgcnbd.LL`, `xbgcnbd.PAlive`).
 *
 * For a given k the likelihood depends on the data through (x, t_x, T) and one more statistic,
 * litt = sum of the log inter-purchase times, which enters only as the additive term
 * (k - 1) litt: it does not move the fit of (r, alpha, a, b) for a fixed k, only the choice of k.
 * So a model of order k is fitted as any other model, and the orders are compared by adding
 * (k - 1) sum(litt) to each fit's log-likelihood (`chooseOrder`).
 */
import { fitTransactionModel, type FitOptions, type FitResult } from './fit.js';
import { ModelInputError } from './errors.js';
import type { CompressedSummary, CustomerSummary } from './summary.js';
import type { FrequencyRun, PhaseMixture, TransactionModel } from './transaction-model.js';
import { betaln, digamma, gammaln, inverseOnePlusExp, logAddExp, logHyp2f1One } from './special.js';

/** r, alpha (Gamma prior of the Erlang rate lambda), a, b (Beta prior of the dropout p); k is the order. */
export type MbgCnbdParams = {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
};

/** Fitted parameters with the order: what `clv_model.params` and `--json` hold. */
export type MbgCnbdFittedParams = MbgCnbdParams & { readonly k: number };

/** BTYDplus searches k = 1..12 and stops when the log-likelihood falls twice in a row. */
export const MAX_ORDER = 12;

/** The order carried in fitted parameters wins over the model's own, so a fit can be scored by `mbgCnbd`. */
function orderOf(params: MbgCnbdParams, fallback: number): number {
  const k = (params as { readonly k?: number }).k;
  return k === undefined ? fallback : k;
}

/**
 * ln sum_{j<k} (r+kx)_j ((T-t_x)/(alpha+T))^j / j!: the Gamma mixture of P(no purchase in
 * (t_x, T] | lambda), the Erlang-k survival (BTYDplus `S2`). Terms are positive, so no cancellation.
 */
function logSurvivalSum(k: number, shape: number, alpha: number, tx: number, T: number): number {
  const ratio = (T - tx) / (alpha + T);
  let term = 1;
  let sum = 1;
  for (let j = 1; j < k; j++) {
    term *= ((shape + j - 1) * ratio) / j;
    sum += term;
  }
  return Math.log(sum);
}

/** Log-likelihood of (x, t_x, T) for order k, without the (k-1) litt term (see the file comment). */
function logLikelihoodGivenX(k: number, { r, alpha, a, b }: MbgCnbdParams, x: number): (tx: number, T: number) => number {
  const shape = r + k * x;
  // BTYDplus P1 (without litt) + P2 + P3: -x ln((k-1)!) + ln B(a,b+x+1)/B(a,b) + ln Gamma(r+kx)/Gamma(r) + r ln alpha.
  const common = -x * gammaln(k) + betaln(a, b + x + 1) - betaln(a, b) + gammaln(shape) - gammaln(r) + r * Math.log(alpha);
  const logDropNow = Math.log(a) - Math.log(b + x);
  return (tx, T) => {
    // ln[(alpha+T)^-(r+kx) (S1 + S2)] = ln[a/(b+x) (alpha+t_x)^-(r+kx) + (alpha+T)^-(r+kx) S2].
    const alive = -shape * Math.log(alpha + T) + logSurvivalSum(k, shape, alpha, tx, T);
    return common + logAddExp(alive, logDropNow - shape * Math.log(alpha + tx));
  };
}

/**
 * The weighted log-likelihood of groups sharing frequency x and its gradient on the
 * ln(parameter) scale, for the quasi-Newton fit (without it each order was fitted by Nelder-Mead,
 * some 600 passes, which made `auto` several times slower than one model). With s = r + kx,
 * rho = (T-t_x)/(alpha+T), S = sum_{j<k} t_j, t_j = (s)_j rho^j / j!:
 *   ln L = C(x) + ln(e^L1 + e^L2), L1 = -s ln(alpha+T) + ln S, L2 = ln a - ln(b+x) - s ln(alpha+t_x),
 *   dL1/dr = -ln(alpha+T) + sum_j t_j H_j / S, H_j = sum_{i<j} 1/(s+i),
 *   dL1/dalpha = -(s + sum_j j t_j / S) / (alpha+T)   (d rho/d alpha = -rho/(alpha+T)),
 *   dL2/dr = -ln(alpha+t_x), dL2/dalpha = -s/(alpha+t_x), dL2/da = 1/a, dL2/db = -1/(b+x),
 * each weighted by its share w of e^L1 + e^L2; C's derivatives are digammas of x alone.
 */
function logLikelihoodGradientGivenX(
  k: number,
  { r, alpha, a, b }: MbgCnbdParams,
  x: number,
  { tx, T, weight, start, end }: FrequencyRun,
  gradient: Float64Array,
): number {
  const s = r + k * x;
  const common = -x * gammaln(k) + betaln(a, b + x + 1) - betaln(a, b) + gammaln(s) - gammaln(r) + r * Math.log(alpha);
  const logDropNow = Math.log(a) - Math.log(b + x);
  const psiAbx = digamma(a + b + x + 1);
  const psiAb = digamma(a + b);
  let total = 0;
  let sumWeight = 0;
  let sumR = 0;
  let sumAlpha = 0;
  let sumDrop = 0;
  for (let g = start; g < end; g++) {
    const n = weight[g] as number;
    const Tg = T[g] as number;
    const txg = tx[g] as number;
    const ageTerm = alpha + Tg;
    const recencyTerm = alpha + txg;
    const logAge = Math.log(ageTerm);
    const logRecency = Math.log(recencyTerm);
    const rho = (Tg - txg) / ageTerm;
    // The survival sum and its derivatives in s and rho, in one pass over its k terms.
    let term = 1;
    let sum = 1;
    let harmonic = 0;
    let sumHarmonic = 0;
    let sumPhase = 0;
    for (let j = 1; j < k; j++) {
      harmonic += 1 / (s + j - 1);
      term *= ((s + j - 1) * rho) / j;
      sum += term;
      sumHarmonic += term * harmonic;
      sumPhase += j * term;
    }
    const alive = -s * logAge + Math.log(sum);
    const drop = logDropNow - s * logRecency;
    // w = e^drop / (e^alive + e^drop), the log of the sum from the larger term.
    const d = drop - alive;
    let w: number;
    if (d > 0) {
      const e = Math.exp(-d);
      total += n * (drop + Math.log1p(e));
      w = 1 / (1 + e);
    } else {
      const e = Math.exp(d);
      total += n * (alive + Math.log1p(e));
      w = e / (1 + e);
    }
    sumWeight += n;
    sumDrop += n * w;
    sumR += n * ((1 - w) * (sumHarmonic / sum - logAge) - w * logRecency);
    sumAlpha += n * (-(1 - w) * (s + sumPhase / sum) / ageTerm - (w * s) / recencyTerm);
  }
  gradient[0] = (gradient[0] as number) + r * (sumWeight * (digamma(s) - digamma(r) + Math.log(alpha)) + sumR);
  gradient[1] = (gradient[1] as number) + sumWeight * r + alpha * sumAlpha;
  gradient[2] = (gradient[2] as number) + a * (sumWeight * (psiAb - psiAbx) + sumDrop / a);
  gradient[3] = (gradient[3] as number) + b * (sumWeight * (digamma(b + x + 1) - psiAbx - digamma(b) + psiAb) - sumDrop / (b + x));
  return total + sumWeight * common;
}

// BTYDplus xbgcnbd.PAlive: 1 / (1 + S1/S2), S1 = a/(b+x) ((alpha+T)/(alpha+t_x))^(r+kx).
function probabilityAlive(k: number, { r, alpha, a, b }: MbgCnbdParams, x: number, tx: number, T: number): number {
  const shape = r + k * x;
  const logS1 = Math.log(a) - Math.log(b + x) + shape * (Math.log(alpha + T) - Math.log(alpha + tx));
  return inverseOnePlusExp(logS1 - logSurvivalSum(k, shape, alpha, tx, T));
}

/**
 * E[Y(t) | x, t_x, T], exactly rather than by BTYDplus's BG/NBD-shaped approximation (which needs
 * the whole cohort for its bias correction, so it cannot score one customer). Given alive, the
 * posterior of (lambda, i), i = Erlang phases already completed since t_x, is a mixture: weight
 * pi_i proportional to (r+kx)_i ((T-t_x)/(alpha+T))^i / i! (the terms of the survival sum), and
 * lambda | i ~ Gamma(r+kx+i, alpha+T). The n-th future purchase comes nk-i phases after T, so
 * before T+t when N >= nk-i, N ~ Poisson(lambda t), which mixed over lambda is NegBin(r+kx+i,
 * (alpha+T)/(alpha+T+t)); it happens only if the customer survived n-1 more dropout coins,
 * E[(1-p)^(n-1)] with p ~ Beta(a, b+x+1). Hence
 * E = P(alive) sum_i pi_i sum_j NB_i(j) Q(floor((j+i)/k)), Q(m) = sum_{n=1..m} E[(1-p)^(n-1)].
 */
function conditionalExpectedTransactions(k: number, params: MbgCnbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  const cumulativeSurvival = survivalSums(params.a, params.b + x + 1);
  return givenHistory(k, params, x, tx, T, (i) => expectedGivenPhase(k, params, x, T, i, t, cumulativeSurvival));
}

/** sum_j NB_i(j) Q(floor((j+i)/k)): E[Y(t)] of a customer alive at T, i phases past his last purchase. */
function expectedGivenPhase(k: number, { r, alpha }: MbgCnbdParams, x: number, T: number, i: number, t: number, cumulativeSurvival: (m: number) => number): number {
  if (t <= 0) return 0;
  const rho = (alpha + T) / (alpha + T + t);
  return negativeBinomialSum(r + k * x + i, rho, (j) => cumulativeSurvival(Math.floor((j + i) / k)));
}

/** The phase mixture of conditionalExpectedTransactions, for the scoring's per-(x, T, phase) sums. */
function phaseMixture(k: number): PhaseMixture<MbgCnbdParams> {
  return {
    weights: (params, x, tx, T) => {
      const order = orderOf(params, k);
      const out = new Float64Array(order);
      const total = phaseWeights(order, params, x, tx, T, out);
      const alive = probabilityAlive(order, params, x, tx, T);
      for (let i = 0; i < order; i++) out[i] = ((out[i] as number) / total) * alive;
      return out;
    },
    givenPhase: (params, x, T, i) => {
      const order = orderOf(params, k);
      const cumulativeSurvival = survivalSums(params.a, params.b + x + 1);
      return (t) => expectedGivenPhase(order, params, x, T, i, t, cumulativeSurvival);
    },
  };
}

/**
 * P(alive) x the mean of `perPhase(i)` over the phases i completed since t_x, weighted by their
 * posterior pi_i (see conditionalExpectedTransactions): what every expectation given his history is.
 */
function givenHistory(k: number, params: MbgCnbdParams, x: number, tx: number, T: number, perPhase: (i: number) => number): number {
  const weights = new Float64Array(k);
  const total = phaseWeights(k, params, x, tx, T, weights);
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const weight = weights[i] as number;
    if (weight === 0) continue;
    sum += weight * perPhase(i);
  }
  return probabilityAlive(k, params, x, tx, T) * (sum / total);
}

/** The phases' posterior weights pi_i given alive, unnormalised (pi_0 = 1), into `out`; returns their sum. */
function phaseWeights(k: number, params: MbgCnbdParams, x: number, tx: number, T: number, out: Float64Array): number {
  const shape = params.r + k * x;
  const ratio = (T - tx) / (params.alpha + T);
  let weight = 1;
  let weights = 0;
  for (let i = 0; i < k; i++) {
    if (i > 0) weight *= ((shape + i - 1) * ratio) / i;
    out[i] = weight;
    weights += weight;
  }
  return weights;
}

/** Q(m) = sum_{n=1..m} B(a, B+n-1)/B(a, B), memoised as m grows. */
function survivalSums(a: number, B: number): (m: number) => number {
  const cumulative = [0];
  let term = 1;
  return (m) => {
    while (cumulative.length <= m) {
      const n = cumulative.length;
      if (n > 1) term *= (B + n - 2) / (a + B + n - 2);
      cumulative.push((cumulative[n - 1] ?? 0) + term);
    }
    return cumulative[m] ?? 0;
  };
}

/**
 * sum_j NB(j; shape, rho) f(j), NB(j) = Gamma(shape+j)/(Gamma(shape) j!) rho^shape (1-rho)^j,
 * walking out from the mode (evaluated in logs) so large shapes neither underflow nor overflow.
 */
function negativeBinomialSum(shape: number, rho: number, f: (j: number) => number): number {
  const q = 1 - rho;
  if (q <= 0) return f(0);
  const mode = Math.max(0, Math.floor(((shape - 1) * q) / rho));
  const logAtMode = gammaln(shape + mode) - gammaln(shape) - gammaln(mode + 1) + shape * Math.log(rho) + mode * Math.log(q);
  const atMode = Math.exp(logAtMode);
  let total = atMode * f(mode);
  let mass = atMode;
  let p = atMode;
  for (let j = mode + 1; j < mode + 1_000_000; j++) {
    p *= ((shape + j - 1) * q) / j;
    total += p * f(j);
    mass += p;
    if (p < 1e-17 * mass) break;
  }
  p = atMode;
  for (let j = mode; j > 0; j--) {
    p *= j / ((shape + j - 1) * q);
    total += p * f(j - 1);
    mass += p;
    if (p < 1e-17 * mass) break;
  }
  return total;
}

/**
 * DERT of MBG/CNBD-k with continuous discounting at delta = ln(1 + d) per period, as Pareto/NBD's
 * closed form (lifetime.ts): the per-period sum of lifetime.ts needs Y concave to skip periods,
 * which regular buyers are not, so it summed thousands of periods of negative binomial sums per
 * group (about 20 ms a group: a minute for the demo company). Here, from the same posterior as
 * conditionalExpectedTransactions: alive with P(alive), in phase i with weight pi_i, lambda | i ~
 * Gamma(s+i, alpha+T), s = r+kx; the n-th future purchase comes nk-i phases on, discounted by
 * E[e^(-delta tau) | lambda] = q^(nk-i), q = lambda/(lambda+delta), and happens with
 * E[(1-p)^(n-1)] = (B)_(n-1)/(a+B)_(n-1), B = b+x+1. Summed over n:
 *   DERT = P(alive) sum_i pi_i E_lambda[q^(k-i) 2F1(1, B; a+B; q^k)],
 * the expectation over lambda by the trapezoid rule in ln lambda (the integrand is smooth and
 * falls double-exponentially above and like lambda^(s+k-i) below), halving the step until two
 * estimates agree to 1e-9. It depends on (x, T, i) only, so it is computed once per (x, T, i).
 */
function residualGivenPhase(k: number, { r, alpha, a, b }: MbgCnbdParams, x: number, T: number, i: number, delta: number): number {
  const shape = r + k * x + i;
  const rate = alpha + T;
  const B = b + x + 1;
  const logNorm = -gammaln(shape);
  // y = rate x lambda ~ Gamma(shape, 1); u = ln y.
  const integrand = (u: number): number => {
    const y = Math.exp(u);
    const lambda = y / rate;
    const logQ = -Math.log1p(delta / lambda);
    const w = Math.exp(k * logQ);
    const f = (k - i) * logQ + (w > 0 ? logHyp2f1One(B, a + B, w) : 0);
    return Math.exp(shape * u - y + logNorm + f);
  };
  const low = Math.log(shape) - 45 / (shape + k - i) - 2;
  const high = Math.log(shape + 12 * Math.sqrt(shape) + 45);
  let h = (high - low) / 16;
  let sum = 0;
  for (let j = 0; j <= 16; j++) sum += (j === 0 || j === 16 ? 0.5 : 1) * integrand(low + j * h);
  let estimate = sum * h;
  for (let level = 0; level < 12; level++) {
    // The midpoints of the current grid refine it to step h / 2.
    let mid = 0;
    const points = Math.round((high - low) / h);
    for (let j = 0; j < points; j++) mid += integrand(low + (j + 0.5) * h);
    sum += mid;
    h /= 2;
    const refined = sum * h;
    if (Math.abs(refined - estimate) <= 1e-9 * Math.abs(refined)) return refined;
    estimate = refined;
  }
  return estimate;
}

/** DERT per customer (see residualGivenPhase), the expectation given phase once per (x, T, i). */
function residualTransactions(k: number, params: MbgCnbdParams, data: CustomerSummary, discountRate: number): Float64Array {
  if (!(discountRate > 0 && Number.isFinite(discountRate))) throw new ModelInputError(`a lifetime value needs a discount rate per period > 0, got ${discountRate}`);
  const delta = Math.log1p(discountRate);
  const cache = new Map<string, number>();
  const out = new Float64Array(data.x.length);
  for (let c = 0; c < out.length; c++) {
    const x = data.x[c] ?? 0;
    const tx = data.tx[c] ?? 0;
    const T = data.T[c] ?? 0;
    out[c] = givenHistory(k, params, x, tx, T, (i) => {
      const key = `${x}:${T}:${i}`;
      let given = cache.get(key);
      if (given === undefined) {
        given = residualGivenPhase(k, params, x, T, i, delta);
        cache.set(key, given);
      }
      return given;
    });
  }
  return out;
}

/** MBG/CNBD-k of a fixed order k, fitted on (r, alpha, a, b) like the other models. */
export function mbgCnbdOfOrder(k: number): TransactionModel<MbgCnbdParams> {
  if (!(Number.isInteger(k) && k >= 1 && k <= MAX_ORDER)) throw new ModelInputError(`mbgcnbd: k must be a whole number in 1..${MAX_ORDER}, got ${k}`);
  return {
    name: 'mbgcnbd',
    parameterNames: ['r', 'alpha', 'a', 'b'],
    logLikelihood: (params, x, tx, T) => logLikelihoodGivenX(orderOf(params, k), params, x)(tx, T),
    logLikelihoodGivenX: (params, x) => logLikelihoodGivenX(orderOf(params, k), params, x),
    logLikelihoodGradientGivenX: (params, x, groups, gradient) => logLikelihoodGradientGivenX(orderOf(params, k), params, x, groups, gradient),
    probabilityAlive: (params, x, tx, T) => probabilityAlive(orderOf(params, k), params, x, tx, T),
    conditionalExpectedTransactions: (params, t, x, tx, T) => conditionalExpectedTransactions(orderOf(params, k), params, t, x, tx, T),
    // A customer just acquired: x = t_x = T = 0, as for the BG family.
    expectedTransactions: (params, t) => conditionalExpectedTransactions(orderOf(params, k), params, t, 0, 0, 0),
    residualTransactions: (params, data, discountRate) => residualTransactions(orderOf(params, k), params, data, discountRate),
    phaseMixture: phaseMixture(k),
    // The Erlang rate is k times the purchase rate, so alpha starts k times smaller than MBG/NBD's.
    startingPoint: (meanX, meanT) => ({ r: 1, alpha: Math.max(meanT / Math.max(meanX, 0.1) / k, 1e-3), a: 1, b: 3 }),
  };
}

/** Scores fitted parameters by the `k` they carry (MBG/NBD when they carry none). */
export const mbgCnbd: TransactionModel<MbgCnbdParams> = mbgCnbdOfOrder(1);

/** The (k - 1) sum(litt) - the term of the log-likelihood that depends on litt. */
export function logInterPurchaseTerm(k: number, sumLitt: number): number {
  return (k - 1) * sumLitt;
}

/** Sum over customers of litt, each customer's sum of ln(inter-purchase time); checks the values. */
export function totalLogInterPurchaseTimes(summary: CustomerSummary & { readonly litt?: ArrayLike<number> | undefined }): number {
  const litt = summary.litt;
  if (!litt) throw new ModelInputError('mbgcnbd: the summary has no litt (sum of log inter-purchase times); it needs the purchase dates');
  if (litt.length !== summary.x.length) throw new ModelInputError(`mbgcnbd: litt must have one value per customer (got ${litt.length} for ${summary.x.length})`);
  let total = 0;
  for (let i = 0; i < litt.length; i++) {
    const v = litt[i] ?? NaN;
    if (!Number.isFinite(v)) throw new ModelInputError(`customer ${i}: litt must be finite, got ${v}`, i);
    if ((summary.x[i] ?? 0) === 0 && v !== 0) throw new ModelInputError(`customer ${i}: litt must be 0 when x = 0, got ${v}`, i);
    total += v;
  }
  return total;
}

export interface OrderFit {
  readonly k: number;
  readonly fit: FitResult<MbgCnbdParams>;
  /** The fit's log-likelihood plus (k - 1) sum(litt): comparable across orders and with the other models. */
  readonly logLikelihood: number;
}

export interface MbgCnbdFit {
  readonly model: TransactionModel<MbgCnbdParams>;
  readonly k: number;
  readonly params: MbgCnbdFittedParams;
  readonly fit: FitResult<MbgCnbdParams>;
  readonly logLikelihood: number;
  /** Every order tried, in order. */
  readonly orders: readonly OrderFit[];
}

/**
 * Fits k = 1, 2, ... and keeps the order of highest full log-likelihood, stopping as BTYDplus
 * does when it has fallen twice in a row or when an order cannot be fitted.
 */
export function fitMbgCnbd(
  summary: CustomerSummary | CompressedSummary,
  sumLitt: number,
  options: FitOptions<MbgCnbdParams> & {
    readonly maxOrder?: number;
    /** A fit of MBG/NBD on the same summary: it is the order k = 1, so it need not be fitted again. */
    readonly orderOne?: FitResult<MbgCnbdParams> | undefined;
  } = {},
): MbgCnbdFit {
  const { maxOrder = MAX_ORDER, orderOne, ...fitOptions } = options;
  const orders: OrderFit[] = [];
  for (let k = 1; k <= maxOrder; k++) {
    let fit: FitResult<MbgCnbdParams>;
    try {
      const previous = orders[orders.length - 1]?.fit.params;
      // Each order starts from the last one's optimum, its rate prior rescaled (the Erlang rate is k times the purchase rate).
      const start = previous ? { ...previous, alpha: (previous.alpha * (k - 1)) / k } : fitOptions.start;
      fit = k === 1 && orderOne ? orderOne : fitTransactionModel(mbgCnbdOfOrder(k), summary, { ...fitOptions, ...(start ? { start } : {}) });
    } catch (error) {
      if (k === 1) throw error;
      break;
    }
    orders.push({ k, fit, logLikelihood: fit.logLikelihood + logInterPurchaseTerm(k, sumLitt) });
    const n = orders.length;
    if (n > 2 && orders[n - 1]!.logLikelihood < orders[n - 2]!.logLikelihood && orders[n - 2]!.logLikelihood < orders[n - 3]!.logLikelihood) break;
  }
  const best = orders.reduce((m, o) => (o.logLikelihood > m.logLikelihood ? o : m));
  return {
    model: mbgCnbdOfOrder(best.k),
    k: best.k,
    params: { ...best.fit.params, k: best.k },
    fit: best.fit,
    logLikelihood: best.logLikelihood,
    orders,
  };
}
