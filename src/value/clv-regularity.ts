/**
 * The regularity statistic MBG/CNBD-k needs beyond (x, t_x, T): per customer, litt = the sum of
 * ln(time between consecutive purchase periods) over the calibration purchases, as BTYDplus
 * `elog2cbs` computes it. Kept apart from the summary reader so the other models never pay for it.
 */
import { withReadablePath } from '../collect/files/safe-path.js';
import { DuckDbEngine } from '../store/duckdb-engine.js';
import { sql } from '../store/sql.js';
import { periodOf, reader, type Period, type TransactionColumns } from './clv-input.js';

/** litt of each of `ids` (0 for a customer with fewer than two purchase periods), in the engine's SQL. */
export async function logInterPurchaseTimes(
  file: string,
  columns: Pick<TransactionColumns, 'customer' | 'date'>,
  options: { readonly period: Period; readonly calibrationEnd: Date },
  ids: readonly string[],
): Promise<Float64Array> {
  const engine = await DuckDbEngine.open(':memory:');
  try {
    const rows = await withReadablePath(file, (path) => {
      const at = sql`TRY_CAST(${sql.id(columns.date)} AS TIMESTAMP)`;
      const period = periodOf(options.period, at);
      return engine.query<{ customer: string; litt: number }>(sql`
        SELECT customer, sum(ln(period - previous)) AS litt FROM (
          SELECT customer, period, lag(period) OVER (PARTITION BY customer ORDER BY period) AS previous FROM (
            SELECT DISTINCT CAST(${sql.id(columns.customer)} AS VARCHAR) AS customer, ${period} AS period
            FROM ${reader(path)} WHERE ${at} <= ${options.calibrationEnd}) AS periods) AS gaps
        WHERE previous IS NOT NULL GROUP BY customer`);
    });
    const byCustomer = new Map(rows.map((r) => [r.customer, Number(r.litt)]));
    return Float64Array.from(ids, (id) => byCustomer.get(id) ?? 0);
  } finally {
    await engine.close();
  }
}
