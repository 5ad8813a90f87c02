import { z } from 'zod';

const cost = z.number().min(0);
const scoreRange = z.tuple([z.number().int().min(1), z.number().int().min(1)]);

/**
 * RFM cells named from recency and frequency scores (the widespread R x F map); the first rule
 * that matches wins, so order matters.
 */
export const DEFAULT_RFM_SEGMENTS = [
  { name: 'champions', r: [5, 5], f: [4, 5] },
  { name: 'loyal', r: [3, 4], f: [4, 5] },
  { name: 'cant_lose', r: [1, 2], f: [5, 5] },
  { name: 'at_risk', r: [1, 2], f: [3, 4] },
  { name: 'lost', r: [1, 1], f: [1, 1] },
  { name: 'hibernating', r: [1, 2], f: [1, 2] },
  { name: 'need_attention', r: [3, 3], f: [3, 3] },
  { name: 'about_to_sleep', r: [3, 3], f: [1, 2] },
  { name: 'promising', r: [4, 4], f: [1, 1] },
  { name: 'new', r: [5, 5], f: [1, 1] },
  { name: 'potential_loyalists', r: [4, 5], f: [2, 3] },
] as const;

export const valueConfigSchema = z
  .object({
    costs: z
      .object({
        /** Handling cost of a ticket by type, when the ticket carries none. */
        ticketByType: z.record(z.string(), cost).default({ information: 4, delivery: 8, billing: 6, defect: 14, complaint: 20 }),
        /** Handling cost of a ticket of a type not listed above. */
        ticketDefault: cost.default(8),
        /** Handling cost of one return (logistics, inspection), on top of the refund. */
        returnHandling: cost.default(6),
        /** Cost of one marketing contact by channel, when the contact carries none. */
        contactByChannel: z.record(z.string(), cost).default({ email: 0.002, sms: 0.06, mail: 0.9, phone: 3.5, push: 0.0005 }),
        /** Months over which an acquisition cost is spread (0: all of it at once). */
        acquisitionAmortisationMonths: z.number().int().min(0).default(36),
      })
      .prefault({}),
    clv: z
      .object({
        /**
         * Transaction model fitted on the whole base; `auto` fits BG/NBD, Pareto/NBD, MBG/NBD and
         * MBG/CNBD-k and keeps the lowest BIC, preferring a model without BG/NBD's P(alive) flaw when
         * comparable (docs/value.md, "Choosing the model").
         */
        model: z.enum(['auto', 'bgnbd', 'paretonbd', 'mbgnbd', 'mbgcnbd']).default('auto'),
        /**
         * Horizon of the short-term figures, in weeks: `clv_12m` (52 weeks = 12 months) and
         * `expected_transactions`. It was the horizon of `clv` before `clv` became the lifetime
         * value; a finite `clv` is now `horizon`.
         */
        horizonWeeks: z.number().int().min(1).max(520).default(52),
        /** Horizon of `clv` in periods (weeks); absent: `clv` is the lifetime value (DERT, docs/value.md). */
        horizon: z.number().int().min(1).max(5200).optional(),
        /** Yearly discount rate. */
        discountRate: z.number().min(0).max(10).default(0.1),
        /** Value future purchases on margin (the customer's own margin rate) or on revenue. */
        valueOn: z.enum(['margin', 'revenue']).default('margin'),
      })
      .refine((clv) => clv.horizon !== undefined || clv.discountRate > 0, {
        message: 'a lifetime value needs value.clv.discountRate > 0 (undiscounted, a whole life of purchases has no finite value); or set value.clv.horizon',
        path: ['discountRate'],
      })
      .prefault({}),
    rfm: z
      .object({
        /** Scores per axis: 5 gives quintiles. */
        bins: z.number().int().min(2).max(10).default(5),
        /** Named cells, first match wins; a customer no rule matches is "other". */
        segments: z
          .array(z.object({ name: z.string().min(1), r: scoreRange, f: scoreRange, m: scoreRange.optional() }))
          .default(DEFAULT_RFM_SEGMENTS.map((s) => ({ name: s.name, r: [...s.r], f: [...s.f] }))),
      })
      .prefault({}),
    /**
     * The churn-risk label of a customer, from his P(alive): `low` at or above `lowFrom`, `medium`
     * from `mediumFrom`, `high` from `highFrom`, `lost` below it (docs/value.md, "Next order and churn risk").
     */
    churnRisk: z
      .object({
        lowFrom: z.number().gt(0).lt(1).default(0.7),
        mediumFrom: z.number().gt(0).lt(1).default(0.4),
        highFrom: z.number().gt(0).lt(1).default(0.1),
      })
      .refine((c) => c.lowFrom > c.mediumFrom && c.mediumFrom > c.highFrom, {
        message: 'value.churnRisk needs lowFrom > mediumFrom > highFrom (P(alive) thresholds, highest first)',
      })
      .prefault({}),
    /** The expected next order date is given when it falls within this many weeks of the as-of date (156: three years). */
    nextOrder: z.object({ maxWeeks: z.number().int().min(1).max(1040).default(156) }).prefault({}),
    /**
     * When a customer's CLV contradicts his RFM segment, the pages say why: a customer of one of
     * `segments` (a valuable past) whose CLV is below `belowRevenueShare` of his revenue to date.
     */
    clvExplanation: z
      .object({
        segments: z.array(z.string().min(1)).default(['champions', 'loyal', 'cant_lose', 'at_risk']),
        belowRevenueShare: z.number().gt(0).lt(1).default(0.1),
      })
      .prefault({}),
  })
  .prefault({});

export type ValueConfig = z.infer<typeof valueConfigSchema>;
