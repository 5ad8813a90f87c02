import { z } from 'zod';

/** One rolling-window cap: at most `max` contacts in any `days` days. */
const window = z
  .object({
    max: z.number().int().min(0).max(10_000),
    days: z.number().int().min(1).max(3650),
  })
  .strict();
/** Several windows per channel may apply at once (e.g. 2 a week and 6 a month); every one binds. */
const windows = (defaults: { max: number; days: number }[]) => z.array(window).min(1).max(8).default(defaults);

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time such as 21:00');
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export const PRESSURE_CHANNELS = ['email', 'sms', 'mail', 'phone', 'push'] as const;

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A field of `customer_classes` (checked against the table when the policy is applied). */
const classField = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a column name of customer_classes such as value_tier');
/** A rule on a person's classes: his `field` is one of `in`, or a number within [min, max]. */
const exclusionRule = z
  .object({
    field: classField,
    in: z.array(z.string()).min(1).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .strict()
  .refine((r) => r.in !== undefined || r.min !== undefined || r.max !== undefined, 'give `in`, `min` or `max`');

/** How a value tier is treated: marketing contacts at all, and extra contacts on every cap. */
const tierTreatment = z
  .object({
    /** false: transactional contacts only, no marketing contact at all (remaining 0). */
    marketing: z.boolean().default(true),
    /** Added to the `max` of every window of every channel and of `all` (priority customers may hear from us more). */
    extraContacts: z.number().int().min(0).max(100).default(0),
  })
  .strict();

/**
 * The contact-pressure policy every planned, exported or sent marketing contact passes through
 * (docs/activation.md, "Contact pressure"). Caps count planned and sent contacts, never cancelled ones.
 */
export const pressureConfigSchema = z
  .object({
    /** Caps per channel and over all channels (`all`), each a list of rolling windows. */
    caps: z
      .object({
        email: windows([{ max: 2, days: 7 }]),
        sms: windows([{ max: 1, days: 7 }]),
        mail: windows([{ max: 2, days: 30 }]),
        phone: windows([{ max: 1, days: 30 }]),
        push: windows([{ max: 3, days: 7 }]),
        all: windows([{ max: 4, days: 30 }]),
      })
      .strict()
      .prefault({}),
    cooldown: z
      .object({
        /** Days without any marketing contact after a complaint ticket was opened. */
        complaintDays: z.number().int().min(0).max(3650).default(30),
        /** Ticket types that are complaints. */
        complaintTypes: z.array(z.string().min(1)).min(1).default(['complaint']),
        /** Days without any marketing contact after an unsubscribe (an `unsubscribed` response or a consent opt-out on any channel). */
        unsubscribeDays: z.number().int().min(0).max(3650).default(14),
      })
      .strict()
      .prefault({}),
    quietHours: z
      .object({
        /** IANA time zone the quiet hours are read in (the customers' local time). */
        timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Paris').default('Europe/Paris'),
        /** Start of the quiet period each day (local time); when after `end`, it runs over midnight. */
        start: clock.default('21:00'),
        /** End of the quiet period (local time): the first minute a contact may go out again. */
        end: clock.default('08:00'),
        /** Whole days without any contact. */
        days: z.array(z.enum(WEEKDAYS)).default(['sunday']),
        /** Channels the quiet hours apply to (a letter in the post has no send hour). */
        channels: z.array(z.enum(PRESSURE_CHANNELS)).default(['email', 'sms', 'phone', 'push']),
      })
      .strict()
      .prefault({}),
    exclusions: z
      .object({
        /** Person ids never contacted for marketing. */
        persons: z.array(z.string().min(1)).default([]),
        /** Persons whose classes match any of these rules are never contacted for marketing. */
        rules: z.array(exclusionRule).default([]),
        /** Persons with a complaint still open (not closed at the as-of date) are never contacted. */
        openComplaint: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Treatment per value tier (customer_classes.value_tier); a person without a tier gets `default`. */
    tiers: z
      .object({
        CPP: tierTreatment.prefault({ extraContacts: 1 }),
        CCM: tierTreatment.prefault({}),
        CNR: tierTreatment.prefault({ marketing: false }),
        default: tierTreatment.prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type PressureConfig = z.infer<typeof pressureConfigSchema>;
export type PressureWindow = z.infer<typeof window>;
export type PressureScope = keyof PressureConfig['caps'];
