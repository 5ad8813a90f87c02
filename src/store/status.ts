import type { Engine } from './engine.js';
import { TABLES } from './schema.js';
import { sql } from './sql.js';

export interface DatamartStatus {
  readonly location: string;
  readonly tables: readonly { readonly table: string; readonly rows: number }[];
  /** Customer records (one per source system and person; identity resolution links them). */
  readonly customers: number;
  readonly customersBySource: Record<string, number>;
  readonly revenue: number;
  readonly firstPurchase: Date | null;
  readonly lastPurchase: Date | null;
  readonly lastImport: Date | null;
  readonly lastRun: { readonly asOf: Date; readonly finishedAt: Date } | null;
}

/** What the datamart holds: rows per table, purchase date range, customers, last import and run. */
export async function datamartStatus(engine: Engine): Promise<DatamartStatus> {
  const counts = await engine.query<{ t: string; n: number }>(
    sql.join(
      TABLES.map((t) => sql`SELECT ${t.name} AS t, count(*) AS n FROM ${sql.id(t.name)}`),
      ' UNION ALL ',
    ),
  );
  const rows = new Map(counts.map((c) => [c.t, Number(c.n)]));
  const [range] = await engine.query<{ first: Date | null; last: Date | null; buyers: number }>(
    sql`SELECT min(ordered_at) AS first, max(ordered_at) AS last, count(DISTINCT customer_id) AS buyers FROM orders`,
  );
  const sources = await engine.query<{ source: string; n: number }>(
    sql`SELECT source, count(*) AS n FROM customers GROUP BY source ORDER BY n DESC, source`,
  );
  const [money] = await engine.query<{ revenue: number | null }>(
    sql`SELECT CAST(sum(quantity * unit_price - coalesce(discount, 0)) AS DOUBLE) AS revenue FROM order_lines`,
  );
  const [imported] = await engine.query<{ at: Date | null }>(sql`SELECT max(imported_at) AS at FROM import_log`);
  const [run] = await engine.query<{ as_of: Date; finished_at: Date }>(
    sql`SELECT as_of, finished_at FROM pipeline_runs ORDER BY finished_at DESC LIMIT 1`,
  );
  return {
    location: engine.location,
    tables: TABLES.map((t) => ({ table: t.name, rows: rows.get(t.name) ?? 0 })),
    customers: rows.get('customers') ?? 0,
    customersBySource: Object.fromEntries(sources.map((r) => [r.source, Number(r.n)])),
    revenue: money?.revenue ?? 0,
    firstPurchase: range?.first ?? null,
    lastPurchase: range?.last ?? null,
    lastImport: imported?.at ?? null,
    lastRun: run ? { asOf: run.as_of, finishedAt: run.finished_at } : null,
  };
}
