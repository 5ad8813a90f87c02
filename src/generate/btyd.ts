/**
 * Buy-till-you-die simulators: pure functions of parameters and seed, used by the demo company
 * and reusable by the CLV models' parameter-recovery tests. Time is in the caller's unit (the
 * demo company uses weeks); the first purchase happens at time 0 of each customer ("birth").
 */
import { beta, exponential, gamma } from './distributions.js';
import { Rng } from './prng.js';

/** BG/NBD: lambda ~ Gamma(r, alpha), dropout p ~ Beta(a, b) after each repeat purchase. */
export interface BgNbdParameters {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/** Pareto/NBD: lambda ~ Gamma(r, alpha), lifetime ~ Exponential(mu) with mu ~ Gamma(s, beta). */
export interface ParetoNbdParameters {
  readonly r: number;
  readonly alpha: number;
  readonly s: number;
  readonly beta: number;
}

/** Gamma-Gamma: nu ~ Gamma(q, gamma), each transaction's value ~ Gamma(p, nu); mean p gamma / (q - 1). */
export interface GammaGammaParameters {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

/** A purchase-rate multiplier over time whose maximum is known, so purchases can be thinned. */
export interface RateModulation {
  readonly max: number;
  factor(time: number): number;
}

/**
 * Repeat purchases of one BG/NBD customer born at `birth`, observed until `end`, appended to
 * `times` (absolute). With a modulation, the Poisson rate is lambda * factor(t), drawn by thinning.
 * Returns the time he became inactive (his last purchase), or Infinity if still active at `end`.
 */
export function bgNbdPurchases(
  rng: Rng,
  lambda: number,
  dropout: number,
  birth: number,
  end: number,
  times: number[],
  modulation?: RateModulation,
): number {
  const peak = lambda * (modulation?.max ?? 1);
  let t = birth;
  for (;;) {
    t += exponential(rng, peak);
    if (t >= end) return Infinity;
    if (modulation && rng.next() * modulation.max >= modulation.factor(t)) continue;
    times.push(t);
    if (rng.next() < dropout) return t;
  }
}

/** Repeat purchases of one Pareto/NBD customer; returns the end of his lifetime (may exceed `end`). */
export function paretoNbdPurchases(
  rng: Rng,
  lambda: number,
  mu: number,
  birth: number,
  end: number,
  times: number[],
  modulation?: RateModulation,
): number {
  const death = birth + exponential(rng, mu);
  const stop = Math.min(death, end);
  const peak = lambda * (modulation?.max ?? 1);
  let t = birth;
  for (;;) {
    t += exponential(rng, peak);
    if (t >= stop) return death;
    if (modulation && rng.next() * modulation.max >= modulation.factor(t)) continue;
    times.push(t);
  }
}

/** Per-customer summary in the form the CLV models take: x repeat purchases, t_x and T from birth. */
export interface SimulatedCustomers {
  readonly x: Int32Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly lambda: Float64Array;
  /** BG/NBD dropout probability, or Pareto/NBD death rate mu. */
  readonly dropout: Float64Array;
  /** When the customer became inactive (Infinity if after his observation end). */
  readonly deathAt: Float64Array;
  /** Repeat purchase times, relative to the first purchase. */
  readonly purchaseTimes: readonly Float64Array[];
}

export interface SimulationOptions {
  readonly customers: number;
  /** Observation length T after the first purchase: one value for all, or one per customer. */
  readonly observation: number | ArrayLike<number>;
  readonly seed: number;
}

// Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative to the Pareto/NBD model".
export function simulateBgNbd(params: BgNbdParameters, options: SimulationOptions): SimulatedCustomers {
  return simulate(options, (rng, T, times) => {
    const lambda = gamma(rng, params.r, params.alpha);
    const p = beta(rng, params.a, params.b);
    return { lambda, dropout: p, deathAt: bgNbdPurchases(rng, lambda, p, 0, T, times) };
  });
}

// Schmittlein, Morrison & Colombo (1987), "Counting your customers: who are they and what will they do next?".
export function simulateParetoNbd(params: ParetoNbdParameters, options: SimulationOptions): SimulatedCustomers {
  return simulate(options, (rng, T, times) => {
    const lambda = gamma(rng, params.r, params.alpha);
    const mu = gamma(rng, params.s, params.beta);
    const death = paretoNbdPurchases(rng, lambda, mu, 0, T, times);
    return { lambda, dropout: mu, deathAt: death < T ? death : Infinity };
  });
}

function simulate(
  options: SimulationOptions,
  draw: (rng: Rng, T: number, times: number[]) => { lambda: number; dropout: number; deathAt: number },
): SimulatedCustomers {
  const n = options.customers;
  const out = {
    x: new Int32Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    lambda: new Float64Array(n),
    dropout: new Float64Array(n),
    deathAt: new Float64Array(n),
    purchaseTimes: [] as Float64Array[],
  };
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const rng = Rng.of(options.seed, 0xb7d, i);
    const T = typeof options.observation === 'number' ? options.observation : (options.observation[i] ?? 0);
    times.length = 0;
    const result = draw(rng, T, times);
    out.x[i] = times.length;
    out.tx[i] = times.length > 0 ? (times[times.length - 1] ?? 0) : 0;
    out.T[i] = T;
    out.lambda[i] = result.lambda;
    out.dropout[i] = result.dropout;
    out.deathAt[i] = result.deathAt;
    out.purchaseTimes.push(Float64Array.from(times));
  }
  return out;
}

export interface SimulatedSpends {
  /** Each customer's nu (his mean spend is p / nu). */
  readonly nu: Float64Array;
  readonly spends: readonly Float64Array[];
  /** Mean of his spends, NaN when he has none. */
  readonly meanSpend: Float64Array;
}

// Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base analysis" (Gamma-Gamma).
export function simulateGammaGamma(
  params: GammaGammaParameters,
  options: { readonly transactions: ArrayLike<number>; readonly seed: number },
): SimulatedSpends {
  const n = options.transactions.length;
  const nu = new Float64Array(n);
  const meanSpend = new Float64Array(n);
  const spends: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const rng = Rng.of(options.seed, 0x66a, i);
    nu[i] = gamma(rng, params.q, params.gamma);
    const count = options.transactions[i] ?? 0;
    const values = new Float64Array(count);
    let sum = 0;
    for (let k = 0; k < count; k++) {
      values[k] = gamma(rng, params.p, nu[i] ?? 1);
      sum += values[k] ?? 0;
    }
    spends.push(values);
    meanSpend[i] = count > 0 ? sum / count : NaN;
  }
  return { nu, spends, meanSpend };
}
