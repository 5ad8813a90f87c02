/**
 * Customer lifetime value over a finite horizon, discounted per period:
 *
 *   CLV = margin x E[spend] x sum_{k=1..H} (E[Y(k)] - E[Y(k-1)]) / (1 + d)^k
 *
 * where E[Y(k)] is the model's conditional expected number of repeat transactions in (T, T+k],
 * d the discount rate per period and H the horizon in periods, both in the model's time unit.
 * Fader, Hardie & Lee (2005), "RFM and CLV", eq. 2 (the discrete form of their DERT integral),
 * with spend from Gamma-Gamma independent of the transaction process as that model assumes.
 */
import { ModelInputError } from './errors.js';
import type { CustomerSummary } from './summary.js';
import type { TransactionModel } from './transaction-model.js';

export interface ClvOptions {
  /** Number of future periods. */
  readonly horizon: number;
  /** Discount rate per period (e.g. 0.1 / 52 for 10% a year on weeks). */
  readonly discountRate: number;
  /** Share of spend kept as margin; 1 values revenue. */
  readonly marginRate: number;
}

/** Expected discounted value per customer (or group) of `data`, given each one's expected spend. */
export function customerLifetimeValue<P extends Readonly<Record<string, number>>>(
  model: TransactionModel<P>,
  params: P,
  data: CustomerSummary,
  expectedSpend: ArrayLike<number>,
  options: ClvOptions,
): Float64Array {
  const { horizon, discountRate, marginRate } = options;
  if (!(Number.isInteger(horizon) && horizon >= 0)) throw new ModelInputError(`CLV horizon must be a whole number of periods >= 0, got ${horizon}`);
  if (!(discountRate > -1 && Number.isFinite(discountRate))) throw new ModelInputError(`discount rate must be > -1, got ${discountRate}`);
  if (!Number.isFinite(marginRate)) throw new ModelInputError(`margin rate must be finite, got ${marginRate}`);
  if (expectedSpend.length !== data.x.length) throw new ModelInputError('one expected spend per customer is needed');
  const discount = Array.from({ length: horizon + 1 }, (_, k) => Math.pow(1 + discountRate, -k));
  const out = new Float64Array(data.x.length);
  for (let i = 0; i < out.length; i++) {
    const x = data.x[i] ?? 0;
    const tx = data.tx[i] ?? 0;
    const T = data.T[i] ?? 0;
    let previous = 0;
    let discounted = 0;
    for (let k = 1; k <= horizon; k++) {
      const cumulative = model.conditionalExpectedTransactions(params, k, x, tx, T);
      discounted += (cumulative - previous) * (discount[k] ?? 0);
      previous = cumulative;
    }
    out[i] = marginRate * (expectedSpend[i] ?? 0) * discounted;
  }
  return out;
}
