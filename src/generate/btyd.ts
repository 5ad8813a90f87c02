import { Rng } from './random.js';

/**
 * Buy-till-you-die simulators: the demo company's purchase timing, and the known-parameter
 * populations the CLV models' recovery tests fit.
 * BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers the easy way".
 * Pareto/NBD: Schmittlein, Morrison & Colombo (1987). Gamma-Gamma: Fader, Hardie & Lee (2005), "RFM and CLV".
 */
export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

export interface ParetoNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly s: number;
  readonly beta: number;
}

export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

/** Relative purchase intensity at a time (1 on average); the identity when absent. */
export type Seasonality = (time: number) => number;

/**
 * Repeat purchase times of one BG/NBD customer born at 0 and observed until `horizon`: a Poisson
 * process of rate `lambda` (thinned by `seasonality`, whose maximum is `peak`), and after each
 * repeat purchase the customer drops out with probability `p`.
 */
export function bgNbdPurchases(
  rng: Rng,
  lambda: number,
  p: number,
  horizon: number,
  seasonality?: { at: Seasonality; peak: number; offset: number },
): { times: number[]; death: number } {
  const times: number[] = [];
  const peak = seasonality?.peak ?? 1;
  let t = 0;
  for (;;) {
    t += rng.exponential(lambda * peak);
    if (t > horizon) return { times, death: Infinity };
    if (seasonality && !rng.chance(seasonality.at(seasonality.offset + t) / peak)) continue;
    times.push(t);
    if (rng.chance(p)) return { times, death: t };
  }
}

/** Repeat purchase times of one Pareto/NBD customer: Poisson(lambda) until an exponential death. */
export function paretoNbdPurchases(rng: Rng, lambda: number, mu: number, horizon: number): { times: number[]; death: number } {
  const death = rng.exponential(mu);
  const end = Math.min(death, horizon);
  const times: number[] = [];
  for (let t = rng.exponential(lambda); t <= end; t += rng.exponential(lambda)) times.push(t);
  return { times, death };
}

/** Per-customer summary in the BTYD form: x repeat purchases, the last at t_x, observed for T. */
export interface BtydSample {
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  /** True individual parameters (lambda, and p for BG/NBD or mu for Pareto/NBD). */
  readonly lambda: Float64Array;
  readonly dropout: Float64Array;
  /** Death time (Infinity while alive at T). */
  readonly death: Float64Array;
  readonly times: readonly number[][];
}

export interface SimulationOptions {
  readonly customers: number;
  /** Observation length of each customer (one number for all, or per customer). */
  readonly T: number | ((index: number) => number);
  readonly seed: number;
}

function simulate(
  options: SimulationOptions,
  draw: (rng: Rng, T: number) => { lambda: number; dropout: number; times: number[]; death: number },
): BtydSample {
  const n = options.customers;
  const rng = new Rng(options.seed);
  const sample = {
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    lambda: new Float64Array(n),
    dropout: new Float64Array(n),
    death: new Float64Array(n),
    times: [] as number[][],
  };
  for (let i = 0; i < n; i++) {
    const T = typeof options.T === 'number' ? options.T : options.T(i);
    const { lambda, dropout, times, death } = draw(rng, T);
    sample.x[i] = times.length;
    sample.tx[i] = times.length > 0 ? (times[times.length - 1] as number) : 0;
    sample.T[i] = T;
    sample.lambda[i] = lambda;
    sample.dropout[i] = dropout;
    sample.death[i] = death;
    sample.times.push(times);
  }
  return sample;
}

export function simulateBgNbd(params: BgNbdParams, options: SimulationOptions): BtydSample {
  return simulate(options, (rng, T) => {
    const lambda = rng.gamma(params.r, params.alpha);
    const p = rng.beta(params.a, params.b);
    return { lambda, dropout: p, ...bgNbdPurchases(rng, lambda, p, T) };
  });
}

export function simulateParetoNbd(params: ParetoNbdParams, options: SimulationOptions): BtydSample {
  return simulate(options, (rng, T) => {
    const lambda = rng.gamma(params.r, params.alpha);
    const mu = rng.gamma(params.s, params.beta);
    return { lambda, dropout: mu, ...paretoNbdPurchases(rng, lambda, mu, T) };
  });
}

/** Spends of customers with the given numbers of transactions: nu ~ Gamma(q, gamma), z ~ Gamma(p, nu). */
export function simulateGammaGammaSpend(
  params: GammaGammaParams,
  transactions: ArrayLike<number>,
  seed: number,
): { nu: Float64Array; meanSpend: Float64Array; spends: number[][] } {
  const rng = new Rng(seed);
  const n = transactions.length;
  const nu = new Float64Array(n);
  const meanSpend = new Float64Array(n);
  const spends: number[][] = [];
  for (let i = 0; i < n; i++) {
    nu[i] = rng.gamma(params.q, params.gamma);
    const values: number[] = [];
    for (let k = 0; k < (transactions[i] as number); k++) values.push(rng.gamma(params.p, nu[i] as number));
    meanSpend[i] = values.length > 0 ? values.reduce((s, v) => s + v, 0) / values.length : 0;
    spends.push(values);
  }
  return { nu, meanSpend, spends };
}

/** E[X(t)] of BG/NBD, eq. (9) of Fader, Hardie & Lee (2005), by series for the 2F1. */
export function bgNbdExpectedTransactions(params: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = params;
  const z = t / (alpha + t);
  // 2F1(r, b; a + b - 1; z), z < 1: the series converges.
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 10_000; k++) {
    term *= ((r + k) * (b + k)) / ((a + b - 1 + k) * (k + 1)) * z;
    sum += term;
    if (Math.abs(term) < 1e-14 * Math.abs(sum)) break;
  }
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * sum);
}
