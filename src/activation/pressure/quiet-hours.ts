/**
 * Quiet hours: when no contact may go out, read in the policy's time zone (customers' local time,
 * daylight saving included). Planners place send times with `nextAllowedSendTime`; senders check
 * `isQuietTime` before sending. Hand-written on Intl (no time-zone library in the project): the
 * only conversion needed is "this local wall time on this local day", done by two offset lookups.
 */
import type { PressureConfig, WEEKDAYS } from '../../config/index.js';

type QuietHours = PressureConfig['quietHours'];
/** The policy, or its quiet-hours part. */
export type QuietPolicy = PressureConfig | { readonly quietHours: QuietHours };

interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** Minutes since local midnight. */
  readonly minutes: number;
  readonly weekday: (typeof WEEKDAYS)[number];
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'long',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function localTime(date: Date, timeZone: string): LocalTime & { seconds: number } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(date).map((p) => [p.type, p.value]));
  const n = (key: string): number => Number(parts[key]);
  return {
    year: n('year'),
    month: n('month'),
    day: n('day'),
    minutes: n('hour') * 60 + n('minute'),
    seconds: n('second'),
    weekday: String(parts.weekday).toLowerCase() as LocalTime['weekday'],
  };
}

/** Milliseconds the zone is ahead of UTC at an instant. */
function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const l = localTime(new Date(whole), timeZone);
  return Date.UTC(l.year, l.month - 1, l.day, Math.floor(l.minutes / 60), l.minutes % 60, l.seconds) - whole;
}

/**
 * The instant of a local wall time. A wall time skipped by a spring-forward change comes out
 * one hour later (as clocks show it); one repeated in autumn gives one of its two instants.
 */
function instantOf(year: number, month: number, day: number, minutes: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, Math.floor(minutes / 60), minutes % 60);
  const guess = wall - offsetAt(wall, timeZone);
  const offset = offsetAt(guess, timeZone);
  return new Date(offset === wall - guess ? guess : wall - offset);
}

const toMinutes = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** Whether a local minute of the day falls in the daily quiet period [start, end). */
function inQuietPeriod(minutes: number, q: QuietHours): boolean {
  const start = toMinutes(q.start);
  const end = toMinutes(q.end);
  if (start === end) return false;
  return start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

/** Whether nothing may be sent on `channel` at `date`: a quiet weekday, or inside the daily quiet period. */
export function isQuietTime(date: Date, channel: string, policy: QuietPolicy): boolean {
  const q = policy.quietHours;
  if (!(q.channels as readonly string[]).includes(channel)) return false;
  const local = localTime(date, q.timeZone);
  return q.days.includes(local.weekday) || inQuietPeriod(local.minutes, q);
}

/**
 * The first instant at or after `date` when a contact may go out on `channel`: `date` itself
 * when it is not quiet, else the end of the quiet period (the next local `end` time on a day that
 * is not a quiet weekday).
 */
export function nextAllowedSendTime(date: Date, channel: string, policy: QuietPolicy): Date {
  if (!isQuietTime(date, channel, policy)) return date;
  const q = policy.quietHours;
  const start = toMinutes(q.start);
  const end = toMinutes(q.end);
  // Openings of a local day: the end of the quiet period, and midnight when the quiet period
  // does not run over it (start < end leaves the morning open).
  const openings = start < end ? [0, end] : start === end ? [0] : [end];
  const local = localTime(date, q.timeZone);
  for (let offset = 0; offset <= 8; offset += 1) {
    const day = new Date(Date.UTC(local.year, local.month - 1, local.day + offset));
    for (const minutes of openings) {
      const candidate = instantOf(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), minutes, q.timeZone);
      if (candidate.getTime() >= date.getTime() && !isQuietTime(candidate, channel, policy)) return candidate;
    }
  }
  throw new RangeError('activation.pressure.quietHours leave no time in the week to send');
}
