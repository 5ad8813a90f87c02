import { expect, test } from 'vitest';
import { parseConfig } from '../../../src/config/index.js';

const pressure = (input: unknown) => parseConfig({ activation: { pressure: input } }).activation.pressure;

test('an empty configuration gives the documented policy', () => {
  const p = pressure(undefined);
  expect(p.caps).toEqual({
    email: [{ max: 2, days: 7 }],
    sms: [{ max: 1, days: 7 }],
    mail: [{ max: 2, days: 30 }],
    phone: [{ max: 1, days: 30 }],
    push: [{ max: 3, days: 7 }],
    all: [{ max: 4, days: 30 }],
  });
  expect(p.cooldown).toEqual({ complaintDays: 30, complaintTypes: ['complaint'], unsubscribeDays: 14 });
  expect(p.quietHours).toEqual({ timeZone: 'Europe/Paris', start: '21:00', end: '08:00', days: ['sunday'], channels: ['email', 'sms', 'phone', 'push'] });
  expect(p.exclusions).toEqual({ persons: [], rules: [], openComplaint: true });
  expect(p.tiers).toEqual({
    CPP: { marketing: true, extraContacts: 1 },
    CCM: { marketing: true, extraContacts: 0 },
    CNR: { marketing: false, extraContacts: 0 },
    default: { marketing: true, extraContacts: 0 },
  });
});

test('a channel given several windows keeps them all; the others keep their defaults', () => {
  const p = pressure({ caps: { email: [{ max: 2, days: 7 }, { max: 6, days: 30 }] }, tiers: { CNR: { marketing: true } } });
  expect(p.caps.email).toHaveLength(2);
  expect(p.caps.sms).toEqual([{ max: 1, days: 7 }]);
  expect(p.tiers.CNR).toEqual({ marketing: true, extraContacts: 0 });
});

test('a policy that cannot be applied is refused, naming the setting', () => {
  expect(() => pressure({ caps: { email: [] } })).toThrow(/activation\.pressure\.caps\.email/);
  expect(() => pressure({ caps: { fax: [{ max: 1, days: 1 }] } })).toThrow(/activation\.pressure\.caps/);
  expect(() => pressure({ caps: { sms: [{ max: 1, days: 0 }] } })).toThrow(/activation\.pressure\.caps\.sms\.0\.days/);
  expect(() => pressure({ exclusions: { rules: [{ field: 'value_tier' }] } })).toThrow(/give `in`, `min` or `max`/);
  expect(() => pressure({ exclusions: { rules: [{ field: 'x; DROP TABLE contacts', in: ['a'] }] } })).toThrow(/a column name of customer_classes/);
  expect(() => pressure({ quietHours: { days: ['someday'] } })).toThrow(/activation\.pressure\.quietHours\.days\.0/);
});
