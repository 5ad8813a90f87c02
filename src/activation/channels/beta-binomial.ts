/**
 * Empirical-Bayes response rates: each person's k responses out of n contacts on a channel are
 * Binomial(n, p) with p ~ Beta(alpha, beta) over his segment; the prior is fitted on the segment's
 * persons and each person's rate is its posterior mean (k + alpha) / (n + alpha + beta), so a thin
 * history stays near the segment's rate and a rich one near his own. Pure functions over typed
 * arrays of (n, k, persons) groups, so a million persons fit as a few hundred distinct histories.
 */
import betaln from '@stdlib/math-base-special-betaln';
import { nelderMead } from '../../value/models/index.js';

/** Distinct histories: persons[i] persons had responses[i] responses out of contacts[i] contacts (contacts > 0). */
export interface HistoryGroups {
  readonly contacts: Float64Array;
  readonly responses: Float64Array;
  readonly persons: Float64Array;
}

export interface BetaPrior {
  readonly alpha: number;
  readonly beta: number;
}

export type PriorMethod = 'marginal_likelihood' | 'moments';

/** Bounds on log alpha and log beta: beyond them the likelihood is flat (no spread left to measure, or no response at all). */
const LOG_MIN = -9;
const LOG_MAX = 14;

export const priorMean = (prior: BetaPrior): number => prior.alpha / (prior.alpha + prior.beta);

/** Posterior mean of the rate after k responses out of n contacts (Beta-Binomial conjugacy). */
export function shrunkRate(prior: BetaPrior, contacts: number, responses: number): number {
  return (responses + prior.alpha) / (contacts + prior.alpha + prior.beta);
}

function totals(groups: HistoryGroups): { persons: number; contacts: number; responses: number } {
  let persons = 0;
  let contacts = 0;
  let responses = 0;
  for (let i = 0; i < groups.contacts.length; i++) {
    const w = groups.persons[i] ?? 0;
    persons += w;
    contacts += w * (groups.contacts[i] ?? 0);
    responses += w * (groups.responses[i] ?? 0);
  }
  return { persons, contacts, responses };
}

/** Whether the groups can tell a spread of rates apart: at least one response and one non-response. */
export function isFittable(groups: HistoryGroups): boolean {
  const t = totals(groups);
  return t.persons >= 2 && t.responses > 0 && t.responses < t.contacts;
}

/**
 * Method of moments for unequal n (Kleinman 1973, "Proportions with extraneous variance", JASA
 * 68: the n-weighted variance of the persons' rates has expectation p(1-p)[(m-1) + rho(N - sum n^2/N - (m-1))],
 * rho = 1/(alpha+beta+1)). Degenerate groups (no response, or only responses) get the pooled
 * rate with Jeffreys' half-count and a prior worth one contact per person.
 */
export function fitPriorByMoments(groups: HistoryGroups): BetaPrior {
  const t = totals(groups);
  if (t.contacts <= 0) throw new RangeError('no contacts to fit a prior on');
  if (!isFittable(groups)) {
    const mean = (t.responses + 0.5) / (t.contacts + 1);
    const strength = Math.max(1, t.persons);
    return { alpha: mean * strength, beta: (1 - mean) * strength };
  }
  const p = t.responses / t.contacts;
  let spread = 0;
  let sumSquares = 0;
  for (let i = 0; i < groups.contacts.length; i++) {
    const n = groups.contacts[i] ?? 0;
    const w = groups.persons[i] ?? 0;
    const r = (groups.responses[i] ?? 0) / n;
    spread += w * n * (r - p) ** 2;
    sumSquares += w * n * n;
  }
  const denominator = t.contacts - sumSquares / t.contacts - (t.persons - 1);
  // Everyone with the same n leaves the spread between persons unmeasurable: pool fully (within bounds).
  const rho = denominator > 0 ? (spread / (p * (1 - p)) - (t.persons - 1)) / denominator : 0;
  const strength = Math.min(Math.exp(LOG_MAX), 1 / Math.min(0.999, Math.max(1e-6, rho)) - 1);
  return { alpha: p * strength, beta: (1 - p) * strength };
}

/** Beta-binomial log marginal likelihood of the groups, without the binomial coefficients (constant in the prior). */
export function betaBinomialLogLikelihood(prior: BetaPrior, groups: HistoryGroups): number {
  const base = betaln(prior.alpha, prior.beta);
  let total = 0;
  for (let i = 0; i < groups.contacts.length; i++) {
    const n = groups.contacts[i] ?? 0;
    const k = groups.responses[i] ?? 0;
    total += (groups.persons[i] ?? 0) * (betaln(k + prior.alpha, n - k + prior.beta) - base);
  }
  return total;
}

/**
 * The posterior mode of (alpha, beta) under the marginal likelihood and the diffuse hyperprior
 * p(alpha, beta) ~ (alpha + beta)^(-5/2) of Gelman et al., Bayesian Data Analysis (3rd ed.), eq. 5.9,
 * over (log alpha, log beta), started at the method-of-moments estimate; Nelder-Mead as the value
 * models use it (src/value/models/optimize.ts). Plain type-II maximum likelihood runs off to an
 * infinitely strong prior whenever a segment's few contacts per person cannot show the spread of
 * rates (SMS: two a year), which would erase every person's own history; the hyperprior keeps
 * the prior finite there and is negligible where the data speak.
 */
export function fitPriorByMarginalLikelihood(groups: HistoryGroups): BetaPrior {
  const start = fitPriorByMoments(groups);
  if (!isFittable(groups)) return start;
  const clamp = (x: number): number => Math.min(LOG_MAX - 0.5, Math.max(LOG_MIN + 0.5, x));
  const objective = (x: Float64Array): number => {
    const a = x[0] ?? 0;
    const b = x[1] ?? 0;
    if (a < LOG_MIN || a > LOG_MAX || b < LOG_MIN || b > LOG_MAX) return Infinity;
    const alpha = Math.exp(a);
    const beta = Math.exp(b);
    // The Jacobian of (alpha, beta) -> (log alpha, log beta) adds a + b to the log density.
    return -(betaBinomialLogLikelihood({ alpha, beta }, groups) - 2.5 * Math.log(alpha + beta) + a + b);
  };
  const result = nelderMead(objective, [clamp(Math.log(start.alpha)), clamp(Math.log(start.beta))], { step: 0.5, xTolerance: 1e-7, fTolerance: 1e-9 });
  const fitted = { alpha: Math.exp(result.point[0] ?? 0), beta: Math.exp(result.point[1] ?? 0) };
  return result.value <= objective(Float64Array.of(Math.log(start.alpha), Math.log(start.beta))) ? fitted : start;
}

export function fitPrior(groups: HistoryGroups, method: PriorMethod): BetaPrior {
  return method === 'moments' ? fitPriorByMoments(groups) : fitPriorByMarginalLikelihood(groups);
}
