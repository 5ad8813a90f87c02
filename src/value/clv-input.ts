import { extname } from 'node:path';
import { UsageError } from '../errors.js';
import { withReadablePath } from '../collect/files/safe-path.js';
// The engine and sql directly, not the store's index: `fidelis clv` then loads neither the
// ClickHouse client nor the migrations (measured in docs/value.md, "Fitting and scoring at scale").
import { DuckDbEngine } from '../store/duckdb-engine.js';
import { sql, type Sql } from '../store/sql.js';

export type Period = 'day' | 'week' | 'month';

/** SELECT id, x, tx, "T", m FROM the file: the same query for reading the numbers and writing the rows back. */
export interface SummarySource {
  readonly select: Sql;
}

export interface TransactionColumns {
  readonly customer: string;
  readonly date: string;
  readonly amount?: string | undefined;
  readonly cost?: string | undefined;
}

/** Per-customer BTYD summary in a period unit, with what the holdout period held when there is one. */
export interface ClvInput {
  /**
   * Customer ids in the order of the arrays; null when they stay in the summary file (`source`),
   * from which the output takes them back (clv-output.ts), so a million ids never come to JS.
   */
  readonly ids: string[] | null;
  /** The summary file and the query that reads it, in the arrays' order (summaries only). */
  readonly source?: SummarySource | undefined;
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  /** Mean value of the repeat periods (0 when x = 0). */
  readonly monetary: Float64Array;
  /** Margin over revenue of the customer's calibration purchases, when a cost column is given. */
  readonly marginRate: Float64Array | null;
  readonly holdout: {
    readonly length: number;
    readonly x: Float64Array;
    /** For the cumulative tracking: periods since the first period of the data. */
    readonly births: Float64Array;
    readonly repeatPeriods: Float64Array;
    readonly end: number;
  } | null;
  readonly calibrationEnd: Date;
  readonly observationEnd: Date;
  /** Per customer, sum of ln(inter-purchase periods) of the calibration purchases (MBG/CNBD-k); absent without purchase dates. */
  readonly litt?: Float64Array | null;
}

export function reader(file: string): Sql {
  const ext = extname(file).toLowerCase();
  if (ext === '.parquet' || ext === '.pq') return sql`read_parquet(${file})`;
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return sql`read_json_auto(${file})`;
  return sql`read_csv(${file}, header = true)`;
}

/** Period number of a timestamp: days, weeks starting on Monday, or calendar months. */
export function periodOf(period: Period, at: Sql): Sql {
  if (period === 'month') return sql`(year(${at}) * 12 + month(${at}) - 1)`;
  const days = sql`date_diff('day', DATE '1970-01-05', CAST(${at} AS DATE))`;
  return period === 'day' ? days : sql`floor(${days} / 7)`;
}

/**
 * Reads a transaction file with the engine and summarises it per customer as the BTYD
 * literature does: x = repeat purchase periods (distinct periods after the first), t_x and T in
 * periods from the first purchase, monetary = mean value of the repeat periods. Only data up to
 * the calibration end is summarised; later purchases form the holdout.
 */
export async function summariseTransactions(
  file: string,
  columns: TransactionColumns,
  options: { period: Period; calibrationEnd?: Date | undefined },
): Promise<ClvInput> {
  const engine = await DuckDbEngine.open(':memory:');
  try {
    // A name holding *, ? or [ is that one file, not a glob (safe-path.ts).
    await withReadablePath(file, async (path) => {
      const described = await engine.query<{ column_name: string }>(sql`DESCRIBE SELECT * FROM ${reader(path)}`);
      const names = described.map((r) => r.column_name);
      for (const column of [columns.customer, columns.date, columns.amount, columns.cost]) {
        if (column !== undefined && !names.includes(column)) {
          throw new UsageError(`${file}: no column "${column}"; the file has: ${names.join(', ')}`);
        }
      }
      const amount = columns.amount ? sql`TRY_CAST(${sql.id(columns.amount)} AS DOUBLE)` : sql`0.0`;
      const cost = columns.cost ? sql`TRY_CAST(${sql.id(columns.cost)} AS DOUBLE)` : sql`NULL`;
      await engine.exec(sql`CREATE TABLE tx AS SELECT CAST(${sql.id(columns.customer)} AS VARCHAR) AS customer,
        TRY_CAST(${sql.id(columns.date)} AS TIMESTAMP) AS sold_at, ${amount} AS amount, ${cost} AS cost,
        CAST(${sql.id(columns.date)} AS VARCHAR) AS raw_date FROM ${reader(path)}`);
    });
    const [bad] = await engine.query<{ n: number; example: string | null }>(
      sql`SELECT count(*) AS n, min(raw_date) AS example FROM tx WHERE sold_at IS NULL OR customer IS NULL OR amount IS NULL`,
    );
    if (Number(bad?.n ?? 0) > 0) {
      throw new UsageError(
        `${file}: ${bad?.n} rows without a customer, a readable date or a numeric amount (e.g. date "${bad?.example}"); expected dates such as 2024-03-31`,
      );
    }
    const [range] = await engine.query<{ last: Date | null }>(sql`SELECT max(sold_at) AS last FROM tx`);
    if (!range?.last) throw new UsageError(`${file}: no transactions`);
    const observationEnd = range.last;
    const calibrationEnd = options.calibrationEnd ?? observationEnd;
    const p = (at: Sql): Sql => periodOf(options.period, at);
    await engine.exec(sql`CREATE TABLE periods AS SELECT customer, ${p(sql`sold_at`)} AS period, sum(amount) AS amount,
      sum(cost) AS cost FROM tx WHERE sold_at <= ${calibrationEnd} GROUP BY ALL`);
    const rows = await engine.query<{ customer: string; x: number; tx: number; T: number; monetary: number; margin_rate: number | null }>(sql`
      SELECT customer, count(*) - 1 AS x, max(period) - min(period) AS tx, ${p(sql`${calibrationEnd}`)} - min(period) AS T,
        CASE WHEN count(*) > 1 THEN (sum(amount) - arg_min(amount, period)) / (count(*) - 1) ELSE 0 END AS monetary,
        CASE WHEN sum(amount) > 0 THEN (sum(amount) - sum(cost)) / sum(amount) END AS margin_rate
      FROM periods GROUP BY customer ORDER BY customer`);
    const index = new Map(rows.map((r, i) => [r.customer, i]));
    let holdout: ClvInput['holdout'] = null;
    if (options.calibrationEnd) {
      const length = Number(
        (await engine.query<{ n: number }>(sql`SELECT ${p(sql`${observationEnd}`)} - ${p(sql`${calibrationEnd}`)} AS n`))[0]?.n ?? 0,
      );
      const x = new Float64Array(rows.length);
      const later = await engine.query<{ customer: string; n: number }>(sql`SELECT customer, count(DISTINCT ${p(sql`sold_at`)}) AS n
        FROM tx WHERE sold_at > ${calibrationEnd} GROUP BY customer`);
      for (const r of later) {
        const i = index.get(r.customer);
        if (i !== undefined) x[i] = Number(r.n);
      }
      // Every customer's purchase periods over the whole file, from the first period of the data.
      await engine.exec(sql`CREATE TABLE all_periods AS SELECT customer, ${p(sql`sold_at`)} AS period FROM tx GROUP BY ALL`);
      const [origin] = await engine.query<{ first: number; last: number }>(sql`SELECT min(period) AS first, max(period) AS last FROM all_periods`);
      const first = Number(origin?.first ?? 0);
      const births = new Float64Array(rows.length);
      const repeats: number[] = [];
      const timeline = await engine.query<{ customer: string; period: number; birth: number }>(sql`
        SELECT a.customer AS customer, a.period AS period, b.birth AS birth FROM all_periods AS a
        JOIN (SELECT customer, min(period) AS birth FROM all_periods GROUP BY customer) AS b ON b.customer = a.customer`);
      for (const r of timeline) {
        const i = index.get(r.customer);
        if (i === undefined) continue;
        births[i] = Number(r.birth) - first;
        if (Number(r.period) > Number(r.birth)) repeats.push(Number(r.period) - first);
      }
      holdout = { length, x, births, repeatPeriods: Float64Array.from(repeats), end: Number(origin?.last ?? first) - first };
    }
    return {
      ids: rows.map((r) => r.customer),
      x: Float64Array.from(rows, (r) => Number(r.x)),
      tx: Float64Array.from(rows, (r) => Number(r.tx)),
      T: Float64Array.from(rows, (r) => Number(r.T)),
      monetary: Float64Array.from(rows, (r) => Number(r.monetary)),
      marginRate: columns.cost ? Float64Array.from(rows, (r) => (r.margin_rate === null ? 0 : Number(r.margin_rate))) : null,
      holdout,
      calibrationEnd,
      observationEnd,
    };
  } finally {
    await engine.close();
  }
}

/**
 * A summary file with one row per customer, as lifetimes users have it: frequency, recency, T
 * and optionally monetary_value (and an id column: customer_id, id, or the row number). The
 * numbers are read column by column into typed arrays (no object per row: a million rows took
 * about 4 s as objects, under 1 s as columns); the ids stay in the file.
 */
export async function readSummaryFile(file: string): Promise<ClvInput> {
  const engine = await DuckDbEngine.open(':memory:');
  try {
    const described = await engine.query<{ column_name: string }>(sql`DESCRIBE SELECT * FROM ${reader(file)}`);
    const names = described.map((r) => r.column_name);
    for (const required of ['frequency', 'recency', 'T']) {
      if (!names.includes(required)) {
        throw new UsageError(`${file}: no column "${required}"; a summary has frequency, recency, T[, monetary_value]; the file has: ${names.join(', ')}`);
      }
    }
    const idColumn = ['customer_id', 'id', 'customer'].find((c) => names.includes(c));
    // Without an id column the id is the row number (DuckDB keeps a file's row order), given in JS.
    const id = idColumn ? sql`CAST(${sql.id(idColumn)} AS VARCHAR)` : sql`NULL`;
    const monetary = names.includes('monetary_value') ? sql`coalesce(TRY_CAST(monetary_value AS DOUBLE), 0.0)` : sql`0.0`;
    const select = sql`SELECT ${id} AS id, TRY_CAST(frequency AS DOUBLE) AS x, TRY_CAST(recency AS DOUBLE) AS tx, TRY_CAST("T" AS DOUBLE) AS "T",
        CAST(${monetary} AS DOUBLE) AS m FROM ${reader(file)}`;
    const columns = await engine.queryColumns(sql`SELECT x, tx, "T", m FROM (${select}) AS summary`);
    const [x, tx, T, m] = columns as [Float64Array, Float64Array, Float64Array, Float64Array];
    // NULL (unreadable) is NaN in a DOUBLE column: every comparison below refuses it.
    for (let i = 0; i < x.length; i++) {
      const xi = x[i] as number;
      const txi = tx[i] as number;
      const Ti = T[i] as number;
      if (!(xi >= 0 && txi >= 0 && Ti >= txi)) {
        const shown = (v: number): string => (Number.isNaN(v) ? 'null' : String(v));
        throw new UsageError(`${file}: row ${i + 1}: expected frequency >= 0 and 0 <= recency <= T, got frequency=${shown(xi)}, recency=${shown(txi)}, T=${shown(Ti)}`);
      }
    }
    const now = new Date();
    return {
      ids: idColumn ? null : Array.from({ length: x.length }, (_, i) => String(i + 1)),
      source: idColumn ? { select } : undefined,
      x,
      tx,
      T,
      monetary: m,
      marginRate: null,
      holdout: null,
      calibrationEnd: now,
      observationEnd: now,
    };
  } finally {
    await engine.close();
  }
}
