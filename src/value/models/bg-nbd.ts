/**
 * BG/NBD: Poisson purchases at rate lambda ~ Gamma(r, alpha) while alive; after each repeat
 * purchase the customer drops out with probability p ~ Beta(a, b).
 * Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative to the
 * Pareto/NBD model", Marketing Science 24(2); log form from their note "Implementing the BG/NBD
 * model for customer base analysis in Excel" (2005).
 */
import type { FrequencyRun, TransactionModel } from './transaction-model.js';
import { betaln, digamma, gammaln, inverseOnePlusExp, logAddExp, scaledHyp2f1MinusOne } from './special.js';

export type BgNbdParams = {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
};

// FHL 2005 eq. 6, log form of the Excel note: ln L = A1 + A2 + ln(e^A3 + delta e^A4).
function logLikelihoodGivenX({ r, alpha, a, b }: BgNbdParams, x: number): (tx: number, T: number) => number {
  const a1a2 = gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + betaln(a, b + x) - betaln(a, b);
  const logDropNow = Math.log(a) - Math.log(b + x - 1);
  return (tx, T) => {
    const a3 = -(r + x) * Math.log(alpha + T);
    if (x === 0) return a1a2 + a3;
    return a1a2 + logAddExp(a3, logDropNow - (r + x) * Math.log(alpha + tx));
  };
}

/**
 * The BG family's log-likelihood for one frequency x has the form
 *   ln L = K + ln(e^A3 + e^A4), A3 = -(r+x) ln(alpha+T), A4 = D - (r+x) ln(alpha+t_x),
 * where K and D (the log-odds of dropping out at the last purchase; -Infinity when impossible)
 * depend on x alone. With w the weight of A4 in the sum, w = e^A4 / (e^A3 + e^A4):
 *   d/dr     = dK/dr - (1-w) ln(alpha+T) - w ln(alpha+t_x)
 *   d/dalpha = r/alpha - (r+x) ((1-w)/(alpha+T) + w/(alpha+t_x))
 *   d/da     = dK/da + w dD/da,   d/db = dK/db + w dD/db.
 * The per-customer sums are accumulated in one typed-array loop and turned into the gradient
 * on the ln(parameter) scale (d/d ln p = p d/dp) once at the end.
 */
export interface BgFamilyTermsGivenX {
  readonly K: number;
  readonly dKdr: number;
  readonly dKda: number;
  readonly dKdb: number;
  readonly D: number;
  readonly dDda: number;
  readonly dDdb: number;
}

export function bgFamilyLogLikelihoodGradient(
  { r, alpha, a, b }: BgNbdParams,
  x: number,
  terms: BgFamilyTermsGivenX,
  { tx, T, weight, start, end }: FrequencyRun,
  gradient: Float64Array,
): number {
  const rx = r + x;
  const { K, D } = terms;
  const canDrop = D > -Infinity;
  let total = 0;
  let sumWeight = 0;
  let sumW = 0;
  let sumLog = 0;
  let sumInverse = 0;
  for (let g = start; g < end; g++) {
    const n = weight[g] as number;
    const logT = Math.log(alpha + (T[g] as number));
    const a3 = -rx * logT;
    sumWeight += n;
    if (!canDrop) {
      total += n * a3;
      sumLog += n * logT;
      sumInverse += n / (alpha + (T[g] as number));
      continue;
    }
    const txg = tx[g] as number;
    const logTx = Math.log(alpha + txg);
    const d = D - rx * logTx - a3;
    // w = e^d / (1 + e^d), the log of the sum from the larger term.
    let w: number;
    if (d > 0) {
      const e = Math.exp(-d);
      total += n * (a3 + d + Math.log1p(e));
      w = 1 / (1 + e);
    } else {
      const e = Math.exp(d);
      total += n * (a3 + Math.log1p(e));
      w = e / (1 + e);
    }
    sumW += n * w;
    sumLog += n * ((1 - w) * logT + w * logTx);
    sumInverse += n * ((1 - w) / (alpha + (T[g] as number)) + w / (alpha + txg));
  }
  gradient[0] = (gradient[0] as number) + r * (sumWeight * terms.dKdr - sumLog);
  gradient[1] = (gradient[1] as number) + sumWeight * r - alpha * rx * sumInverse;
  gradient[2] = (gradient[2] as number) + a * (sumWeight * terms.dKda + sumW * terms.dDda);
  gradient[3] = (gradient[3] as number) + b * (sumWeight * terms.dKdb + sumW * terms.dDdb);
  return total + sumWeight * K;
}

// The x-only terms of the BG/NBD likelihood above and their derivatives (digamma for ln Gamma and ln B).
function bgNbdTermsGivenX({ r, alpha, a, b }: BgNbdParams, x: number): BgFamilyTermsGivenX {
  const psiAbx = digamma(a + b + x);
  const psiAb = digamma(a + b);
  return {
    K: gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + betaln(a, b + x) - betaln(a, b),
    dKdr: digamma(r + x) - digamma(r) + Math.log(alpha),
    dKda: psiAb - psiAbx,
    dKdb: digamma(b + x) - psiAbx - digamma(b) + psiAb,
    D: x === 0 ? -Infinity : Math.log(a) - Math.log(b + x - 1),
    dDda: 1 / a,
    dDdb: -1 / (b + x - 1),
  };
}

// Fader, Hardie & Lee (2008), "Computing P(alive) using the BG/NBD model", eq. 2: P(alive) = 1 / (1 + delta a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).
function probabilityAlive({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  return inverseOnePlusExp(logOddsDead(r, alpha, a, b, x, tx, T));
}

function logOddsDead(r: number, alpha: number, a: number, b: number, x: number, tx: number, T: number): number {
  return Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
}

/**
 * FHL 2005 eq. 10: E[Y(t)|x,t_x,T] = (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
 * 2F1(r+x, b+x; a+b+x-1; z)] / (1 + delta a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)), z = t/(alpha+T+t).
 * Euler's transformation (A&S 15.3.3) turns the bracket into 1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z),
 * whose series shortens as x grows instead of lengthening.
 */
function conditionalExpectedTransactions(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  if (t <= 0) return 0;
  const alive = x === 0 ? 1 : inverseOnePlusExp(logOddsDead(r, alpha, a, b, x, tx, T));
  return expectedTransactionsIfAlive(params, t, x, T) * alive;
}

// The bracket of eq. 10 divided by (a-1)/(a+b+x-1): the expectation of a customer alive at T.
function expectedTransactionsIfAlive({ r, alpha, a, b }: BgNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  return eulerBracket(a + b - 1 - r, a - 1, a + b + x - 1, t / (alpha + T + t));
}

/**
 * C [1 - (1-z)^k 2F1(A, k; C; z)] / k as -C expm1(k ln(1-z))/k - (1-z)^k C (2F1 - 1)/k: precise
 * for short horizons and continuous through k = 0 (a = 1) and C = 0. Shared with MBG/NBD.
 */
export function eulerBracket(A: number, k: number, C: number, z: number): number {
  const logOneMinusZ = Math.log1p(-z);
  const power = k * logOneMinusZ;
  const first = k === 0 ? -logOneMinusZ : -Math.expm1(power) / k;
  return C * first - Math.exp(power) * scaledHyp2f1MinusOne(A, k, C, z);
}

type BgFamilyFormulas = Pick<
  TransactionModel<BgNbdParams>,
  'logLikelihoodGivenX' | 'probabilityAlive' | 'conditionalExpectedTransactions' | 'expectedTransactionsIfAlive'
> & {
  /** The x-only terms for the analytic gradient; without them the model is fitted by Nelder-Mead. */
  readonly termsGivenX?: (params: BgNbdParams, x: number) => BgFamilyTermsGivenX;
};

/**
 * A model of the BG family (BG/NBD, MBG/NBD): parameters r, alpha, a, b; the population E[X(t)]
 * is the conditional expectation of a customer with x = t_x = T = 0 (FHL 2005 eq. 7, Batislam
 * et al. 2007 eq. 5).
 */
export function bgFamilyModel(name: 'bgnbd' | 'mbgnbd', { termsGivenX, ...formulas }: BgFamilyFormulas): TransactionModel<BgNbdParams> {
  return {
    name,
    parameterNames: ['r', 'alpha', 'a', 'b'],
    logLikelihood: (params, x, tx, T) => formulas.logLikelihoodGivenX(params, x)(tx, T),
    ...formulas,
    ...(termsGivenX && {
      logLikelihoodGradientGivenX: (params: BgNbdParams, x: number, groups: FrequencyRun, gradient: Float64Array) =>
        bgFamilyLogLikelihoodGradient(params, x, termsGivenX(params, x), groups, gradient),
    }),
    expectedTransactions: (params, t) => formulas.conditionalExpectedTransactions(params, t, 0, 0, 0),
    startingPoint: (meanX, meanT) => ({ r: 1, alpha: Math.max(meanT / Math.max(meanX, 0.1), 1e-3), a: 1, b: 3 }),
  };
}

export const bgNbd = bgFamilyModel('bgnbd', {
  logLikelihoodGivenX,
  probabilityAlive,
  conditionalExpectedTransactions,
  expectedTransactionsIfAlive,
  termsGivenX: bgNbdTermsGivenX,
});
