/**
 * BG/NBD: Poisson purchases at rate lambda ~ Gamma(r, alpha) while alive; after each repeat
 * purchase the customer drops out with probability p ~ Beta(a, b).
 * Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative to the
 * Pareto/NBD model", Marketing Science 24(2); log form from their note "Implementing the BG/NBD
 * model for customer base analysis in Excel" (2005).
 */
import type { TransactionModel } from './transaction-model.js';
import { betaln, gammaln, inverseOnePlusExp, logAddExp, scaledHyp2f1MinusOne } from './special.js';

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
  const z = t / (alpha + T + t);
  const alive = x === 0 ? 1 : inverseOnePlusExp(logOddsDead(r, alpha, a, b, x, tx, T));
  return eulerBracket(a + b - 1 - r, a - 1, a + b + x - 1, z) * alive;
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

type BgFamilyFormulas = Pick<TransactionModel<BgNbdParams>, 'logLikelihoodGivenX' | 'probabilityAlive' | 'conditionalExpectedTransactions'>;

/**
 * A model of the BG family (BG/NBD, MBG/NBD): parameters r, alpha, a, b; the population E[X(t)]
 * is the conditional expectation of a customer with x = t_x = T = 0 (FHL 2005 eq. 7, Batislam
 * et al. 2007 eq. 5).
 */
export function bgFamilyModel(name: 'bgnbd' | 'mbgnbd', formulas: BgFamilyFormulas): TransactionModel<BgNbdParams> {
  return {
    name,
    parameterNames: ['r', 'alpha', 'a', 'b'],
    logLikelihood: (params, x, tx, T) => formulas.logLikelihoodGivenX(params, x)(tx, T),
    ...formulas,
    expectedTransactions: (params, t) => formulas.conditionalExpectedTransactions(params, t, 0, 0, 0),
    startingPoint: (meanX, meanT) => ({ r: 1, alpha: Math.max(meanT / Math.max(meanX, 0.1), 1e-3), a: 1, b: 3 }),
  };
}

export const bgNbd = bgFamilyModel('bgnbd', { logLikelihoodGivenX, probabilityAlive, conditionalExpectedTransactions });
