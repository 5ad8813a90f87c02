/**
 * The customer list's rows with the reason of a CLV that contradicts the RFM segment, from the
 * row's own columns (src/value/next-order.ts `explainClv`, as the 360 explains it): a member
 * table shows it as the CLV's tooltip.
 */
import type { Config } from '../config/index.js';
import type { Engine } from '../store/index.js';
import { lastRunDate } from '../value/customer-outlook.js';
import { explainClv } from '../value/next-order.js';

/** The columns of a list row the explanation reads (customers.ts's CustomerRow has them; named here so the list can import this file). */
interface ExplainedRow {
  readonly rfm_segment: string | null;
  readonly clv: number | null;
  readonly clv_basis?: string | null | undefined;
  readonly revenue: number;
  readonly gross_margin: number;
  readonly p_alive: number | null;
  readonly orders: number;
  readonly last_purchase: string | null;
}

export async function withClvExplanations<R extends ExplainedRow>(engine: Engine, config: Config, rows: R[]): Promise<R[]> {
  if (rows.length === 0) return rows;
  const asOf = await lastRunDate(engine);
  if (asOf === null) return rows;
  return rows.map((row) => ({
    ...row,
    clv_explanation: explainClv(
      {
        rfmSegment: row.rfm_segment,
        clv: row.clv,
        clvBasis: row.clv_basis ?? null,
        revenue: row.revenue,
        grossMargin: row.gross_margin,
        pAlive: row.p_alive,
        orders: row.orders,
        lastPurchase: row.last_purchase ? new Date(row.last_purchase) : null,
        asOf,
      },
      config.value,
      config.currency,
    ),
  }));
}
