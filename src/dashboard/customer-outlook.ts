/**
 * The customer 360's outlook: his expected next order date, churn-risk label and, where his CLV
 * contradicts his RFM segment, the reason (src/value/next-order.ts), with their definitions.
 */
import type { Config } from '../config/index.js';
import { sql, type Engine, type Row } from '../store/index.js';
import { churnRisk, explainClv, expectedNextOrder, outlookDefinitions, type FittedTransactionModel, type PurchaseHistory } from '../value/next-order.js';
import { valueMessage } from '../value/next-order-messages.js';
import type { Customer360 } from './customer-360.js';

type Outlook = Pick<Customer360['value'], 'nextOrder' | 'churnRisk' | 'clvExplanation'> & { definitions: Customer360['value']['definitions'] };

/** The columns of customer_classes the outlook reads, beside those the 360 reads already. */
export const OUTLOOK_COLUMNS = sql`orders, revenue, gross_margin, last_purchase`;

const numberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** His summary as the CLV step fitted it (repeat weeks, weeks to last and to the as-of date); null when he never bought. */
export async function purchaseHistory(engine: Engine, personId: string): Promise<PurchaseHistory | null> {
  const [row] = await engine.query<Row>(sql`SELECT frequency, recency, T FROM customer_clv WHERE person_id = ${personId}`);
  if (!row || row.frequency === null || row.frequency === undefined) return null;
  return { x: Number(row.frequency), tx: Number(row.recency), T: Number(row.T) };
}

/** `history`: purchaseHistory's answer, read beside the 360's other parts. */
export function customerOutlook(config: Config, history: PurchaseHistory | null, value: Row | undefined, fit: FittedTransactionModel | null): Outlook {
  const next = expectedNextOrder(fit, history, config.value.nextOrder.maxWeeks);
  const years = Math.round((config.value.nextOrder.maxWeeks / 52) * 10) / 10;
  const pAlive = numberOrNull(value?.p_alive);
  const risk = churnRisk(pAlive, config.value.churnRisk);
  const lastPurchase = value?.last_purchase instanceof Date ? value.last_purchase : null;
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
          lastPurchase,
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
