/**
 * Gamma-Gamma spend model: each transaction's value ~ Gamma(p, nu), nu ~ Gamma(q, gamma) across
 * customers; assumes spend is independent of purchase frequency (checked by the correlation).
 * Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base analysis",
 * JMR 42(4); Fader & Hardie (2013), "The Gamma-Gamma model of monetary value".
 */
import { ModelFitError, ModelInputError, ModelNumericError } from './errors.js';
import type { Convergence } from './fit.js';
import { standardErrors, standardErrorsFromGradient, withStandardErrors } from './fit.js';
import { minimizeWithFallback } from './quasi-newton.js';
import { digamma, gammaln } from './special.js';

export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

export interface GammaGammaFit extends Convergence {
  readonly params: GammaGammaParams;
  readonly standardErrors: Record<keyof GammaGammaParams, number>;
  /** Customers with x > 0 used in the fit. */
  readonly customers: number;
  /** Pearson correlation of x and mean spend over those customers: near 0 is the model's assumption. */
  readonly frequencySpendCorrelation: number;
}

// Fader & Hardie (2013) eq. 3: f(m_x | p, q, gamma, x) = Gamma(px+q)/(Gamma(px)Gamma(q)) gamma^q m_x^(px-1) x^(px) / (gamma + m_x x)^(px+q).
export function gammaGammaLogLikelihood({ p, q, gamma }: GammaGammaParams, x: number, meanSpend: number): number {
  const px = p * x;
  return (
    gammaln(px + q) - gammaln(px) - gammaln(q) + q * Math.log(gamma) + (px - 1) * Math.log(meanSpend) + px * Math.log(x) - (px + q) * Math.log(gamma + meanSpend * x)
  );
}

/**
 * The same and its gradient with respect to (ln p, ln q, ln gamma), written to `gradient`:
 *   d/d ln p     = p x [psi(px+q) - psi(px) + ln m_x + ln x - ln(gamma + m_x x)]
 *   d/d ln q     = q [psi(px+q) - psi(q) + ln gamma - ln(gamma + m_x x)]
 *   d/d ln gamma = q - gamma (px+q) / (gamma + m_x x)
 */
export function gammaGammaLogLikelihoodGradient(params: GammaGammaParams, x: number, meanSpend: number, gradient: Float64Array): number {
  const { p, q, gamma } = params;
  const px = p * x;
  const logTotal = Math.log(gamma + meanSpend * x);
  const psiPxq = digamma(px + q);
  gradient[0] = px * (psiPxq - digamma(px) + Math.log(meanSpend) + Math.log(x) - logTotal);
  gradient[1] = q * (psiPxq - digamma(q) + Math.log(gamma) - logTotal);
  gradient[2] = q - (gamma * (px + q)) / (gamma + meanSpend * x);
  return gammaGammaLogLikelihood(params, x, meanSpend);
}

// FHL 2005 (iso-value) eq. 5: E[M | p, q, gamma, m_x, x] = (gamma + m_x x) p / (p x + q - 1); for x = 0, the population mean p gamma / (q - 1).
export function conditionalExpectedSpend({ p, q, gamma }: GammaGammaParams, x: number, meanSpend: number): number {
  const denominator = p * x + q - 1;
  if (!(denominator > 0)) {
    throw new ModelNumericError('expected spend is infinite when p x + q <= 1 (q <= 1 for customers without repeat purchases)', { p, q, gamma, x });
  }
  return ((gamma + (x > 0 ? meanSpend * x : 0)) * p) / denominator;
}

export function expectedSpend(params: GammaGammaParams, x: ArrayLike<number>, meanSpend: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < out.length; i++) out[i] = conditionalExpectedSpend(params, x[i] ?? 0, meanSpend[i] ?? 0);
  return out;
}

/** Pearson correlation coefficient; NaN when either side has no variance. */
export function pearsonCorrelation(u: ArrayLike<number>, v: ArrayLike<number>): number {
  const n = u.length;
  let mu = 0;
  let mv = 0;
  for (let i = 0; i < n; i++) {
    mu += (u[i] ?? 0) / n;
    mv += (v[i] ?? 0) / n;
  }
  let suv = 0;
  let suu = 0;
  let svv = 0;
  for (let i = 0; i < n; i++) {
    const du = (u[i] ?? 0) - mu;
    const dv = (v[i] ?? 0) - mv;
    suv += du * dv;
    suu += du * du;
    svv += dv * dv;
  }
  return suu > 0 && svv > 0 ? suv / Math.sqrt(suu * svv) : NaN;
}

/** Pearson correlation of frequency and mean spend over customers with x > 0, to check Gamma-Gamma's independence assumption before (or without) a fit. */
export function frequencySpendCorrelation(x: ArrayLike<number>, meanSpend: ArrayLike<number>): number {
  const xs: number[] = [];
  const ms: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if ((x[i] ?? 0) <= 0) continue;
    xs.push(x[i] ?? 0);
    ms.push(meanSpend[i] ?? NaN);
  }
  return pearsonCorrelation(xs, ms);
}

const spendParams = (v: ArrayLike<number>): GammaGammaParams => ({ p: Math.exp(v[0] ?? 0), q: Math.exp(v[1] ?? 0), gamma: Math.exp(v[2] ?? 0) });

/** The fit's objective (-ln L per customer + penalty), with and without its gradient (null: Nelder-Mead forced). */
function spendObjective(xs: readonly number[], ms: readonly number[], penalizer: number, method: 'auto' | 'nelder-mead' | undefined) {
  const total = gammaGammaTotal(xs, ms, spendParams);
  const withGradient = gammaGammaTotalWithGradient(xs, ms);
  const penalty = (v: ArrayLike<number>): number => penalizer * (Math.exp(2 * (v[0] ?? 0)) + Math.exp(2 * (v[1] ?? 0)) + Math.exp(2 * (v[2] ?? 0)));
  const objective = (v: Float64Array): number => -total(v) / xs.length + penalty(v);
  const valueAndGradient =
    method === 'nelder-mead'
      ? null
      : (v: Float64Array, gradient: Float64Array): number => {
          const value = -withGradient(v, gradient) / xs.length;
          for (let i = 0; i < 3; i++) {
            const square = Math.exp(2 * (v[i] as number));
            gradient[i] = -(gradient[i] as number) / xs.length + penalizer * 2 * square;
          }
          return value + penalty(v);
        };
  return { total, withGradient, objective, valueAndGradient };
}

/** Repeat buyers above which the fit starts from the optimum of every m-th one (about 50,000), as fit.ts's warmStart. */
const WARM_START_CUSTOMERS = 200_000;
const WARM_START_SAMPLE = 50_000;

/**
 * The optimum and final inverse Hessian of the same fit on a sample of the repeat buyers: from
 * there BFGS needs a few passes over all of them instead of some twenty (the objective is a mean
 * per customer, so its curvature is the full data's to sampling error; the optimum is the full
 * data's, as the stopping rule is on its gradient). Null when small, or when BFGS fails there.
 */
function sampleStart(xs: readonly number[], ms: readonly number[], penalizer: number, start: readonly number[], maxIterations: number) {
  if (xs.length <= WARM_START_CUSTOMERS) return null;
  const step = Math.ceil(xs.length / WARM_START_SAMPLE);
  const sx: number[] = [];
  const sm: number[] = [];
  for (let i = 0; i < xs.length; i += step) {
    sx.push(xs[i] as number);
    sm.push(ms[i] as number);
  }
  const sample = spendObjective(sx, sm, penalizer, 'auto');
  const run = minimizeWithFallback(sample.objective, sample.valueAndGradient, start, maxIterations);
  return run.method === 'bfgs' && run.inverseHessian ? { start: Array.from(run.result.point), inverseHessian: run.inverseHessian } : null;
}

/** Fits on customers with x > 0 (their mean spend must be > 0); others are skipped. */
export function fitGammaGamma(
  x: ArrayLike<number>,
  meanSpend: ArrayLike<number>,
  options: { readonly penalizer?: number; readonly maxIterations?: number; readonly method?: 'auto' | 'nelder-mead' } = {},
): GammaGammaFit {
  if (x.length !== meanSpend.length) throw new ModelInputError(`x and mean spend must have one value per customer (got ${x.length}, ${meanSpend.length})`);
  const xs: number[] = [];
  const ms: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] ?? 0;
    if (xi <= 0) continue;
    const mi = meanSpend[i] ?? NaN;
    if (!(Number.isFinite(mi) && mi > 0)) throw new ModelInputError(`customer ${i}: mean spend must be > 0 when x > 0, got ${mi}`, i);
    xs.push(xi);
    ms.push(mi);
  }
  if (xs.length < 2) throw new ModelInputError('Gamma-Gamma needs at least two customers with repeat purchases');
  const penalizer = options.penalizer ?? 0;
  const { total, withGradient, objective, valueAndGradient } = spendObjective(xs, ms, penalizer, options.method);
  const meanOfMeans = ms.reduce((s, m) => s + m, 0) / ms.length;
  const usualStart = [Math.log(2), Math.log(3), Math.log((meanOfMeans * 2) / 2)];
  const maxIterations = options.maxIterations ?? 5000;
  const warm = valueAndGradient ? sampleStart(xs, ms, penalizer, usualStart, maxIterations) : null;
  const { result, method, evaluations } = minimizeWithFallback(objective, valueAndGradient, warm?.start ?? usualStart, maxIterations, warm?.inverseHessian);
  const params = spendParams(result.point);
  const logLikelihood = total(result.point);
  if (!Number.isFinite(logLikelihood) || !Object.values(params).every(Number.isFinite)) {
    throw new ModelFitError('gamma-gamma', 'the fit ended on a non-finite log-likelihood or parameter', result.iterations, logLikelihood, { ...params });
  }
  if (!result.converged) {
    throw new ModelFitError('gamma-gamma', `no convergence after ${result.iterations} iterations`, result.iterations, logLikelihood, { ...params });
  }
  // Computed when first read (4 more passes over the repeat buyers): neither `fidelis clv` nor the pipeline reports them.
  const computeErrors = (): Record<keyof GammaGammaParams, number> =>
    method === 'bfgs'
      ? standardErrorsFromGradient(['p', 'q', 'gamma'], result.point, (v, gradient) => {
          const value = -withGradient(v, gradient);
          for (let i = 0; i < 3; i++) gradient[i] = -(gradient[i] as number);
          return value;
        })
      : standardErrors(['p', 'q', 'gamma'], result.point, (v) => -total(v));
  return withStandardErrors(computeErrors, {
    params,
    logLikelihood,
    iterations: result.iterations,
    evaluations,
    restarts: result.restarts,
    converged: true,
    method,
    customers: xs.length,
    frequencySpendCorrelation: pearsonCorrelation(xs, ms),
  });
}

/**
 * The summed log-likelihood of many customers and its gradient in (ln p, ln q, ln gamma) (see
 * gammaGammaLogLikelihoodGradient), arranged as gammaGammaTotal: the gamma and digamma terms
 * per distinct x, then one loop over typed columns for ln(gamma + m_x x) and its inverse.
 */
export function gammaGammaTotalWithGradient(
  xs: ArrayLike<number>,
  ms: ArrayLike<number>,
): (v: ArrayLike<number>, gradient: Float64Array) => number {
  const byX = new Map<number, { n: number; sumLogSpend: number }>();
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    const entry = byX.get(x) ?? { n: 0, sumLogSpend: 0 };
    entry.n += 1;
    entry.sumLogSpend += Math.log(ms[i] as number);
    byX.set(x, entry);
  }
  const groupX = Float64Array.from(byX.keys());
  const groupN = Float64Array.from(byX.values(), (e) => e.n);
  const groupLogSpend = Float64Array.from(byX.values(), (e) => e.sumLogSpend);
  const x = Float64Array.from(xs);
  const m = Float64Array.from(ms);
  const customers = x.length;
  return (v, gradient) => {
    const p = Math.exp(v[0] as number);
    const q = Math.exp(v[1] as number);
    const gamma = Math.exp(v[2] as number);
    const logGamma = Math.log(gamma);
    const lnGammaQ = gammaln(q);
    const psiQ = digamma(q);
    let sum = 0;
    let dp = 0;
    let dq = 0;
    for (let k = 0; k < groupX.length; k++) {
      const xi = groupX[k] as number;
      const n = groupN[k] as number;
      const sumLogSpend = groupLogSpend[k] as number;
      const px = p * xi;
      const psiPxq = digamma(px + q);
      const logX = Math.log(xi);
      sum += n * (gammaln(px + q) - gammaln(px) - lnGammaQ + q * logGamma + px * logX) + (px - 1) * sumLogSpend;
      dp += n * xi * (psiPxq - digamma(px) + logX) + xi * sumLogSpend;
      dq += n * (psiPxq - psiQ + logGamma);
    }
    let sumXLog = 0;
    let sumLog = 0;
    let sumRatio = 0;
    for (let i = 0; i < customers; i++) {
      const xi = x[i] as number;
      const total = gamma + (m[i] as number) * xi;
      const logTotal = Math.log(total);
      const weight = p * xi + q;
      sum -= weight * logTotal;
      sumXLog += xi * logTotal;
      sumLog += logTotal;
      sumRatio += weight / total;
    }
    gradient[0] = p * (dp - sumXLog);
    gradient[1] = q * (dq - sumLog);
    gradient[2] = customers * q - gamma * sumRatio;
    return sum;
  };
}

/**
 * The summed log-likelihood of many customers, arranged so each evaluation costs one logarithm
 * per customer: the gamma functions and log-spend terms depend on x alone and are summed per
 * distinct x. Measured on 760,000 repeat buyers: the fit went from about 50 s to a few seconds.
 */
export function gammaGammaTotal(
  xs: readonly number[],
  ms: readonly number[],
  toParams: (v: ArrayLike<number>) => GammaGammaParams,
): (v: ArrayLike<number>) => number {
  const byX = new Map<number, { n: number; sumLogSpend: number }>();
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] ?? 1;
    const entry = byX.get(x) ?? { n: 0, sumLogSpend: 0 };
    entry.n += 1;
    entry.sumLogSpend += Math.log(ms[i] ?? 1);
    byX.set(x, entry);
  }
  const groups = [...byX.entries()];
  const x = Float64Array.from(xs);
  const m = Float64Array.from(ms);
  return (v) => {
    const { p, q, gamma } = toParams(v);
    let sum = 0;
    for (const [xi, { n, sumLogSpend }] of groups) {
      const px = p * xi;
      sum += n * (gammaln(px + q) - gammaln(px) - gammaln(q) + q * Math.log(gamma) + px * Math.log(xi)) + (px - 1) * sumLogSpend;
    }
    for (let i = 0; i < x.length; i++) {
      const xi = x[i] ?? 1;
      sum -= (p * xi + q) * Math.log(gamma + (m[i] ?? 1) * xi);
    }
    return sum;
  };
}
