/**
 * What the fitted transaction model says about one customer's next purchase: the expected next
 * order date, the churn-risk label from his P(alive), and, where his CLV contradicts the RFM
 * segment (a valuable past, little future value), the sentence that says why.
 */
import type { ValueConfig } from '../config/value-config.js';
import { bgNbd, mbgCnbd, mbgNbd, paretoNbd, type TransactionModelName } from './models/index.js';
import { aliveUnknownWithoutRepeat } from './models/select.js';
import { valueMessage, type ValueMessage } from './next-order-messages.js';

type Params = Readonly<Record<string, number>>;
interface PurchaseModel {
  probabilityAlive(params: Params, x: number, tx: number, T: number): number;
  conditionalExpectedTransactions(params: Params, t: number, x: number, tx: number, T: number): number;
}

const MODELS: Readonly<Record<TransactionModelName, PurchaseModel>> = { bgnbd: bgNbd, paretonbd: paretoNbd, mbgnbd: mbgNbd, mbgcnbd: mbgCnbd };

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** Why there is no date: BG/NBD cannot tell for a customer without repeat purchase (as P(alive)); or one purchase is not expected within the horizon. */
export type NextOrderReason = 'bgnbd_no_repeat_purchase' | 'not_expected' | 'no_model';

export interface NextOrder {
  /** Day (YYYY-MM-DD) by which his expected purchases, given alive, reach 1; null with a reason otherwise. */
  readonly date: string | null;
  /** The same, in weeks after the as-of date (the model's unit). */
  readonly weeks: number | null;
  readonly reason: NextOrderReason | null;
}

/** His purchase history as the CLV step summarises it (customer_clv): repeat purchase weeks, weeks from first to last, weeks from first to the as-of date. */
export interface PurchaseHistory {
  readonly x: number;
  readonly tx: number;
  readonly T: number;
}

export interface FittedTransactionModel {
  readonly model: string;
  readonly params: Params;
  readonly asOf: Date;
}

/**
 * Expected next order: the smallest t with E[purchases in (T, T + t] | alive at T, history] = 1,
 * where that expectation is the model's conditional expectation divided by his P(alive) (a
 * customer who is gone buys nothing, so E[Y] = P(alive) E[Y | alive] under every model here). It
 * grows with t, so it is found by bisection to a hundredth of a day. The future drop-out the model
 * allows is counted: a customer likely to leave soon may never reach one expected purchase.
 */
export function expectedNextOrder(fit: FittedTransactionModel | null, history: PurchaseHistory | null, maxWeeks: number): NextOrder {
  const none = (reason: NextOrderReason): NextOrder => ({ date: null, weeks: null, reason });
  const formula = fit ? MODELS[fit.model as TransactionModelName] : undefined;
  if (!fit || !formula || !history) return none('no_model');
  const { x, tx, T } = history;
  if (x === 0 && aliveUnknownWithoutRepeat(fit.model as TransactionModelName)) return none('bgnbd_no_repeat_purchase');
  const alive = formula.probabilityAlive(fit.params, x, tx, T);
  if (!(alive > 0)) return none('not_expected');
  const givenAlive = (t: number): number => formula.conditionalExpectedTransactions(fit.params, t, x, tx, T) / alive;
  if (!(givenAlive(maxWeeks) >= 1)) return none('not_expected');
  let low = 0;
  let high = maxWeeks;
  while (high - low > 0.01 / 7) {
    const mid = (low + high) / 2;
    if (givenAlive(mid) >= 1) high = mid;
    else low = mid;
  }
  return { date: new Date(fit.asOf.getTime() + high * WEEK_MS).toISOString().slice(0, 10), weeks: high, reason: null };
}

export type ChurnRisk = 'low' | 'medium' | 'high' | 'lost' | 'not_estimable';

/** The label of his P(alive) under value.churnRisk; null P(alive) (not estimable, or never bought) is `not_estimable`. */
export function churnRisk(pAlive: number | null, thresholds: ValueConfig['churnRisk']): ChurnRisk {
  if (pAlive === null || !Number.isFinite(pAlive)) return 'not_estimable';
  if (pAlive >= thresholds.lowFrom) return 'low';
  if (pAlive >= thresholds.mediumFrom) return 'medium';
  if (pAlive >= thresholds.highFrom) return 'high';
  return 'lost';
}

/** What the explanation of a CLV against the RFM segment reads: the customer list's columns, so a list row and the 360 explain alike. */
export interface ClvFacts {
  readonly rfmSegment: string | null;
  readonly clv: number | null;
  /** What clv counts: margin or revenue. */
  readonly clvBasis: string | null;
  readonly revenue: number;
  readonly grossMargin: number;
  readonly pAlive: number | null;
  readonly orders: number;
  readonly lastPurchase: Date | null;
  readonly asOf: Date;
}

/**
 * Why a customer whose RFM segment describes a valuable past (value.clvExplanation.segments) has a
 * CLV below value.clvExplanation.belowRevenueShare of his revenue to date; null when nothing
 * contradicts. The first cause that holds is given: he is probably gone (P(alive) under the
 * churn risk's medium threshold), his purchases left little margin (CLV on margin), he has no
 * repeat purchase week the model can learn from (P(alive) not estimable), else the model simply
 * expects few more purchases.
 */
export function explainClv(facts: ClvFacts, value: ValueConfig, currency = 'EUR'): ValueMessage | null {
  const { rfmSegment: segment, clv } = facts;
  if (segment === null || clv === null || !value.clvExplanation.segments.includes(segment)) return null;
  if (!(facts.revenue > 0) || clv >= value.clvExplanation.belowRevenueShare * facts.revenue) return null;
  const days = facts.lastPurchase === null ? 0 : Math.max(0, Math.round((facts.asOf.getTime() - facts.lastPurchase.getTime()) / DAY_MS));
  const marginRate = facts.grossMargin / facts.revenue;
  if (facts.pAlive !== null && facts.pAlive < value.churnRisk.mediumFrom) return valueMessage('value.clv_gap.inactive', { pAlive: facts.pAlive, days, segment }, currency);
  if (facts.clvBasis === 'margin' && marginRate < value.clvExplanation.belowRevenueShare) {
    return valueMessage('value.clv_gap.low_margin', { marginRate, margin: facts.grossMargin, revenue: facts.revenue, segment }, currency);
  }
  if (facts.pAlive === null) return valueMessage('value.clv_gap.no_repeat', { orders: facts.orders, days, segment }, currency);
  return valueMessage('value.clv_gap.few_purchases', { pAlive: facts.pAlive, days, segment }, currency);
}

/** Label and definition of the expected next order and of the churn risk (as valueDefinitions gives the value figures'). */
export function outlookDefinitions(value: ValueConfig, model: string | null): { field: string; label: Record<'en' | 'fr', string>; definition: Record<'en' | 'fr', string> }[] {
  const years = Math.round((value.nextOrder.maxWeeks / 52) * 10) / 10;
  const nextOrder = valueMessage('value.def.next_order', { model: model ?? value.clv.model, years });
  const risk = valueMessage('value.def.churn_risk', { low: value.churnRisk.lowFrom, medium: value.churnRisk.mediumFrom, high: value.churnRisk.highFrom });
  return [
    { field: 'next_order', label: valueMessage('value.next_order', {}).text, definition: nextOrder.text },
    { field: 'churn_risk', label: valueMessage('value.churn_risk', {}).text, definition: risk.text },
  ];
}
