/**
 * MBG/NBD: BG/NBD where the customer may also drop out right after his first purchase, so a
 * customer without repeat purchases is not assumed alive. Batislam, Denizel & Filiztekin (2007),
 * "Empirical validation and comparison of models for customer base analysis", IJRM 24(3);
 * Hoppe & Wagner (2007), "Customer base analysis: the case for a central variant of the
 * Betageometric/NBD model", Marketing - JRM 29(2).
 */
import { bgFamilyModel, eulerBracket, type BgFamilyTermsGivenX } from './bg-nbd.js';
import type { TransactionModel } from './transaction-model.js';
import { betaln, digamma, gammaln, inverseOnePlusExp, logAddExp } from './special.js';

export type MbgNbdParams = {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
};

// Batislam et al. 2007 eq. 4: L = B(a,b+x+1)/B(a,b) Gamma(r+x) alpha^r / (Gamma(r) (alpha+T)^(r+x)) + B(a+1,b+x)/B(a,b) Gamma(r+x) alpha^r / (Gamma(r) (alpha+t_x)^(r+x)).
function logLikelihoodGivenX({ r, alpha, a, b }: MbgNbdParams, x: number): (tx: number, T: number) => number {
  const common = gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + betaln(a, b + x + 1) - betaln(a, b);
  // B(a+1, b+x) / B(a, b+x+1) = a / (b+x).
  const logDropNow = Math.log(a) - Math.log(b + x);
  return (tx, T) => common + logAddExp(-(r + x) * Math.log(alpha + T), logDropNow - (r + x) * Math.log(alpha + tx));
}

// The x-only terms of eq. 4 in the BG family's form (bg-nbd.ts): K with B(a,b+x+1)/B(a,b), D = ln(a/(b+x)) for every x.
function termsGivenX({ r, alpha, a, b }: MbgNbdParams, x: number): BgFamilyTermsGivenX {
  const psiAbx = digamma(a + b + x + 1);
  const psiAb = digamma(a + b);
  return {
    K: gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + betaln(a, b + x + 1) - betaln(a, b),
    dKdr: digamma(r + x) - digamma(r) + Math.log(alpha),
    dKda: psiAb - psiAbx,
    dKdb: digamma(b + x + 1) - psiAbx - digamma(b) + psiAb,
    D: Math.log(a) - Math.log(b + x),
    dDda: 1 / a,
    dDdb: -1 / (b + x),
  };
}

function logOddsDead({ r, alpha, a, b }: MbgNbdParams, x: number, tx: number, T: number): number {
  return Math.log(a) - Math.log(b + x) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
}

// Batislam et al. 2007 eq. 6: P(alive) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)), for x = 0 too.
function probabilityAlive(params: MbgNbdParams, x: number, tx: number, T: number): number {
  return inverseOnePlusExp(logOddsDead(params, x, tx, T));
}

/**
 * Batislam et al. 2007 eq. 7: E[Y(t)|x,t_x,T] = (a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
 * 2F1(r+x, b+x+1; a+b+x; z)] P(alive), z = t/(alpha+T+t); Euler's transformation (A&S 15.3.3)
 * gives the bracket as 1 - (1-z)^(a-1) 2F1(a+b-r, a-1; a+b+x; z), as for BG/NBD.
 */
function conditionalExpectedTransactions(params: MbgNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  return expectedTransactionsIfAlive(params, t, x, T) * probabilityAlive(params, x, tx, T);
}

function expectedTransactionsIfAlive({ r, alpha, a, b }: MbgNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  return eulerBracket(a + b - r, a - 1, a + b + x, t / (alpha + T + t));
}

export const mbgNbd: TransactionModel<MbgNbdParams> = bgFamilyModel('mbgnbd', {
  logLikelihoodGivenX,
  probabilityAlive,
  conditionalExpectedTransactions,
  expectedTransactionsIfAlive,
  termsGivenX,
});
