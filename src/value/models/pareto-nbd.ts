/**
 * Pareto/NBD: Poisson purchases at rate lambda ~ Gamma(r, alpha) during an exponential lifetime
 * of rate mu ~ Gamma(s, beta). Schmittlein, Morrison & Colombo (1987), "Counting your customers:
 * who are they and what will they do next?", Management Science 33(1); expressions from Fader &
 * Hardie (2005), "A note on deriving the Pareto/NBD model and related expressions".
 */
import type { FrequencyRun, TransactionModel } from './transaction-model.js';
import { digamma, gammaln, inverseOnePlusExp, logAddExp, logHyp2f1One, logSubExp } from './special.js';

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

/**
 * Partial derivatives of ln 2F1(1, b; c; z) in b, c and z. For z <= 0.75 from the power series
 * itself, differentiated term by term in the same pass: with t_n = (b)_n/(c)_n z^n,
 *   dt_n/db = t_n sum_{i<n} 1/(b+i),  dt_n/dc = -t_n sum_{i<n} 1/(c+i),  dt_n/dz = n t_n / z,
 * one series instead of the seven evaluations of central differences (which made Pareto/NBD the
 * slowest candidate of `auto`). Nearer 1, where logHyp2f1One uses the continued fraction, by
 * central differences: the derivatives with respect to the parameters have no closed form there
 * (Kampé de Fériet series); steps of 1e-5 relative keep the error near 1e-10 relative
 * (truncation h^2 against rounding 1e-16/h); the z step stays inside [0, 1).
 * Tested against differences of the whole log-likelihood in test/value-models/gradients.test.ts.
 */
function logHyp2f1OneGradient(b: number, c: number, z: number, out: Float64Array): number {
  if (z > 0 && z <= 0.75) {
    let term = 1;
    let sum = 1;
    let sumB = 0;
    let sumC = 0;
    let sumN = 0;
    let harmonicB = 0;
    let harmonicC = 0;
    for (let n = 1; n < 100_000; n++) {
      harmonicB += 1 / (b + n - 1);
      harmonicC += 1 / (c + n - 1);
      term *= ((b + n - 1) / (c + n - 1)) * z;
      sum += term;
      sumB += term * harmonicB;
      sumC += term * harmonicC;
      sumN += n * term;
      // The derivative series fall more slowly than the series (by the factors n, H_n): all three must have converged.
      if (n * term <= 1e-16 * sumN && term * harmonicB <= 1e-16 * sumB && term * harmonicC <= 1e-16 * sumC) {
        out[0] = sumB / sum;
        out[1] = -sumC / sum;
        out[2] = sumN / (z * sum);
        return Math.log(sum);
      }
    }
  }
  const hb = 1e-5 * Math.max(1, b);
  const hc = 1e-5 * Math.max(1, c);
  out[0] = (logHyp2f1One(b + hb, c, z) - logHyp2f1One(b - hb, c, z)) / (2 * hb);
  // b + hb < c - hc holds while c - b (s + 1, or r + x) exceeds 2e-5 c.
  out[1] = (logHyp2f1One(b, c + hc, z) - logHyp2f1One(b, c - hc, z)) / (2 * hc);
  const hz = 1e-6;
  const low = Math.max(0, z - hz);
  const high = Math.min(z + hz, (1 + z) / 2);
  out[2] = high > low ? (logHyp2f1One(b, c, high) - logHyp2f1One(b, c, low)) / (high - low) : 0;
  return logHyp2f1One(b, c, z);
}

/**
 * logA0Term at t and its derivatives in (r, alpha, s, beta) on the natural scale, into
 * out[0..4] = value, d/dr, d/dalpha, d/ds, d/dbeta. From the two forms of logA0Term:
 *   alpha >= beta: -(r+x) ln(alpha+t) - s ln(beta+t) + H(r+x, c, (alpha-beta)/(alpha+t))
 *   alpha <  beta: (1-r-x) ln(alpha+t) - (s+1) ln(beta+t) + H(s+1, c, (beta-alpha)/(beta+t))
 * with H = ln 2F1(1, b; c; z), c = r+s+x+1.
 */
function logA0TermGradient({ r, alpha, s, beta }: ParetoNbdParams, x: number, t: number, h: Float64Array, out: Float64Array): void {
  const c = r + s + x + 1;
  const at = alpha + t;
  const bt = beta + t;
  if (alpha >= beta) {
    const z = (alpha - beta) / at;
    const logF = logHyp2f1OneGradient(r + x, c, z, h);
    const [hb, hc, hz] = h as unknown as [number, number, number];
    out[0] = -(r + x) * Math.log(at) - s * Math.log(bt) + logF;
    out[1] = -Math.log(at) + hb + hc;
    out[2] = -(r + x) / at + (hz * bt) / (at * at);
    out[3] = -Math.log(bt) + hc;
    out[4] = -s / bt - hz / at;
    return;
  }
  const z = (beta - alpha) / bt;
  const logF = logHyp2f1OneGradient(s + 1, c, z, h);
  const [hb, hc, hz] = h as unknown as [number, number, number];
  out[0] = (1 - r - x) * Math.log(at) - (s + 1) * Math.log(bt) + logF;
  out[1] = -Math.log(at) + hc;
  out[2] = (1 - r - x) / at - hz / bt;
  out[3] = -Math.log(bt) + hb + hc;
  out[4] = -(s + 1) / bt + (hz * at) / (bt * bt);
}

/**
 * Weighted log-likelihood of eq. 22 and its gradient on the ln(parameter) scale:
 *   ln L = base + ln(e^P + e^(ln share + ln A_0)),
 *   base = ln Gamma(r+x) - ln Gamma(r) + r ln alpha + s ln beta,
 *   P = -(r+x) ln(alpha+T) - s ln(beta+T), share = s/(r+s+x),
 *   ln A_0 = h + ln(1 - e^(l-h)) with h, l the term at t_x and T, so
 *   grad ln A_0 = (grad h - e^(l-h) grad l) / (1 - e^(l-h)).
 * Terms are kept per distinct t, as logLikelihoodGivenX does, for data in whole periods.
 */
function logLikelihoodGradientGivenX(params: ParetoNbdParams, x: number, { tx, T, weight, start, end }: FrequencyRun, gradient: Float64Array): number {
  const { r, alpha, s, beta } = params;
  const rx = r + x;
  const rsx = r + s + x;
  const base = gammaln(rx) - gammaln(r) + r * Math.log(alpha) + s * Math.log(beta);
  const baseGradient = [digamma(rx) - digamma(r) + Math.log(alpha), r / alpha, Math.log(beta), s / beta];
  const logShare = Math.log(s) - Math.log(rsx);
  const shareDr = -1 / rsx;
  const shareDs = 1 / s - 1 / rsx;
  const scratch = new Float64Array(3);
  const memo = new Map<number, Float64Array>();
  const term = (t: number): Float64Array => {
    let value = memo.get(t);
    if (!value) {
      value = new Float64Array(5);
      logA0TermGradient(params, x, t, scratch, value);
      memo.set(t, value);
    }
    return value;
  };
  let total = 0;
  let sumWeight = 0;
  const sums = new Float64Array(4);
  for (let g = start; g < end; g++) {
    const n = weight[g] as number;
    const Tg = T[g] as number;
    const at = alpha + Tg;
    const bt = beta + Tg;
    const p = -rx * Math.log(at) - s * Math.log(bt);
    const pDr = -Math.log(at);
    const pDalpha = -rx / at;
    const pDs = -Math.log(bt);
    const pDbeta = -s / bt;
    sumWeight += n;
    const txg = tx[g] as number;
    const high = txg < Tg ? term(txg) : undefined;
    const low = high ? term(Tg) : undefined;
    if (!high || !low || (low[0] as number) >= (high[0] as number)) {
      total += n * p;
      sums[0] = (sums[0] as number) + n * pDr;
      sums[1] = (sums[1] as number) + n * pDalpha;
      sums[2] = (sums[2] as number) + n * pDs;
      sums[3] = (sums[3] as number) + n * pDbeta;
      continue;
    }
    const ratio = Math.exp((low[0] as number) - (high[0] as number));
    const logA0Value = logSubExp(high[0] as number, low[0] as number);
    const branch = logShare + logA0Value;
    const ll = logAddExp(p, branch);
    // w: weight of the A_0 branch in the sum.
    const w = Math.exp(branch - ll);
    total += n * ll;
    const inv = 1 / (1 - ratio);
    const a0 = (k: number): number => ((high[k] as number) - ratio * (low[k] as number)) * inv;
    sums[0] = (sums[0] as number) + n * ((1 - w) * pDr + w * (shareDr + a0(1)));
    sums[1] = (sums[1] as number) + n * ((1 - w) * pDalpha + w * a0(2));
    sums[2] = (sums[2] as number) + n * ((1 - w) * pDs + w * (shareDs + a0(3)));
    sums[3] = (sums[3] as number) + n * ((1 - w) * pDbeta + w * a0(4));
  }
  const natural = [r, alpha, s, beta];
  for (let k = 0; k < 4; k++) {
    gradient[k] = (gradient[k] as number) + (natural[k] as number) * (sumWeight * (baseGradient[k] as number) + (sums[k] as number));
  }
  return total + sumWeight * base;
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
  if (t <= 0) return 0;
  return expectedTransactionsIfAlive(params, t, x, T) * probabilityAlive(params, x, tx, T);
}

function expectedTransactionsIfAlive({ r, alpha, s, beta }: ParetoNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const logGrowth = Math.log1p(t / (beta + T));
  const horizonFactor = s === 1 ? logGrowth : -Math.expm1(-(s - 1) * logGrowth) / (s - 1);
  return ((r + x) / (alpha + T)) * (beta + T) * horizonFactor;
}

export const paretoNbd: TransactionModel<ParetoNbdParams> = {
  name: 'paretonbd',
  parameterNames: ['r', 'alpha', 's', 'beta'],
  logLikelihood: (params, x, tx, T) => logLikelihoodGivenX(params, x)(tx, T),
  logLikelihoodGivenX,
  logLikelihoodGradientGivenX,
  probabilityAlive,
  conditionalExpectedTransactions,
  expectedTransactionsIfAlive,
  // FH 2005 note eq. 17: E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)], eq. 27 at x = t_x = T = 0.
  expectedTransactions: (params, t) => conditionalExpectedTransactions(params, t, 0, 0, 0),
  startingPoint: (meanX, meanT) => ({ r: 1, alpha: Math.max(meanT / Math.max(meanX, 0.1), 1e-3), s: 1, beta: Math.max(meanT, 1e-3) }),
};
