/**
 * Simulated regular buyers (MBG/CNBD-k) split into calibration and holdout, with the litt
 * statistic of the calibration purchases, for the MBG/CNBD-k and model-choice tests.
 */
import { simulateMbgCnbd } from '../../src/value/models/mbg-cnbd-k-simulation.js';
import type { MbgCnbdFittedParams } from '../../src/value/models/mbg-cnbd-k.js';
import { splitAt, spreadObservation, type CalibrationAndHoldout } from './fixtures.js';

export interface RegularBuyers extends CalibrationAndHoldout {
  /** Sum of ln(inter-purchase times) of the calibration purchases. */
  readonly litt: Float64Array;
  readonly holdoutLength: number;
}

export function regularBuyers(params: MbgCnbdFittedParams, options: { customers: number; holdout: number; seed: number }): RegularBuyers {
  const calibrationEnd = spreadObservation(options.customers, 26, 78);
  const simulated = simulateMbgCnbd(params, {
    customers: options.customers,
    observation: calibrationEnd.map((T) => T + options.holdout),
    seed: options.seed,
  });
  const data = splitAt(simulated, calibrationEnd);
  const litt = new Float64Array(options.customers);
  for (let i = 0; i < options.customers; i++) {
    let previous = 0;
    for (const t of simulated.purchaseTimes[i] ?? []) {
      if (t > (calibrationEnd[i] ?? 0)) break;
      litt[i] = (litt[i] ?? 0) + Math.log(t - previous);
      previous = t;
    }
  }
  return { ...data, litt, holdoutLength: options.holdout };
}
