import { describe, expect, it } from 'vitest';
import {
  betaBinomialLogLikelihood,
  fitPrior,
  priorMean,
  shrunkRate,
  type BetaPrior,
  type HistoryGroups,
  type PriorMethod,
} from '../../../src/activation/channels/index.js';
import { Rng } from '../../../src/generate/index.js';
import { beta as drawBeta } from '../../../src/generate/distributions.js';

interface Simulated {
  readonly trueRates: Float64Array;
  readonly contacts: Float64Array;
  readonly responses: Float64Array;
}

/** Persons with a true rate from Beta(alpha, beta) and 1..maxContacts contacts each, seeded. */
function simulate(prior: BetaPrior, persons: number, maxContacts: number, seed: number): Simulated {
  const rng = Rng.of(seed, 1, 0);
  const trueRates = new Float64Array(persons);
  const contacts = new Float64Array(persons);
  const responses = new Float64Array(persons);
  for (let i = 0; i < persons; i++) {
    const p = drawBeta(rng, prior.alpha, prior.beta);
    const n = 1 + Math.floor(rng.next() * maxContacts);
    let k = 0;
    for (let j = 0; j < n; j++) if (rng.next() < p) k++;
    trueRates[i] = p;
    contacts[i] = n;
    responses[i] = k;
  }
  return { trueRates, contacts, responses };
}

/** The persons as distinct (n, k) histories, as the pipeline step reads them from SQL. */
function groupsOf(s: Simulated): HistoryGroups {
  const counts = new Map<string, number>();
  s.contacts.forEach((n, i) => {
    const key = `${n},${s.responses[i] ?? 0}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  const keys = [...counts.keys()].map((k) => k.split(',').map(Number));
  return {
    contacts: Float64Array.from(keys, (k) => k[0] ?? 0),
    responses: Float64Array.from(keys, (k) => k[1] ?? 0),
    persons: Float64Array.from(keys, (k) => counts.get(`${k[0]},${k[1]}`) ?? 0),
  };
}

function mse(estimates: ArrayLike<number>, truth: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < truth.length; i++) total += ((estimates[i] ?? 0) - (truth[i] ?? 0)) ** 2;
  return total / truth.length;
}

const CASES: readonly { name: string; prior: BetaPrior; maxContacts: number }[] = [
  { name: 'rare responses, thin histories (SMS-like)', prior: { alpha: 0.8, beta: 18 }, maxContacts: 6 },
  { name: 'common responses, richer histories (email-like)', prior: { alpha: 2.5, beta: 12 }, maxContacts: 40 },
];

describe('empirical-Bayes response rates recover a known Beta prior from simulated persons', () => {
  for (const { name, prior, maxContacts } of CASES) {
    for (const method of ['marginal_likelihood', 'moments'] as const satisfies readonly PriorMethod[]) {
      it(`${name}, ${method}: prior mean and strength near the truth, shrunk rates beat raw rates in MSE`, () => {
        const s = simulate(prior, 20_000, maxContacts, 7);
        const fitted = fitPrior(groupsOf(s), method);
        expect(Math.abs(priorMean(fitted) - priorMean(prior)) / priorMean(prior)).toBeLessThan(0.05);
        const trueStrength = prior.alpha + prior.beta;
        const strength = fitted.alpha + fitted.beta;
        expect(Math.abs(Math.log(strength / trueStrength))).toBeLessThan(method === 'moments' ? 0.35 : 0.2);
        const raw = Float64Array.from(s.contacts, (n, i) => (s.responses[i] ?? 0) / n);
        const shrunk = Float64Array.from(s.contacts, (n, i) => shrunkRate(fitted, n, s.responses[i] ?? 0));
        const rawError = mse(raw, s.trueRates);
        const shrunkError = mse(shrunk, s.trueRates);
        expect(shrunkError).toBeLessThan(0.8 * rawError);
        // Shrinking toward the segment's mean alone (everyone the same rate) is worse too: persons keep their differences.
        expect(shrunkError).toBeLessThan(mse(new Float64Array(s.contacts.length).fill(priorMean(fitted)), s.trueRates));
      });
    }
  }

  it('the marginal-likelihood fit is at least as likely as the moments start, and likelier than the truth on its own sample', () => {
    const s = simulate({ alpha: 1.2, beta: 20 }, 5_000, 12, 3);
    const groups = groupsOf(s);
    const ml = fitPrior(groups, 'marginal_likelihood');
    expect(betaBinomialLogLikelihood(ml, groups)).toBeGreaterThanOrEqual(betaBinomialLogLikelihood(fitPrior(groups, 'moments'), groups) - 1e-6);
    expect(betaBinomialLogLikelihood(ml, groups)).toBeGreaterThanOrEqual(betaBinomialLogLikelihood({ alpha: 1.2, beta: 20 }, groups) - 1e-6);
  });

  it('a rich history speaks for itself, a thin one stays near the segment', () => {
    const prior = { alpha: 1, beta: 24 };
    expect(Math.abs(shrunkRate(prior, 200, 60) - 0.3)).toBeLessThan(0.03);
    expect(Math.abs(shrunkRate(prior, 2, 1) - priorMean(prior))).toBeLessThan(0.04);
  });

  it('keeps the prior finite when thin histories cannot show a spread (the hyperprior), and pools such persons near the common rate', () => {
    // Everyone has the same rate 5%, two contacts each: maximum likelihood alone would run to an infinite prior.
    const s = simulate({ alpha: 5e6, beta: 95e6 }, 4_000, 2, 9);
    const fitted = fitPrior(groupsOf(s), 'marginal_likelihood');
    expect(Number.isFinite(fitted.alpha + fitted.beta)).toBe(true);
    expect(fitted.alpha + fitted.beta).toBeLessThan(1e5);
    expect(Math.abs(priorMean(fitted) - 0.05)).toBeLessThan(0.01);
    // Two responses out of two stay far nearer the common 5% than his raw 100%.
    expect(fitted.alpha + fitted.beta).toBeGreaterThan(10);
    expect(shrunkRate(fitted, 2, 2)).toBeLessThan(0.2);
  });

  it('a group with no response at all gets a small pooled rate, never zero or NaN', () => {
    const groups: HistoryGroups = { contacts: Float64Array.of(3, 5), responses: Float64Array.of(0, 0), persons: Float64Array.of(10, 20) };
    for (const method of ['marginal_likelihood', 'moments'] as const) {
      const fitted = fitPrior(groups, method);
      expect(priorMean(fitted)).toBeGreaterThan(0);
      expect(priorMean(fitted)).toBeLessThan(0.01);
    }
  });
});
