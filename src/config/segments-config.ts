import { z } from 'zod';

const share = z.number().gt(0).lt(1);
const weight = z.number().min(0);
const days = z.number().int().min(1);

/** Value tiers, the four columns, the revenue x profitability grid, attachment and potential. */
export const segmentsConfigSchema = z
  .object({
    tiers: z
      .object({
        /** CPP: this share of profitable buyers, taken by predicted value (the Pareto 20%). */
        cppTopShare: share.default(0.2),
        /** d1: the smallest group of buyers making this share of the predicted margin (CLV). */
        d1ValueShare: share.default(0.5),
        /**
         * d2 vs d3 among the other profitable buyers: the measure of `d2On` at or above this
         * quantile is d2, below it d3 (in the making).
         */
        d2ContributionQuantile: share.default(0.5),
        /**
         * What d2 vs d3 is split on: `potential_value` (yearly contribution + the margin on his
         * potential: seed 002's "significant potential value") or `contribution` (yearly
         * contribution alone, as before the potential was measured against peers).
         */
        d2On: z.enum(['potential_value', 'contribution']).default('potential_value'),
        /** CNR / d4 when the margin over the history does not cover the costs of serving him. */
        unprofitableOnHistory: z.boolean().default(true),
        /** CNR / d4 when the predicted value (CLV minus expected costs to serve) is negative. */
        unprofitableOnPrediction: z.boolean().default(true),
        /** Below this many orders the history is too short to call a customer unprofitable on it. */
        minOrdersForHistory: z.number().int().min(1).default(2),
        /** The predicted value adds his referral value: the predicted value (CLV) of the customers he referred. */
        countReferralValue: z.boolean().default(true),
      })
      .prefault({}),
    grid: z
      .object({
        /** Active base: buyers whose last purchase is at most this many days old. */
        activeDays: days.default(365),
        /** Revenue and profitability are measured over this many days before the as-of date. */
        windowDays: days.default(365),
        /** "High revenue": at or above this quantile of the active base. */
        revenueQuantile: share.default(0.75),
        /** "High profitability": at or above this quantile of the active base. */
        profitabilityQuantile: share.default(0.75),
        /** Profitability as the net contribution rate (per euro of revenue) or as an amount. */
        profitability: z.enum(['rate', 'amount']).default('rate'),
      })
      .prefault({}),
    attachment: z
      .object({
        /** Weights of the four components (normalised to sum to 1). */
        weights: z
          .object({ tenure: weight.default(0.25), regularity: weight.default(0.3), breadth: weight.default(0.25), recency: weight.default(0.2) })
          .prefault({}),
        /** Tenure that counts fully. */
        tenureFullDays: days.default(1095),
        /** Regularity: share of periods of this length, since the first purchase, with a purchase. */
        regularityPeriodDays: days.default(91),
        /** Breadth: this many product ranges count fully. */
        breadthFullCategories: z.number().int().min(1).default(4),
        /** Recency: the component halves every this many days since the last purchase. */
        recencyHalfLifeDays: days.default(180),
      })
      .prefault({}),
    potential: z
      .object({
        /**
         * The wallet of a customer, range by range: this quantile of the yearly spend in a range of
         * his peers who buy it (for the ranges he buys, at least what he spends there).
         */
        walletQuantile: share.default(0.5),
        /**
         * Peers needed for a peer group; smaller groups fall back to household size alone, then to
         * activity and size, then to his main range alone, then to all buyers.
         */
        minPeers: z.number().int().min(1).default(30),
        /**
         * Peers by activity and size (no declared household or income): the buyers of his main range
         * are cut into this many bands of yearly spend in it (4: quartiles); his peers share his band.
         */
        sizeBands: z.number().int().min(1).max(20).default(4),
        /** Customers needed with a declared attribute before it is used to predict needs. */
        minAttributeCustomers: z.number().int().min(1).default(30),
        /** A missing range backed by a declared attribute whose buyers buy it this many times more than all buyers comes first... */
        minLift: z.number().min(1).default(1.3),
        /** A range he never buys is missing (and counts in his wallet) when at least this share of his peers buy it (raised or lowered by his attributes). */
        minPenetration: share.default(0.2),
        /** Missing ranges listed per customer, best first. */
        maxGaps: z.number().int().min(1).default(3),
        /** Spend is counted per year over at least this many days of tenure (a new customer is not extrapolated from one week). */
        minYearDays: days.default(180),
      })
      .prefault({}),
  })
  .prefault({});

export type SegmentsConfig = z.infer<typeof segmentsConfigSchema>;
