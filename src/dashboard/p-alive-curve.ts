import { bgNbd, mbgCnbd, mbgNbd, paretoNbd, type TransactionModelName } from '../value/models/index.js';
import { aliveUnknownWithoutRepeat } from '../value/models/select.js';

const DAY = 86_400_000;
/** The Monday the CLV step counts weeks from (src/value/clv-step.ts): the curve must meet its P(alive). */
const WEEK_ORIGIN = Date.UTC(1970, 0, 5);

type Params = Readonly<Record<string, number>>;
interface AliveModel {
  probabilityAlive(params: Params, x: number, tx: number, T: number): number;
}

const MODELS: Readonly<Record<TransactionModelName, AliveModel>> = {
  bgnbd: bgNbd,
  paretonbd: paretoNbd,
  mbgnbd: mbgNbd,
  mbgcnbd: mbgCnbd,
};

/** Calendar week number, as the CLV step's SQL counts it (whole days from the origin, by 7). */
export function weekOf(at: Date): number {
  return Math.floor((Math.floor(at.getTime() / DAY) - WEEK_ORIGIN / DAY) / 7);
}

const startOfDay = (ms: number): number => Math.floor(ms / DAY) * DAY;

/**
 * P(alive) over a customer's history under the fitted model: on each purchase day and on the first
 * of every month from his first purchase to the as-of date, from the weekly (x, t_x, T) he had
 * then (the CLV step's summary at each date), so the last point is his stored P(alive).
 */
export function pAliveCurve(model: string, params: Params, purchases: readonly Date[], asOf: Date): { date: string; pAlive: number }[] {
  const formula = MODELS[model as TransactionModelName];
  const weeks = [...new Set(purchases.filter((p) => p <= asOf).map(weekOf))].sort((a, b) => a - b);
  const first = purchases.filter((p) => p <= asOf).reduce<Date | null>((m, p) => (m === null || p < m ? p : m), null);
  if (!formula || first === null || weeks.length === 0) return [];
  const dates = new Set<number>(purchases.filter((p) => p <= asOf).map((p) => startOfDay(p.getTime())));
  const month = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1));
  for (; month <= asOf; month.setUTCMonth(month.getUTCMonth() + 1)) dates.add(month.getTime());
  const firstWeek = weeks[0] as number;
  const points = [...dates].sort((a, b) => a - b).map((ms) => {
    const week = weekOf(new Date(ms));
    const seen = weeks.filter((w) => w <= week);
    const x = seen.length - 1;
    const tx = (seen.at(-1) ?? firstWeek) - firstWeek;
    return { date: new Date(ms).toISOString().slice(0, 10), x, pAlive: formula.probabilityAlive(params, x, tx, week - firstWeek) };
  });
  const x = weeks.length - 1;
  const last = { date: asOf.toISOString().slice(0, 10), pAlive: formula.probabilityAlive(params, x, (weeks.at(-1) ?? firstWeek) - firstWeek, weekOf(asOf) - firstWeek) };
  // BG/NBD's P(alive) before a repeat purchase is 1 by construction, not an estimate: no point is drawn for it.
  const estimable = (x: number): boolean => x > 0 || !aliveUnknownWithoutRepeat(model as TransactionModelName);
  return [...points.filter((p) => p.date < last.date && estimable(p.x)).map(({ date, pAlive }) => ({ date, pAlive })), ...(estimable(x) ? [last] : [])];
}
