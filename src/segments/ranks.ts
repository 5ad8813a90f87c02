import { sql, type Dialect, type Sql } from '../store/index.js';

/** The 99 percentile cut points of a value over a table, as one array column. */
export function percentileCuts(d: Dialect, value: Sql): Sql {
  return d.quantiles(value, Array.from({ length: 99 }, (_, i) => (i + 1) / 100));
}

/**
 * The percentile of a value (0..99: the share of the reference population strictly below it, in
 * percent) from the cut points of `percentileCuts`: comparisons instead of a window function, so
 * equal values get equal ranks and the SQL runs where window functions do not.
 */
export function percentileOf(d: Dialect, value: Sql, cuts: Sql): Sql {
  const below = Array.from({ length: 99 }, (_, i) => d.flag(sql`${value} > ${cuts}[${sql.raw(String(i + 1))}]`));
  return sql`(${sql.join(below, ' + ')})`;
}
