/**
 * A customer's outlook under the last run's fitted model: his expected next order date,
 * churn-risk label and, where his CLV contradicts his RFM segment, the reason (next-order.ts),
 * with their definitions. The customer 360 and the customer card (`fidelis customer`) show it.
 */
import type { Config } from '../config/index.js';
import { sql, type Engine, type Row } from '../store/index.js';
import { churnRisk, explainClv, expectedNextOrder, outlookDefinitions, type ChurnRisk, type FittedTransactionModel, type NextOrder, type PurchaseHistory } from './next-order.js';
import { valueMessage, type ValueMessage } from './next-order-messages.js';

type Bilingual = Readonly<Record<'en' | 'fr', string>>;

export interface CustomerOutlook {
  readonly nextOrder: NextOrder & { readonly text: Bilingual | null };
  readonly churnRisk: { readonly label: ChurnRisk; readonly text: Bilingual };
  readonly clvExplanation: ValueMessage | null;
  readonly definitions: { field: string; label: Record<'en' | 'fr', string>; definition: Record<'en' | 'fr', string> }[];
}

/** The columns of customer_classes the outlook reads, beside his clv, p_alive, rfm_segment and clv_basis. */
export const OUTLOOK_COLUMNS = sql`orders, revenue, gross_margin, last_purchase`;

const numberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const dateOrNull = (v: unknown): Date | null => (v instanceof Date ? v : typeof v === 'string' && v !== '' ? new Date(v) : null);

/** His summary as the CLV step fitted it (repeat weeks, weeks to last and to the as-of date); null when he never bought. */
export async function purchaseHistory(engine: Engine, personId: string): Promise<PurchaseHistory | null> {
  const [row] = await engine.query<Row>(sql`SELECT frequency, recency, T FROM customer_clv WHERE person_id = ${personId}`);
  if (!row || row.frequency === null || row.frequency === undefined) return null;
  return { x: Number(row.frequency), tx: Number(row.recency), T: Number(row.T) };
}

/** The last run's date (null before any run). */
export async function lastRunDate(engine: Engine): Promise<Date | null> {
  const [run] = await engine.query<{ as_of: Date | null }>(sql`SELECT max(as_of) AS as_of FROM pipeline_runs`);
  return run?.as_of instanceof Date ? run.as_of : null;
}

/**
 * The last run's fitted transaction model and date; null when the run fitted none. `runDate`: the
 * last run's date when the caller reads it anyway (the 360 reads it once for several parts).
 */
export async function fittedTransactionModel(engine: Engine, runDate: Promise<Date | null> = lastRunDate(engine)): Promise<FittedTransactionModel | null> {
  const [[fit], asOf] = await Promise.all([engine.query<Row>(sql`SELECT * FROM clv_model`), runDate]);
  if (!fit || typeof fit.params !== 'string' || asOf === null) return null;
  return { model: String(fit.model), params: JSON.parse(fit.params) as Record<string, number>, asOf };
}

/**
 * From his value row (customer_classes, or the profile's `value`), his summary and the fitted
 * model: `history` is purchaseHistory's answer, read beside the caller's other parts.
 */
export function customerOutlook(config: Config, history: PurchaseHistory | null, value: Readonly<Record<string, unknown>> | null | undefined, fit: FittedTransactionModel | null): CustomerOutlook {
  const next = expectedNextOrder(fit, history, config.value.nextOrder.maxWeeks);
  const years = Math.round((config.value.nextOrder.maxWeeks / 52) * 10) / 10;
  const pAlive = numberOrNull(value?.p_alive);
  const risk = churnRisk(pAlive, config.value.churnRisk);
  const explanation = fit
    ? explainClv(
        {
          rfmSegment: typeof value?.rfm_segment === 'string' ? value.rfm_segment : null,
          clv: numberOrNull(value?.clv),
          clvBasis: typeof value?.clv_basis === 'string' ? value.clv_basis : null,
          revenue: Number(value?.revenue ?? 0),
          grossMargin: Number(value?.gross_margin ?? 0),
          pAlive,
          orders: Number(value?.orders ?? 0),
          lastPurchase: dateOrNull(value?.last_purchase),
          asOf: fit.asOf,
        },
        config.value,
        config.currency,
      )
    : null;
  const noDate = next.reason === 'not_expected' ? valueMessage('value.next_order.not_expected', { years }) : next.reason !== null ? valueMessage('value.next_order.not_estimable', {}) : null;
  return {
    nextOrder: { ...next, text: noDate?.text ?? null },
    churnRisk: { label: risk, text: valueMessage(`value.churn_risk.${risk}`, {}).text },
    clvExplanation: explanation,
    definitions: outlookDefinitions(config.value, fit?.model ?? null),
  };
}

/** All of it for one person, read here (the customer card). */
export async function readCustomerOutlook(engine: Engine, config: Config, personId: string, value: Readonly<Record<string, unknown>> | null): Promise<CustomerOutlook> {
  const [history, fit] = await Promise.all([purchaseHistory(engine, personId), fittedTransactionModel(engine)]);
  return customerOutlook(config, history, value, fit);
}
