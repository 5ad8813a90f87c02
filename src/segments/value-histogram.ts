import { sql, type Engine, type Sql } from '../store/index.js';

/** Buckets of a value, highest first: about 2.3% wide on a log scale, so cumulative shares are cheap on any engine. */
export interface ValueBucket {
  /** Smallest value in the bucket: "value >= low" selects this bucket and every one above. */
  readonly low: number;
  readonly customers: number;
  readonly sum: number;
}

export async function valueHistogram(engine: Engine, from: Sql, value: Sql): Promise<ValueBucket[]> {
  // Positive values by rising log, then zero, then negatives by falling log: the key orders by value.
  const key = sql`CASE WHEN v > 0 THEN 1000000 + round(log10(v) * 100) WHEN v < 0 THEN -1000000 - round(log10(-v) * 100) ELSE 0 END`;
  const rows = await engine.query<{ low: number; customers: number; total: number }>(sql`SELECT min(v) AS low, count(*) AS customers, sum(v) AS total
    FROM (SELECT CAST(${value} AS DOUBLE) AS v FROM ${from}) AS t WHERE v IS NOT NULL GROUP BY ${key} ORDER BY min(v) DESC`);
  return rows.map((r) => ({ low: Number(r.low), customers: Number(r.customers), sum: Number(r.total) }));
}

/** The value above which the fewest customers make `share` of the positive total. */
export function thresholdForValueShare(buckets: readonly ValueBucket[], share: number): number {
  const positive = buckets.filter((b) => b.low > 0);
  const total = positive.reduce((s, b) => s + b.sum, 0);
  let cumulative = 0;
  for (const bucket of positive) {
    cumulative += bucket.sum;
    if (cumulative >= share * total) return bucket.low;
  }
  return positive.at(-1)?.low ?? Number.POSITIVE_INFINITY;
}

/** Share of the total made by the top `customerShare` of customers (interpolated inside a bucket). */
export function shareOfTop(buckets: readonly ValueBucket[], customerShare: number): { customers: number; value: number; share: number } {
  const customers = buckets.reduce((s, b) => s + b.customers, 0);
  const total = buckets.reduce((s, b) => s + b.sum, 0);
  const wanted = customerShare * customers;
  let taken = 0;
  let value = 0;
  for (const bucket of buckets) {
    if (taken >= wanted) break;
    const part = Math.min(1, (wanted - taken) / bucket.customers);
    taken += part * bucket.customers;
    value += part * bucket.sum;
  }
  return { customers: Math.round(wanted), value, share: total !== 0 ? value / total : 0 };
}
