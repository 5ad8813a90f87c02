/**
 * Pareto/NBD: Poisson purchases at rate lambda ~ Gamma(r, alpha) during an exponential lifetime
 * of rate mu ~ Gamma(s, beta). Schmittlein, Morrison & Colombo (1987), "Counting your customers:
 * who are they and what will they do next?", Management Science 33(1); expressions from Fader &
 * Hardie (2005), "A note on deriving the Pareto/NBD model and related expressions".
 */
import type { TransactionModel } from './transaction-model.js';
import { gammaln, inverseOnePlusExp, logAddExp, logHyp2f1One, logSubExp } from './special.js';

export type ParetoNbdParams = {
  readonly r: number;
  readonly alpha: number;
  readonly s: number;
  readonly beta: number;
};

/**
 * ln of A_0's term at t, i.e. 2F1(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+t)) / (alpha+t)^(r+s+x)
 * when alpha >= beta, or 2F1(r+s+x, r+x; r+s+x+1; (beta-alpha)/(beta+t)) / (beta+t)^(r+s+x)
 * otherwise (FH 2005 note, eq. 19-20), so that 0 <= z < 1. Euler's transformation (A&S 15.3.3)
 * rewrites both as 2F1(1, b; r+s+x+1; z) with positive terms falling at least as fast as z^n:
 *   alpha >= beta: (alpha+t)^-(r+x) (beta+t)^-s 2F1(1, r+x; r+s+x+1; z)
 *   alpha <  beta: (alpha+t)^(1-r-x) (beta+t)^-(s+1) 2F1(1, s+1; r+s+x+1; z)
 */
function logA0Term({ r, alpha, s, beta }: ParetoNbdParams, x: number, t: number): number {
  const c = r + s + x + 1;
  if (alpha >= beta) {
    return -(r + x) * Math.log(alpha + t) - s * Math.log(beta + t) + logHyp2f1One(r + x, c, (alpha - beta) / (alpha + t));
  }
  return (1 - r - x) * Math.log(alpha + t) - (s + 1) * Math.log(beta + t) + logHyp2f1One(s + 1, c, (beta - alpha) / (beta + t));
}

/** ln A_0 = ln(term(t_x) - term(T)); -Infinity when t_x = T (no time to die unseen). */
function logA0(params: ParetoNbdParams, x: number, tx: number, T: number, term = (t: number): number => logA0Term(params, x, t)): number {
  const high = term(tx);
  const low = term(T);
  return low >= high ? -Infinity : logSubExp(high, low);
}

// FH 2005 note eq. 22: L = Gamma(r+x) alpha^r beta^s / Gamma(r) [ 1/((alpha+T)^(r+x) (beta+T)^s) + s/(r+s+x) A_0 ].
function logLikelihoodGivenX(params: ParetoNbdParams, x: number): (tx: number, T: number) => number {
  const { r, alpha, s, beta } = params;
  const base = gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + s * Math.log(beta);
  const logShare = Math.log(s) - Math.log(r + s + x);
  // Customers with the same x share T and t_x values (whole periods): each 2F1 term once.
  const terms = new Map<number, number>();
  const term = (t: number): number => {
    let value = terms.get(t);
    if (value === undefined) {
      value = logA0Term(params, x, t);
      terms.set(t, value);
    }
    return value;
  };
  return (tx, T) => {
    const aliveThroughT = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
    return base + logAddExp(aliveThroughT, logShare + logA0(params, x, tx, T, term));
  };
}

// FH 2005 note eq. 24: P(alive) = 1 / (1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A_0).
function probabilityAlive(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = params;
  const logOddsDead = Math.log(s) - Math.log(r + s + x) + (r + x) * Math.log(alpha + T) + s * Math.log(beta + T) + logA0(params, x, tx, T);
  return inverseOnePlusExp(logOddsDead);
}

/**
 * FH 2005 note eq. 27: E[Y(t)|x,t_x,T] = (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive),
 * with [1 - (1+u)^-(s-1)]/(s-1) = -expm1(-(s-1) ln(1+u))/(s-1), whose limit at s = 1 is ln(1+u).
 */
function conditionalExpectedTransactions(params: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = params;
  if (t <= 0) return 0;
  const logGrowth = Math.log1p(t / (beta + T));
  const horizonFactor = s === 1 ? logGrowth : -Math.expm1(-(s - 1) * logGrowth) / (s - 1);
  return ((r + x) / (alpha + T)) * (beta + T) * horizonFactor * probabilityAlive(params, x, tx, T);
}

export const paretoNbd: TransactionModel<ParetoNbdParams> = {
  name: 'paretonbd',
  parameterNames: ['r', 'alpha', 's', 'beta'],
  logLikelihood: (params, x, tx, T) => logLikelihoodGivenX(params, x)(tx, T),
  logLikelihoodGivenX,
  probabilityAlive,
  conditionalExpectedTransactions,
  // FH 2005 note eq. 17: E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)], eq. 27 at x = t_x = T = 0.
  expectedTransactions: (params, t) => conditionalExpectedTransactions(params, t, 0, 0, 0),
  startingPoint: (meanX, meanT) => ({ r: 1, alpha: Math.max(meanT / Math.max(meanX, 0.1), 1e-3), s: 1, beta: Math.max(meanT, 1e-3) }),
};
