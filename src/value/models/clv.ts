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
import { scoreCustomers, validateScoreOptions } from './scoring.js';
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
  validateScoreOptions({ horizon, discountRate });
  if (!Number.isFinite(marginRate)) throw new ModelInputError(`margin rate must be finite, got ${marginRate}`);
  if (expectedSpend.length !== data.x.length) throw new ModelInputError('one expected spend per customer is needed');
  const { discounted } = scoreCustomers(model, params, data, { horizon, discountRate });
  for (let i = 0; i < discounted.length; i++) discounted[i] = marginRate * (expectedSpend[i] as number) * (discounted[i] as number);
  return discounted;
}
