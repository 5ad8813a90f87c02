import { describe, expect, test } from 'vitest';
import { isQuietTime, nextAllowedSendTime } from '../../../src/activation/pressure/index.js';
import { parseConfig } from '../../../src/config/index.js';

const policy = (quietHours: Record<string, unknown> = {}) => parseConfig({ activation: { pressure: { quietHours } } }).activation.pressure;
const utc = (iso: string): Date => new Date(iso);

describe('quiet hours in Europe/Paris (default 21:00-08:00 and Sundays)', () => {
  test('the quiet period starts at 21:00 local and ends at 08:00 local, in winter (UTC+1) and in summer (UTC+2)', () => {
    const p = policy();
    expect(isQuietTime(utc('2026-01-13T19:59:00Z'), 'email', p)).toBe(false);
    expect(isQuietTime(utc('2026-01-13T20:00:00Z'), 'email', p)).toBe(true);
    expect(isQuietTime(utc('2026-01-14T06:59:00Z'), 'sms', p)).toBe(true);
    expect(isQuietTime(utc('2026-01-14T07:00:00Z'), 'sms', p)).toBe(false);
    expect(isQuietTime(utc('2026-07-14T05:59:00Z'), 'sms', p)).toBe(true);
    expect(isQuietTime(utc('2026-07-14T06:00:00Z'), 'sms', p)).toBe(false);
    expect(isQuietTime(utc('2026-07-14T19:00:00Z'), 'sms', p)).toBe(true);
  });

  test('Sunday is quiet all day; a letter has no send hour', () => {
    const p = policy();
    expect(isQuietTime(utc('2026-03-15T11:00:00Z'), 'email', p)).toBe(true);
    expect(isQuietTime(utc('2026-03-15T11:00:00Z'), 'mail', p)).toBe(false);
    expect(nextAllowedSendTime(utc('2026-03-15T23:30:00Z'), 'mail', p)).toEqual(utc('2026-03-15T23:30:00Z'));
  });

  test('a time outside quiet hours is kept as it is', () => {
    expect(nextAllowedSendTime(utc('2026-03-10T10:17:23.456Z'), 'email', policy())).toEqual(utc('2026-03-10T10:17:23.456Z'));
  });

  test('Saturday night before the spring change goes to Monday 08:00 summer time, past the quiet Sunday', () => {
    // 2026-03-29 at 02:00 clocks go to 03:00 in Paris.
    expect(nextAllowedSendTime(utc('2026-03-28T21:00:00Z'), 'sms', policy())).toEqual(utc('2026-03-30T06:00:00Z'));
  });

  test('across the spring change the quiet night ends at 08:00 summer time (06:00 UTC), not 07:00 UTC', () => {
    const p = policy({ days: [] });
    expect(nextAllowedSendTime(utc('2026-03-28T21:00:00Z'), 'sms', p)).toEqual(utc('2026-03-29T06:00:00Z'));
    expect(isQuietTime(utc('2026-03-29T05:59:00Z'), 'sms', p)).toBe(true);
    expect(isQuietTime(utc('2026-03-29T06:00:00Z'), 'sms', p)).toBe(false);
  });

  test('across the autumn change the quiet night ends at 08:00 winter time (07:00 UTC)', () => {
    const p = policy({ days: [] });
    expect(nextAllowedSendTime(utc('2026-10-24T20:30:00Z'), 'email', p)).toEqual(utc('2026-10-25T07:00:00Z'));
    expect(isQuietTime(utc('2026-10-25T06:30:00Z'), 'email', p)).toBe(true);
  });

  test('a quiet period within one day ends the same day; a time zone of the policy is used', () => {
    const p = policy({ start: '12:00', end: '14:00', days: [], timeZone: 'America/New_York' });
    expect(nextAllowedSendTime(utc('2026-06-10T17:30:00Z'), 'push', p)).toEqual(utc('2026-06-10T18:00:00Z'));
    expect(isQuietTime(utc('2026-06-10T15:59:00Z'), 'push', p)).toBe(false);
  });

  test('an unknown time zone or clock is refused by the configuration', () => {
    expect(() => policy({ timeZone: 'Europe/Nowhere' })).toThrow(/quietHours\.timeZone: an IANA time zone/);
    expect(() => policy({ start: '25:00' })).toThrow(/quietHours\.start: a local time/);
  });
});
