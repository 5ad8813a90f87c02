import { sql, type Dialect, type Sql } from '../store/index.js';

/** Number of cut points (an array from `Dialect.quantiles`) strictly below the value: 0 .. cuts. */
export function cutsBelow(d: Dialect, value: Sql, cuts: Sql, count: number): Sql {
  if (count === 0) return sql`0`;
  const terms = Array.from({ length: count }, (_, i) => d.flag(sql`${value} > ${cuts}[${sql.raw(String(i + 1))}]`));
  return sql.join(terms, ' + ');
}

/** A date `days` before another, computed here so the SQL needs no interval arithmetic. */
export function daysBefore(date: Date, days: number): Date {
  return new Date(date.getTime() - days * 86_400_000);
}
