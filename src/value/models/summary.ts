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

/**
 * Groups identical (x, t_x, T) triples, keeping the first-seen order of groups. An open-addressing
 * hash table over the triples' bits in typed arrays rather than a Map of string keys: at 1M
 * customers with continuous recency and age (as many groups as customers) the string keys cost
 * about 3 s and 300 MB, the table about 0.1 s.
 */
export function compressSummary(summary: CustomerSummary): CompressedSummary {
  validateSummary(summary);
  const n = summary.x.length;
  let capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  const mask = capacity - 1;
  const slots = new Int32Array(capacity).fill(-1);
  const groupOf = new Int32Array(n);
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  const weight = new Float64Array(n);
  const bits = new Float64Array(3);
  const words = new Uint32Array(bits.buffer);
  let groups = 0;
  for (let i = 0; i < n; i++) {
    // + 0 turns -0 into 0, so that equal numbers have equal bits.
    const xi = (summary.x[i] as number) + 0;
    const txi = (summary.tx[i] as number) + 0;
    const Ti = (summary.T[i] as number) + 0;
    bits[0] = xi;
    bits[1] = txi;
    bits[2] = Ti;
    let h = 0x811c9dc5;
    for (let w = 0; w < 6; w++) h = Math.imul(h ^ (words[w] as number), 0x01000193);
    h ^= h >>> 15;
    let slot = h & mask;
    for (;;) {
      const g = slots[slot] as number;
      if (g < 0) {
        slots[slot] = groups;
        x[groups] = xi;
        tx[groups] = txi;
        T[groups] = Ti;
        groupOf[i] = groups;
        weight[groups] = 1;
        groups++;
        break;
      }
      if (x[g] === xi && tx[g] === txi && T[g] === Ti) {
        weight[g] = (weight[g] as number) + 1;
        groupOf[i] = g;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return {
    x: x.slice(0, groups),
    tx: tx.slice(0, groups),
    T: T.slice(0, groups),
    weight: weight.slice(0, groups),
    groupOf,
    customers: n,
  };
}

/**
 * The distinct frequencies (ascending) and each customer's (or group's) rank among them. Counts
 * are whole numbers, so they index a typed array directly: the scoring's grouping by Maps took
 * 50-60 ms of CPU at 1M customers, by ranks 20 ms (the fit's sort gains as much). Anything else
 * (a fraction, a frequency beyond 2^20) goes through a Map.
 */
export function frequencyRanks(x: ArrayLike<number>): { readonly distinct: Float64Array; readonly rankOf: Int32Array } {
  const n = x.length;
  const rankOf = new Int32Array(n);
  let max = 0;
  let whole = true;
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    if (!(Number.isInteger(v) && v >= 0 && v < 1 << 20)) {
      whole = false;
      break;
    }
    if (v > max) max = v;
  }
  if (whole) {
    const rankOfValue = new Int32Array(max + 1).fill(-1);
    for (let i = 0; i < n; i++) rankOfValue[x[i] as number] = 0;
    const values: number[] = [];
    for (let v = 0; v <= max; v++) if (rankOfValue[v] === 0) rankOfValue[v] = values.push(v) - 1;
    for (let i = 0; i < n; i++) rankOf[i] = rankOfValue[x[i] as number] as number;
    return { distinct: Float64Array.from(values), rankOf };
  }
  const distinct = Float64Array.from(new Set(Array.from(x))).sort();
  const rank = new Map<number, number>();
  distinct.forEach((v, k) => rank.set(v, k));
  for (let i = 0; i < n; i++) rankOf[i] = rank.get(x[i] as number) as number;
  return { distinct, rankOf };
}
