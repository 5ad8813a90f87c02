/** The demo company's calendar: three years ending on a fixed date, so outputs never depend on today. */
export const ORIGIN_MS = Date.UTC(2023, 6, 1);
export const END_DATE = '2026-06-30';
export const DAY = 86_400;
export const WEEK = 7 * DAY;
export const HORIZON_DAYS = Math.round((Date.UTC(2026, 5, 30) - ORIGIN_MS) / 86_400_000) + 1;
export const HORIZON = HORIZON_DAYS * DAY;
export const HORIZON_WEEKS = HORIZON / WEEK;
/** The mobile app opens half-way through the history: who adopts it, and when, tells digital maturity. */
export const APP_LAUNCH = 78 * WEEK;

/** Relative purchase intensity by month (January .. December): sales, summer dip, Christmas peak. */
const MONTHLY = [1.05, 0.8, 0.85, 0.9, 0.95, 1.0, 1.15, 0.75, 0.9, 0.95, 1.2, 1.6];
const BY_DAY: number[] = (() => {
  const raw: number[] = [];
  for (let d = 0; d < HORIZON_DAYS + 400; d++) raw.push(MONTHLY[new Date(ORIGIN_MS + d * 86_400_000).getUTCMonth()] as number);
  const mean = raw.slice(0, HORIZON_DAYS).reduce((s, x) => s + x, 0) / HORIZON_DAYS;
  return raw.map((x) => x / mean);
})();
export const SEASON_PEAK = Math.max(...BY_DAY);

/** Seasonality at a time in weeks since the origin (mean 1 over the history). */
export function seasonalityAt(weeks: number): number {
  return BY_DAY[Math.max(0, Math.floor(weeks * 7))] ?? 1;
}

/** Whether a time (seconds) falls in a sales period: January and July sales, Black Friday week. */
export function inSales(seconds: number): boolean {
  const d = new Date(ORIGIN_MS + seconds * 1000);
  const month = d.getUTCMonth();
  const day = d.getUTCDate();
  return (month === 0 && day < 28) || (month === 6 && day < 28) || (month === 10 && day >= 22);
}
