/**
 * Simulated calibration and holdout data from the project's BTYD simulators. A customer's path is
 * drawn from his own seeded stream, so simulating to T + holdout gives the same purchases up to T
 * as simulating to T: the purchases after T are his true future.
 */
import { expect } from 'vitest';
import type { SimulatedCustomers } from '../../src/generate/index.js';

export interface CalibrationAndHoldout {
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  /** Repeat purchases in (T, T + holdout]. */
  readonly holdout: Float64Array;
  /** Alive at T according to the simulator (death after T). */
  readonly aliveAtT: Uint8Array;
}

export function splitAt(simulated: SimulatedCustomers, calibrationEnd: ArrayLike<number>): CalibrationAndHoldout {
  const n = simulated.x.length;
  const out = {
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    holdout: new Float64Array(n),
    aliveAtT: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const T = calibrationEnd[i] ?? 0;
    const times = simulated.purchaseTimes[i] ?? new Float64Array(0);
    let x = 0;
    let tx = 0;
    for (const t of times) {
      if (t <= T) {
        x++;
        // Recency to the day, as data arrive: identical (x, t_x, T) then share a group.
        tx = Math.min(T, Math.round(t * 7) / 7);
      } else {
        out.holdout[i] = (out.holdout[i] ?? 0) + 1;
      }
    }
    out.x[i] = x;
    out.tx[i] = tx;
    out.T[i] = T;
    out.aliveAtT[i] = (simulated.deathAt[i] ?? Infinity) > T ? 1 : 0;
  }
  return out;
}

/** Calibration lengths in whole weeks spread over [min, max), as customers born on different weeks. */
export function spreadObservation(customers: number, min: number, max: number): Float64Array {
  return Float64Array.from({ length: customers }, (_, i) => min + Math.floor((max - min) * ((i * 0.6180339887) % 1)));
}

export function mean(values: ArrayLike<number>, keep: (i: number) => boolean = () => true): { mean: number; count: number } {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (!keep(i)) continue;
    sum += values[i] ?? 0;
    count++;
  }
  return { mean: sum / count, count };
}

type FrequencyGroups = readonly (readonly [number, number])[];

/** Mean predicted P(alive) per calibration-frequency group within 4 binomial standard errors of the simulated alive share. */
export function expectAliveShareMatches(alive: ArrayLike<number>, data: CalibrationAndHoldout, groups: FrequencyGroups): void {
  for (const [lo, hi] of groups) {
    const keep = (i: number): boolean => (data.x[i] ?? 0) >= lo && (data.x[i] ?? 0) <= hi;
    const predicted = mean(alive, keep);
    const observed = mean(data.aliveAtT, keep);
    const tolerance = 4 * Math.sqrt((predicted.mean * (1 - predicted.mean)) / observed.count);
    expect(Math.abs(predicted.mean - observed.mean), `x in [${lo}, ${hi}]`).toBeLessThan(tolerance);
  }
}

/** Mean predicted holdout transactions per calibration-frequency group within 4 standard errors of the simulated mean. */
export function expectHoldoutMeansMatch(expected: ArrayLike<number>, data: CalibrationAndHoldout, groups: FrequencyGroups): void {
  for (const [lo, hi] of groups) {
    const keep = (i: number): boolean => (data.x[i] ?? 0) >= lo && (data.x[i] ?? 0) <= hi;
    const predicted = mean(expected, keep);
    const actual = mean(data.holdout, keep);
    let variance = 0;
    for (let i = 0; i < data.x.length; i++) if (keep(i)) variance += ((data.holdout[i] ?? 0) - actual.mean) ** 2 / actual.count;
    expect(Math.abs(predicted.mean - actual.mean), `x in [${lo}, ${hi}]`).toBeLessThan(4 * Math.sqrt(variance / actual.count));
  }
}
