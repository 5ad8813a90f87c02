/**
 * MBG/CNBD-k customers, as BTYDplus `mbgcnbd.GenerateData` draws them: lambda ~ Gamma(r, alpha),
 * p ~ Beta(a, b); at each purchase, the first included, the customer drops out with probability
 * p, else his next purchase comes after an Erlang-k(lambda) time. Each customer has his own seeded
 * stream, so simulating longer keeps his earlier purchases (the later ones are his true future).
 */
import { beta, gamma } from '../../generate/distributions.js';
import { Rng, type SimulatedCustomers, type SimulationOptions } from '../../generate/index.js';
import type { MbgCnbdFittedParams } from './mbg-cnbd-k.js';

const MBG_CNBD_STREAM = 0xc4b;

export interface SimulatedRegularCustomers extends SimulatedCustomers {
  /** Sum of the log inter-purchase times within the observation (0 without repeat purchase). */
  readonly litt: Float64Array;
}

export function simulateMbgCnbd(params: MbgCnbdFittedParams, options: SimulationOptions): SimulatedRegularCustomers {
  const n = options.customers;
  const x = new Int32Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  const lambda = new Float64Array(n);
  const dropout = new Float64Array(n);
  const deathAt = new Float64Array(n);
  const litt = new Float64Array(n);
  const purchaseTimes: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const rng = Rng.of(options.seed, MBG_CNBD_STREAM, i);
    const end = typeof options.observation === 'number' ? options.observation : (options.observation[i] ?? 0);
    const rate = gamma(rng, params.r, params.alpha);
    const p = beta(rng, params.a, params.b);
    const times: number[] = [];
    let t = 0;
    let death = Infinity;
    let logGaps = 0;
    for (;;) {
      // The coin comes before the gap is drawn, so the stream is consumed alike whatever the end.
      if (rng.next() < p) {
        death = t;
        break;
      }
      const gap = gamma(rng, params.k, rate);
      if (t + gap > end) break;
      t += gap;
      times.push(t);
      logGaps += Math.log(gap);
    }
    x[i] = times.length;
    tx[i] = t;
    T[i] = end;
    lambda[i] = rate;
    dropout[i] = p;
    deathAt[i] = death;
    litt[i] = logGaps;
    purchaseTimes.push(Float64Array.from(times));
  }
  return { x, tx, T, lambda, dropout, deathAt, litt, purchaseTimes };
}
