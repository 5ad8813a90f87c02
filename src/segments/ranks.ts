import { sql, type Dialect, type Engine, type Sql } from '../store/index.js';

/** The 99 percentile cut points of a value over a table, as one array column. */
export function percentileCuts(d: Dialect, value: Sql): Sql {
  return d.quantiles(value, Array.from({ length: 99 }, (_, i) => (i + 1) / 100));
}

/**
 * The cut points of the `percentileCuts` columns a one-row query gives (computed, or kept in a
 * table), in `columns`' order, read once for `percentileOf`: null for a column without any (a
 * population without rows) or with an unknown one, which leaves every percentile unknown, as a
 * comparison with NULL does.
 */
export async function readPercentileCuts(engine: Engine, query: Sql, columns: readonly string[]): Promise<(number[] | null)[]> {
  const [row] = await engine.query(query);
  return columns.map((column) => {
    const cuts = row?.[column];
    if (!Array.isArray(cuts) || cuts.some((cut) => cut === null || cut === undefined)) return null;
    // A cut that is not a number (ClickHouse's nan over no rows) is below no value: it never counts.
    return cuts.map(Number).filter((cut) => !Number.isNaN(cut));
  });
}

/**
 * The percentile of a value (0..99: the share of the reference population strictly below it, in
 * percent): how many of `readPercentileCuts`' cut points it exceeds, so equal values get equal
 * ranks and the SQL runs where window functions do not. Counted by a binary search written as
 * nested CASEs over the sorted cuts, given as numbers: 7 comparisons a row instead of 99 against
 * a list read again on every row (1M persons: 0.1 s against 1.1 s a percentile, the same counts).
 * The value is compared as a float (every engine compares a float with a float); the count is an
 * integer, as the sum of flags it replaces was.
 */
export function percentileOf(d: Dialect, value: Sql, cuts: readonly number[] | null | undefined): Sql {
  if (!cuts) return sql`CAST(NULL AS ${sql.raw(d.columnType('int', true))})`;
  const sorted = [...cuts].sort((a, b) => a - b);
  const v = d.cast(value, 'float');
  // How many cuts lie below v, knowing that it is between lo and hi: halve the range on the middle cut.
  const below = (lo: number, hi: number): Sql => {
    if (lo === hi) return sql.raw(String(lo));
    const mid = (lo + hi) >> 1;
    return sql`CASE WHEN ${v} > ${sorted[mid] ?? 0} THEN ${below(mid + 1, hi)} ELSE ${below(lo, mid)} END`;
  };
  return d.cast(sql`CASE WHEN ${v} IS NULL THEN NULL ELSE ${below(0, sorted.length)} END`, 'int');
}
