/**
 * The demo company's calendar: three years ending on a fixed date (outputs never depend on
 * today), the seasonality that modulates purchases, and fast UTC formatting of times. Internally
 * a time is a number of seconds since START (negative before it); models count in weeks.
 */
export const START_MS = Date.UTC(2023, 6, 1);
/** Exclusive end: the history covers 2023-07-01 .. 2026-06-30. */
export const END_MS = Date.UTC(2026, 6, 1);
export const DAY = 86_400;
export const WEEK = 7 * DAY;
export const YEAR_SECONDS = 365.25 * DAY;
export const WINDOW_DAYS = Math.round((END_MS - START_MS) / 86_400_000);
export const END = WINDOW_DAYS * DAY;
export const WINDOW_WEEKS = END / WEEK;
/** The mobile app opens half-way through the history. */
export const APP_LAUNCH = secondsAt(2025, 1, 13);
/** The first weeks in which the existing base (customers before the datamart) shows up. */
export const EXISTING_BASE_WEEKS = 12;

/** Seconds since START of a UTC date (month 1-12). */
export function secondsAt(year: number, month: number, day: number, hour = 0): number {
  return (Date.UTC(year, month - 1, day, hour) - START_MS) / 1000;
}

// Days since 1970-01-01 -> civil date (Howard Hinnant's algorithm), for dates outside the caches.
function civil(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const START_DAY = START_MS / 86_400_000;
const CACHE_FROM = START_DAY - 40_000; // ~1914: birth dates fall inside the cache
const CACHE_DAYS = 40_000 + WINDOW_DAYS + 800;
const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
// Filled up front (dense arrays stay fast; filling them at random indexes would not).
const dayText: string[] = new Array<string>(CACHE_DAYS).fill('');
const timeOfDay: string[] = Array.from(
  { length: DAY },
  (_, s) => `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}`,
);

/** `YYYY-MM-DD` of a day (days since 1970-01-01). */
export function dateOfDay(days: number): string {
  const slot = days - CACHE_FROM;
  const cached = slot >= 0 && slot < CACHE_DAYS ? dayText[slot] : undefined;
  if (cached) return cached;
  const [y, m, d] = civil(days);
  const text = `${y}-${pad2(m)}-${pad2(d)}`;
  if (slot >= 0 && slot < CACHE_DAYS) dayText[slot] = text;
  return text;
}

/** `YYYY-MM-DD` of a time (seconds since START). */
export function formatDate(seconds: number): string {
  return dateOfDay(START_DAY + Math.floor(Math.floor(seconds) / DAY));
}

/** `YYYY-MM-DD HH:MM:SS` (UTC) of a time (seconds since START), truncated to the second. */
export function formatTimestamp(seconds: number): string {
  const whole = Math.floor(seconds);
  const day = Math.floor(whole / DAY);
  return `${dateOfDay(START_DAY + day)} ${timeOfDay[whole - day * DAY] ?? ''}`;
}

/** Month (1-12), day of month and weekday (0 = Monday) of each day of the window. */
const monthOf = new Uint8Array(WINDOW_DAYS);
const dayOfMonth = new Uint8Array(WINDOW_DAYS);
const weekdayOf = new Uint8Array(WINDOW_DAYS);
for (let d = 0; d < WINDOW_DAYS; d++) {
  const [, m, dd] = civil(START_DAY + d);
  monthOf[d] = m;
  dayOfMonth[d] = dd;
  weekdayOf[d] = (START_DAY + d + 3) % 7; // 1970-01-01 was a Thursday
}

export function dayIndex(seconds: number): number {
  const d = Math.floor(seconds / DAY);
  return d < 0 ? 0 : d >= WINDOW_DAYS ? WINDOW_DAYS - 1 : d;
}

/** Winter sales (from Jan 8), summer sales (from Jun 25), Black Friday week. */
function isSalesDay(d: number): boolean {
  const m = monthOf[d] ?? 1;
  const dd = dayOfMonth[d] ?? 1;
  return (m === 1 && dd >= 8) || (m === 2 && dd <= 4) || (m === 6 && dd >= 25) || (m === 7 && dd <= 22) || (m === 11 && dd >= 22);
}
const salesDays = Uint8Array.from({ length: WINDOW_DAYS }, (_, d) => (isSalesDay(d) ? 1 : 0));

export function inSales(seconds: number): boolean {
  return salesDays[dayIndex(seconds)] === 1;
}

// Relative purchase intensity by month, then the sales and Christmas peaks, then the weekday.
const MONTHLY = [0.95, 0.8, 0.9, 1.0, 1.0, 0.95, 1.05, 0.8, 0.9, 0.95, 1.1, 1.5];
const WEEKDAY = [0.9, 0.9, 1.05, 0.95, 1.05, 1.5, 0.65];

const rawSeason = Float64Array.from({ length: WINDOW_DAYS }, (_, d) => {
  const m = monthOf[d] ?? 1;
  const dd = dayOfMonth[d] ?? 1;
  let f = MONTHLY[m - 1] ?? 1;
  if (salesDays[d]) f *= 1.35;
  if (m === 12 && dd >= 10 && dd <= 24) f *= 1.4;
  if (m === 12 && dd >= 25) f *= 0.7;
  return f * (WEEKDAY[weekdayOf[d] ?? 0] ?? 1);
});
const seasonMean = rawSeason.reduce((s, x) => s + x, 0) / WINDOW_DAYS;
/** Purchase intensity of each day, mean exactly 1 over the window. */
export const SEASON = rawSeason.map((x) => x / seasonMean);
export const SEASON_PEAK = SEASON.reduce((m, x) => Math.max(m, x), 0);

/** The seasonality as a BG/NBD rate modulation over time in weeks since START. */
export const PURCHASE_SEASONALITY = {
  max: SEASON_PEAK,
  factor: (weeks: number): number => SEASON[Math.floor(weeks * 7)] ?? 1,
};

/** Seasonal multiplier of each category (indexed [day * 8 + category], see catalogue order). */
export function categorySeason(monthly: readonly (readonly number[])[]): Float32Array {
  const table = new Float32Array(WINDOW_DAYS * monthly.length);
  for (let d = 0; d < WINDOW_DAYS; d++) {
    for (let c = 0; c < monthly.length; c++) table[d * monthly.length + c] = monthly[c]?.[(monthOf[d] ?? 1) - 1] ?? 1;
  }
  return table;
}

/**
 * Cumulative share of first purchases by day: the existing base shows up in the first weeks,
 * new customers arrive at a slowly growing pace with an autumn and Christmas push.
 */
export function acquisitionCurve(existingShare: number): { cumulative: Float64Array; existingByDay: Float64Array } {
  const baseDays = EXISTING_BASE_WEEKS * 7;
  const newMass = Float64Array.from({ length: WINDOW_DAYS }, (_, d) => {
    const m = monthOf[d] ?? 1;
    const season = m === 11 || m === 12 ? 1.4 : m === 8 ? 0.75 : salesDays[d] ? 1.2 : 1;
    return (1 + (0.3 * d) / WINDOW_DAYS) * season;
  });
  const newTotal = newMass.reduce((s, x) => s + x, 0);
  const cumulative = new Float64Array(WINDOW_DAYS);
  const existingByDay = new Float64Array(WINDOW_DAYS);
  let acc = 0;
  for (let d = 0; d < WINDOW_DAYS; d++) {
    const existing = d < baseDays ? existingShare / baseDays : 0;
    const fresh = ((1 - existingShare) * (newMass[d] ?? 0)) / newTotal;
    acc += existing + fresh;
    cumulative[d] = acc;
    existingByDay[d] = existing / (existing + fresh);
  }
  cumulative[WINDOW_DAYS - 1] = 1;
  return { cumulative, existingByDay };
}
