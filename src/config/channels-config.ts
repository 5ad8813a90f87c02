import { z } from 'zod';

/** What counts as a response to a contact, from the weakest to the strongest reaction. */
export const RESPONSE_LEVELS = ['opened', 'clicked', 'converted'] as const;
/** Which orders a contact may claim as its conversion, beside its own `converted` responses. */
export const ORDER_ATTRIBUTIONS = ['none', 'campaign', 'any'] as const;
/** The per-person attributes a segment (the group whose rate a thin history borrows) can be cut by. */
export const CHANNEL_SEGMENT_DIMENSIONS = ['digital_type', 'value_tier', 'rfm_segment', 'grid'] as const;

/**
 * Settings of activation's channels part: the learned response rate per person and channel, its
 * shrinkage toward the person's segment, and the expected value of a contact (docs/activation.md,
 * "## Channels").
 */
export const channelsConfigSchema = z
  .object({
    /**
     * A response: `opened` (an open, click or conversion), `clicked` (a click or a conversion) or
     * `converted` (a conversion only); mail and phone have neither opens nor clicks, so their
     * conversions count. `opened` by default: the most evidence per contact (bench/channels.ts
     * learns the demo company's preferred channel far better from opens than from clicks); choose
     * `clicked` where opens are unreliable (mail clients that fetch every image).
     */
    response: z.enum(RESPONSE_LEVELS).default('opened'),
    attribution: z
      .object({
        /**
         * Orders that convert a contact besides its `converted` responses: `campaign` an order of his
         * carrying the contact's campaign id, `any` any order of his (organic ones too), `none` none.
         */
        orders: z.enum(ORDER_ATTRIBUTIONS).default('campaign'),
        /** An order converts a contact when placed within this many days after it was sent. */
        windowDays: z.number().int().min(1).max(365).default(30),
      })
      .strict()
      .prefault({}),
    /** Contacts sent within this many days before the as-of date are the history rates are learnt from. */
    historyDays: z.number().int().min(1).max(3650).default(1095),
    /** The segment each person's rate is shrunk toward: the cross of these attributes (empty: the whole base). */
    segmentBy: z.array(z.enum(CHANNEL_SEGMENT_DIMENSIONS)).default(['digital_type', 'value_tier']),
    prior: z
      .object({
        /** How each segment's Beta prior is fitted: beta-binomial maximum marginal likelihood, or method of moments. */
        method: z.enum(['marginal_likelihood', 'moments']).default('marginal_likelihood'),
        /** A segment with fewer persons contacted on a channel (or no response there) borrows the channel's prior over the whole base. */
        minPersons: z.number().int().min(2).default(30),
      })
      .strict()
      .prefault({}),
    /**
     * Cost of a contact: `history` the average cost of the channel's contacts in the history window
     * (each contact's own unit_cost, else value.costs.contactByChannel), `configured` the configured cost.
     */
    unitCost: z.enum(['history', 'configured']).default('history'),
  })
  .strict()
  .prefault({});

export type ChannelsConfig = z.infer<typeof channelsConfigSchema>;
export type ResponseLevel = (typeof RESPONSE_LEVELS)[number];
export type ChannelSegmentDimension = (typeof CHANNEL_SEGMENT_DIMENSIONS)[number];
