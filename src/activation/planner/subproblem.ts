import type { PlanProblem } from './problem.js';

const EPS = 1e-12;

/**
 * Scratch buffers for one person's subproblem, allocated once per solve (the subproblem runs
 * millions of times per dual iteration; allocating in it would dominate the time).
 */
export interface Scratch {
  readonly score: Float64Array;
  readonly assign: Int8Array;
  readonly load: Int32Array;
  readonly dist: Float64Array;
  readonly predCampaign: Int32Array;
  readonly predFrom: Int32Array;
  readonly entry: Int32Array;
}

export function newScratch(K: number, J: number): Scratch {
  return {
    score: new Float64Array(K * J),
    assign: new Int8Array(K),
    load: new Int32Array(J),
    dist: new Float64Array(J),
    predCampaign: new Int32Array(J),
    predFrom: new Int32Array(J),
    entry: new Int32Array(J),
  };
}

/**
 * Solves exactly, for person i, max sum of score[k,j] over contacts with at most one channel per
 * campaign, at most remaining[i,j] contacts on channel j and remainingAll[i] in all, where
 * score = p*value - (1 + costPrice[k,j]) * cost - countPrice[k,j] (the Lagrangian's prices on the
 * global constraints). Writes the chosen channel per campaign (or -1) into `out` at i*K and
 * returns the person's Lagrangian value.
 *
 * The common case (each campaign's best channel fits every cap) is checked first in O(K*J). Else
 * it is a small transportation problem (campaigns of supply 1, channels of capacity remaining,
 * a total cap): successive longest augmenting paths, each found by Bellman-Ford on the J channel
 * nodes (moving an already assigned campaign from one channel to another is an edge), which is
 * optimal for every number of contacts; the value is concave in that number, so it stops at the
 * first augmentation that does not pay or at the total cap. Hand-written: no library solves
 * millions of 10x4 assignment problems per second from typed arrays.
 */
export function solvePerson(
  problem: PlanProblem,
  i: number,
  costPrice: Float64Array,
  countPrice: Float64Array,
  s: Scratch,
  out: Int8Array,
): number {
  const { campaigns: K, channels: J, pResponse, unitCost, responseValue, allowed, remaining } = problem;
  const totalCap = problem.remainingAll[i]!;
  const { score, assign, load } = s;
  const base = i * K;
  for (let k = 0; k < K; k += 1) out[base + k] = -1;
  if (totalCap === 0) return 0;
  load.fill(0);
  let picks = 0;
  let conflict = false;
  let value = 0;
  for (let k = 0; k < K; k += 1) {
    const v = responseValue[base + k]!;
    let best = -1;
    let bestScore = 0;
    for (let j = 0; j < J; j += 1) {
      const cell = k * J + j;
      if (Number.isNaN(v) || allowed[cell] === 0 || remaining[i * J + j] === 0) {
        score[cell] = Number.NEGATIVE_INFINITY;
        continue;
      }
      const c = unitCost[i * J + j]!;
      const sc = pResponse[i * J + j]! * v - (1 + costPrice[cell]!) * c - countPrice[cell]!;
      score[cell] = sc;
      if (sc > bestScore + EPS) {
        bestScore = sc;
        best = j;
      }
    }
    assign[k] = best;
    if (best >= 0) {
      picks += 1;
      value += bestScore;
      load[best] = load[best]! + 1;
      if (load[best]! > remaining[i * J + best]!) conflict = true;
    }
  }
  if (picks > totalCap) conflict = true;
  if (!conflict) {
    for (let k = 0; k < K; k += 1) out[base + k] = assign[k]!;
    return value;
  }
  return augment(problem, i, s, out, totalCap);
}

function augment(problem: PlanProblem, i: number, s: Scratch, out: Int8Array, totalCap: number): number {
  const { campaigns: K, channels: J, remaining } = problem;
  const { score, assign, load, dist, predCampaign, predFrom, entry } = s;
  assign.fill(-1);
  load.fill(0);
  let value = 0;
  for (let flow = 0; flow < totalCap; flow += 1) {
    for (let j = 0; j < J; j += 1) {
      dist[j] = Number.NEGATIVE_INFINITY;
      entry[j] = -1;
      predCampaign[j] = -1;
    }
    for (let k = 0; k < K; k += 1) {
      if (assign[k] !== -1) continue;
      for (let j = 0; j < J; j += 1) {
        const sc = score[k * J + j]!;
        if (sc > dist[j]!) {
          dist[j] = sc;
          entry[j] = k;
        }
      }
    }
    // Bellman-Ford over channel nodes: moving assigned campaign k from channel a to b gains score[k,b]-score[k,a].
    for (let round = 0; round < J; round += 1) {
      let changed = false;
      for (let k = 0; k < K; k += 1) {
        const a = assign[k]!;
        if (a === -1 || dist[a] === Number.NEGATIVE_INFINITY) continue;
        const from = score[k * J + a]!;
        for (let b = 0; b < J; b += 1) {
          if (b === a) continue;
          const sb = score[k * J + b]!;
          if (sb === Number.NEGATIVE_INFINITY) continue;
          const d = dist[a]! + sb - from;
          if (d > dist[b]! + EPS) {
            dist[b] = d;
            predCampaign[b] = k;
            predFrom[b] = a;
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
    let end = -1;
    let gain = EPS;
    for (let j = 0; j < J; j += 1) {
      if (load[j]! < remaining[i * J + j]! && dist[j]! > gain) {
        gain = dist[j]!;
        end = j;
      }
    }
    if (end === -1) break;
    load[end] = load[end]! + 1;
    let j = end;
    for (let steps = 0; predCampaign[j] !== -1 && steps <= J; steps += 1) {
      const k = predCampaign[j]!;
      const from = predFrom[j]!;
      assign[k] = j;
      j = from;
    }
    assign[entry[j]!] = j;
    value += gain;
  }
  const base = i * K;
  for (let k = 0; k < K; k += 1) out[base + k] = assign[k]!;
  return value;
}
