/**
 * Holdout evaluation of a fitted transaction model, as in Fader, Hardie & Lee (2005), "Counting
 * your customers the easy way", figures 2-4: predicted against actual repeat transactions per
 * customer (MAE), by calibration frequency, and cumulated over time for the whole base.
 */
import { ModelInputError } from './errors.js';

export interface FrequencyGroup {
  /** Calibration repeat purchases; the last group holds this many or more. */
  readonly frequency: number;
  readonly label: string;
  readonly customers: number;
  readonly meanPredicted: number;
  readonly meanActual: number;
}

export interface HoldoutComparison {
  readonly customers: number;
  /** Mean absolute error between predicted and actual holdout repeat transactions per customer. */
  readonly meanAbsoluteError: number;
  readonly totalPredicted: number;
  readonly totalActual: number;
  /** One group per calibration frequency 0..maxFrequency-1, then maxFrequency+ (empty groups kept, with NaN means). */
  readonly byFrequency: readonly FrequencyGroup[];
}

export function compareHoldout(
  calibrationFrequency: ArrayLike<number>,
  predicted: ArrayLike<number>,
  actual: ArrayLike<number>,
  options: { readonly maxFrequency?: number } = {},
): HoldoutComparison {
  const n = calibrationFrequency.length;
  if (predicted.length !== n || actual.length !== n) {
    throw new ModelInputError(`holdout comparison needs one prediction and one actual per customer (got ${n}, ${predicted.length}, ${actual.length})`);
  }
  const maxFrequency = options.maxFrequency ?? 7;
  const count = new Float64Array(maxFrequency + 1);
  const sumPredicted = new Float64Array(maxFrequency + 1);
  const sumActual = new Float64Array(maxFrequency + 1);
  let absoluteError = 0;
  let totalPredicted = 0;
  let totalActual = 0;
  for (let i = 0; i < n; i++) {
    const p = predicted[i] ?? NaN;
    const a = actual[i] ?? NaN;
    const group = Math.min(maxFrequency, Math.max(0, Math.floor(calibrationFrequency[i] ?? 0)));
    count[group] = (count[group] ?? 0) + 1;
    sumPredicted[group] = (sumPredicted[group] ?? 0) + p;
    sumActual[group] = (sumActual[group] ?? 0) + a;
    absoluteError += Math.abs(p - a);
    totalPredicted += p;
    totalActual += a;
  }
  const byFrequency = Array.from(count, (customers, frequency) => ({
    frequency,
    label: frequency === maxFrequency ? `${frequency}+` : String(frequency),
    customers,
    meanPredicted: (sumPredicted[frequency] ?? 0) / customers,
    meanActual: (sumActual[frequency] ?? 0) / customers,
  }));
  return { customers: n, meanAbsoluteError: n > 0 ? absoluteError / n : NaN, totalPredicted, totalActual, byFrequency };
}

export interface TrackingInput {
  /** Each customer's first purchase, in model periods since the tracking origin (e.g. the start of the data). */
  readonly births: ArrayLike<number>;
  /** Every repeat purchase (not first purchases) of those customers, same unit and origin, any order. */
  readonly repeatPurchaseTimes: ArrayLike<number>;
  /** Times at which to cumulate, same unit and origin: e.g. the ends of weeks 1..78. */
  readonly checkpoints: ArrayLike<number>;
  /** The fitted model's population E[X(t)]: expected repeat purchases in the first t periods of a customer's life. */
  readonly expectedTransactions: (t: number) => number;
}

export interface Tracking {
  readonly time: Float64Array;
  /** Sum over customers born before each checkpoint of E[X(checkpoint - birth)] (FHL 2005 figure 2). */
  readonly expected: Float64Array;
  /** Repeat purchases up to each checkpoint. */
  readonly actual: Float64Array;
}

/** Expected against actual cumulative repeat purchases; births are grouped, so E[X] is evaluated once per cohort and checkpoint. */
export function cumulativeTracking(input: TrackingInput): Tracking {
  const cohorts = new Map<number, number>();
  for (let i = 0; i < input.births.length; i++) {
    const birth = input.births[i] ?? NaN;
    if (!Number.isFinite(birth)) throw new ModelInputError(`customer ${i}: birth must be finite, got ${birth}`, i);
    cohorts.set(birth, (cohorts.get(birth) ?? 0) + 1);
  }
  const purchases = Float64Array.from(input.repeatPurchaseTimes).sort();
  const time = Float64Array.from(input.checkpoints);
  const expected = new Float64Array(time.length);
  const actual = new Float64Array(time.length);
  for (let k = 0; k < time.length; k++) {
    const checkpoint = time[k] ?? 0;
    let sum = 0;
    for (const [birth, customers] of cohorts) if (birth < checkpoint) sum += customers * input.expectedTransactions(checkpoint - birth);
    expected[k] = sum;
    actual[k] = countAtMost(purchases, checkpoint);
  }
  return { time, expected, actual };
}

/** Number of sorted values <= limit, by binary search. */
function countAtMost(sorted: Float64Array, limit: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? Infinity) <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
