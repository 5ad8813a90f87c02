import { z } from 'zod';

const share = z.number().min(0).max(1);
const channels = z.array(z.string().min(1));
/** A date in the configuration file: "2025-01-13" or a full ISO timestamp. */
const date = z.coerce.date();
export const DIGITAL_TYPES = ['technophile', 'technomouton', 'techno-no', 'technonul'] as const;
const digitalType = z.enum(DIGITAL_TYPES);
export const TREATMENTS = ['push_online', 'accompany'] as const;
const treatment = z.enum(TREATMENTS);

/**
 * Digital-maturity type rules and the online-migration matrix settings (seed 001). The defaults
 * are documented in docs/digital-maturity.md, with the precision and recall they give on the
 * demo company.
 */
export const digitalConfigSchema = z
  .object({
    /** Order channels that count as online (classic online services plus the new ones). */
    onlineChannels: channels.default(['web', 'app']),
    /** Online order channels of the classic services (seed 001: "services classiques sur Internet"). */
    classicOnlineChannels: channels.default(['web']),
    /** Contact channels whose opens and clicks measure email engagement. */
    emailChannels: channels.default(['email']),
    newChannel: z
      .object({
        /** Order channels of the new online services (seed 001: "nouveaux services sur Internet"). */
        channels: channels.min(1).default(['app']),
        /** Launch of the new services; default: the first order on one of their channels in the base. */
        launchedAt: date.optional(),
        /**
         * A first order on the new channels within this many days of the launch makes an early
         * adopter (technophile). Adopters order on the new channel at their next purchase, which
         * may be months away: 120 days keeps most early adopters and few followers.
         */
        earlyAdopterDays: z.number().min(0).default(120),
      })
      .prefault({}),
    /** Customers who first bought before this date are existing customers; default: the launch (the as-of date while there is none). */
    existingBefore: date.optional(),
    score: z
      .object({
        /** Weight of each signal in the digital score (0-100); a signal the customer gives no evidence on is left out. */
        weights: z
          .object({
            online: z.number().min(0).default(0.45),
            web: z.number().min(0).default(0.2),
            email: z.number().min(0).default(0.35),
          })
          .prefault({}),
        /** Web events per month of tenure that count as full web activity (the web signal is capped at 1). */
        fullWebEventsPerMonth: z.number().positive().default(4),
        /** Email open rate that counts as full email engagement. */
        fullOpenRate: share.default(0.5),
      })
      .prefault({}),
    thresholds: z
      .object({
        /** Digital score from which a customer is a technophile (when he is not an early adopter). */
        technophile: z.number().min(0).max(100).default(65),
        /** Digital score from which a customer is a technomouton (below it, techno-no or technonul). */
        technomouton: z.number().min(0).max(100).default(20),
      })
      .prefault({}),
    evidence: z
      .object({
        /** Orders that make enough evidence on their own. */
        minOrders: z.number().int().min(1).default(3),
        /** Email contacts that make enough evidence on their own. */
        minEmails: z.number().int().min(1).default(6),
        /** Web sessions that make enough evidence on their own. */
        minWebSessions: z.number().int().min(1).default(3),
      })
      .prefault({}),
    /**
     * The type of a customer with thin evidence, no online sign and no email address. Technonul is
     * the most frequent true type of such customers on the demo company; techno-no is the cautious
     * choice (both are accompanied rather than pushed).
     */
    fallbackType: digitalType.default('technonul'),
    /** Seed 001's treatment of each type: push online (technophiles lead, technomoutons follow) or accompany. */
    treatments: z
      .object({
        technophile: treatment.default('push_online'),
        technomouton: treatment.default('push_online'),
        'techno-no': treatment.default('accompany'),
        technonul: treatment.default('accompany'),
      })
      .prefault({}),
  })
  .prefault({});

export type DigitalConfig = z.infer<typeof digitalConfigSchema>;
