/**
 * Sufficient statistics of the transaction models: per customer x (repeat purchase periods),
 * t_x (time of the last repeat purchase since the first) and T (time since the first purchase),
 * in one time unit. Customers with the same (x, t_x, T) contribute identical likelihood terms,
 * so they are grouped with a weight and the fitting cost follows the number of distinct triples.
 */
import { ModelInputError } from './errors.js';

export interface CustomerSummary {
  readonly x: ArrayLike<number>;
  readonly tx: ArrayLike<number>;
  readonly T: ArrayLike<number>;
}

export interface CompressedSummary {
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  /** Number of customers in each group. */
  readonly weight: Float64Array;
  /** Group of each input customer, to spread per-group predictions back to customers. */
  readonly groupOf: Int32Array;
  readonly customers: number;
}

/** Refuses what no model can fit: unequal lengths, negative or non-finite values, t_x > T, x > 0 with t_x = 0 is allowed. */
export function validateSummary(summary: CustomerSummary): void {
  const n = summary.x.length;
  if (summary.tx.length !== n || summary.T.length !== n) {
    throw new ModelInputError(`x, t_x and T must have one value per customer (got ${n}, ${summary.tx.length}, ${summary.T.length})`);
  }
  for (let i = 0; i < n; i++) {
    const x = summary.x[i] ?? NaN;
    const tx = summary.tx[i] ?? NaN;
    const T = summary.T[i] ?? NaN;
    if (!(Number.isInteger(x) && x >= 0)) throw new ModelInputError(`customer ${i}: x must be a whole number >= 0, got ${x}`, i);
    if (!(Number.isFinite(T) && T >= 0)) throw new ModelInputError(`customer ${i}: T must be finite and >= 0, got ${T}`, i);
    if (!(Number.isFinite(tx) && tx >= 0 && tx <= T)) throw new ModelInputError(`customer ${i}: t_x must lie in [0, T], got t_x=${tx}, T=${T}`, i);
    if (x === 0 && tx !== 0) throw new ModelInputError(`customer ${i}: t_x must be 0 when x = 0, got ${tx}`, i);
  }
}

/** Groups identical (x, t_x, T) triples, keeping the first-seen order of groups. */
export function compressSummary(summary: CustomerSummary): CompressedSummary {
  validateSummary(summary);
  const n = summary.x.length;
  const index = new Map<string, number>();
  const groupOf = new Int32Array(n);
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = summary.x[i] ?? 0;
    const txi = summary.tx[i] ?? 0;
    const Ti = summary.T[i] ?? 0;
    const key = `${xi}|${txi}|${Ti}`;
    let g = index.get(key);
    if (g === undefined) {
      g = x.length;
      index.set(key, g);
      x.push(xi);
      tx.push(txi);
      T.push(Ti);
      weight.push(0);
    }
    weight[g] = (weight[g] ?? 0) + 1;
    groupOf[i] = g;
  }
  return {
    x: Float64Array.from(x),
    tx: Float64Array.from(tx),
    T: Float64Array.from(T),
    weight: Float64Array.from(weight),
    groupOf,
    customers: n,
  };
}

/** Spreads one value per group back to one value per customer. */
export function expandToCustomers(groupValues: ArrayLike<number>, groupOf: Int32Array): Float64Array {
  const out = new Float64Array(groupOf.length);
  for (let i = 0; i < groupOf.length; i++) out[i] = groupValues[groupOf[i] ?? 0] ?? NaN;
  return out;
}
