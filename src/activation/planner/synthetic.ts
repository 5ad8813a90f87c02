import { Rng } from '../../generate/prng.js';
import type { GlobalConstraint, PlanProblem } from './problem.js';

/** Channels of a synthetic problem, in index order, with a unit cost in EUR. */
export const SYNTHETIC_CHANNELS = [
  { name: 'email', cost: 0.02 },
  { name: 'sms', cost: 0.07 },
  { name: 'mail', cost: 0.9 },
  { name: 'phone', cost: 3.5 },
] as const;

export interface SyntheticOptions {
  readonly persons: number;
  readonly campaigns: number;
  readonly seed: number;
  /** Each campaign's budget as a share of what contacting every profitable eligible person would cost (default 0.3). */
  readonly budgetShare?: number;
  /** Phone contacts allowed over the plan, as a share of persons (default 0.005). */
  readonly phoneCapacityShare?: number;
  /** A minimum count of contacts for campaign 0 as a share of persons (default none). */
  readonly minimumShare?: number;
}

/**
 * A seeded planning problem built straight into typed arrays, for the solver's tests and the 1M
 * benchmark (building 1M persons through SQL would measure the loader, not the solver). Response
 * rates follow the demo generator's shape: an engagement per person, twice as high on his
 * preferred channel; caps like a pressure policy's (email 2, others 1, 3 in all) with a share of
 * persons without consent on a channel.
 */
export function syntheticProblem(options: SyntheticOptions): PlanProblem {
  const { persons: N, campaigns: K, seed } = options;
  const J = SYNTHETIC_CHANNELS.length;
  const pResponse = new Float64Array(N * J);
  const unitCost = new Float64Array(N * J);
  const responseValue = new Float64Array(N * K);
  const remaining = new Uint8Array(N * J);
  const remainingAll = new Uint8Array(N);
  const allowed = new Uint8Array(K * J);
  const campaignRng = Rng.of(seed, 1, 0);
  const margins: number[] = [];
  const audienceShare: number[] = [];
  for (let k = 0; k < K; k += 1) {
    margins.push(campaignRng.between(0.15, 0.4));
    audienceShare.push(campaignRng.between(0.3, 0.8));
    for (let j = 0; j < J; j += 1) allowed[k * J + j] = j === 0 || campaignRng.chance(0.7) ? 1 : 0;
  }
  const spendIfAll = new Float64Array(K);
  for (let i = 0; i < N; i += 1) {
    const rng = Rng.of(seed, 2, i);
    const engagement = rng.between(0.005, 0.06);
    const preferred = rng.int(J);
    const basket = 20 + 180 * rng.next() ** 2;
    for (let j = 0; j < J; j += 1) {
      const channelBase = [1, 0.8, 0.6, 1.6][j]!;
      pResponse[i * J + j] = Math.min(0.9, engagement * channelBase * (j === preferred ? 2 : 0.7));
      unitCost[i * J + j] = SYNTHETIC_CHANNELS[j]!.cost;
      remaining[i * J + j] = rng.chance(j === 0 ? 0.85 : 0.6) ? (j === 0 ? 2 : 1) : 0;
    }
    remainingAll[i] = rng.chance(0.05) ? 0 : 3;
    for (let k = 0; k < K; k += 1) {
      const eligible = rng.chance(audienceShare[k]!);
      const value = basket * margins[k]!;
      responseValue[i * K + k] = eligible ? value : Number.NaN;
      if (!eligible) continue;
      let best = 0;
      let bestCost = 0;
      for (let j = 0; j < J; j += 1) {
        if (!allowed[k * J + j] || !remaining[i * J + j]) continue;
        const net = pResponse[i * J + j]! * value - unitCost[i * J + j]!;
        if (net > best) {
          best = net;
          bestCost = unitCost[i * J + j]!;
        }
      }
      spendIfAll[k] = spendIfAll[k]! + bestCost;
    }
  }
  const constraints: GlobalConstraint[] = [];
  for (let k = 0; k < K; k += 1) {
    const cells = new Uint8Array(K * J);
    for (let j = 0; j < J; j += 1) cells[k * J + j] = 1;
    constraints.push({ name: `budget:${k}`, kind: 'cost', sense: 'max', rhs: spendIfAll[k]! * (options.budgetShare ?? 0.3), cells });
  }
  const phone = new Uint8Array(K * J);
  for (let k = 0; k < K; k += 1) phone[k * J + 3] = 1;
  constraints.push({ name: 'capacity:phone', kind: 'count', sense: 'max', rhs: Math.round(N * (options.phoneCapacityShare ?? 0.005)), cells: phone });
  if (options.minimumShare !== undefined) {
    const cells = new Uint8Array(K * J);
    for (let j = 0; j < J; j += 1) cells[j] = 1;
    constraints.push({ name: 'minimum:0', kind: 'count', sense: 'min', rhs: Math.round(N * options.minimumShare), cells });
  }
  return { persons: N, campaigns: K, channels: J, pResponse, unitCost, responseValue, allowed, remaining, remainingAll, constraints };
}
