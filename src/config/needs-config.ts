import { z } from 'zod';

/** What a customer's "segment" is when his category shares are compared with his peers'. */
export const AFFINITY_GROUPINGS = [
  'rfm_segment',
  'everyone',
  'socio_professional_category',
  'income_band',
  'gender',
  'signup_source',
] as const;

export const OFFER_KINDS = ['cross_sell', 'up_sell', 'same_range'] as const;

const basket = z.enum(['customer', 'order']);

/** Needs and next best offer settings (affinities, associations, offers). Method: docs/needs.md. */
export const needsConfigSchema = z
  .object({
    affinity: z
      .object({
        /**
         * The group a customer's category shares are compared with: his RFM segment (customer_rfm),
         * everyone, or a declared attribute of his customer records.
         */
        groupBy: z.enum(AFFINITY_GROUPINGS).default('rfm_segment'),
      })
      .prefault({}),
    associations: z
      .object({
        /** Basket of category associations: all a customer bought up to the as-of date, or one order. */
        categoryBasket: basket.default('customer'),
        /** Basket of product associations: one order ("bought together"), or a customer's history. */
        productBasket: basket.default('order'),
        /** Smallest support (share of baskets holding both sides) a rule needs to be kept. */
        minSupport: z.number().min(0).max(1).default(0.0005),
        /** Smallest number of baskets holding both sides a rule needs to be kept. */
        minCount: z.number().int().min(1).default(5),
      })
      .prefault({}),
    offers: z
      .object({
        /** Offers kept per customer (rank 1..N). */
        perCustomer: z.number().int().min(1).max(50).default(5),
        /** A product bought in the last this many days is not offered again. */
        excludeRecentDays: z.number().int().min(0).default(90),
        /** Kinds of offers made: a new category, a better product of a bought one, another product of a bought one. */
        kinds: z.array(z.enum(OFFER_KINDS)).min(1).default([...OFFER_KINDS]),
        /** An up-sell is priced at least this factor above the dearest product he bought in the category. */
        upSellPriceFactor: z.number().min(1).default(1.1),
        /** Categories per customer considered for offers (his most probable ones). */
        candidateCategories: z.number().int().min(1).max(100).default(4),
        /**
         * Products per category and spend band kept as candidates: those with the highest expected
         * margin given the category (probability x unit margin); a customer is offered at most
         * perCustomer of them after leaving out his recent purchases.
         */
        candidateProducts: z.number().int().min(1).max(1000).default(8),
        /** Spend bands: customers are cut into this many groups by their average line value. */
        spendBands: z.number().int().min(1).max(20).default(5),
      })
      .prefault({}),
    model: z
      .object({
        /**
         * Weight (in purchases) of the prior in a customer's category probabilities: his own lines
         * count one each, the prior from his peers and declared profile counts this many. Lower
         * trusts his own history more (fewer cross-sells); tuned on a validation split (docs/needs.md).
         */
        priorStrength: z.number().min(0).default(1),
        /** Exponent of the declared-profile lifts (interests, gender, children, age) in the prior; 0 ignores them. */
        profileWeight: z.number().min(0).default(0.7),
        /** Exponent of the category-association lifts from what he bought in the prior; 0 ignores them. */
        associationWeight: z.number().min(0).default(0.5),
        /** Persons a declared-profile value needs before its lifts are used. */
        minProfileCount: z.number().int().min(1).default(30),
        /** Pseudo-lines pulling a band's product shares towards the category's (smoothing). */
        productSmoothing: z.number().min(0).default(20),
      })
      .prefault({}),
    evaluation: z
      .object({
        /** Days after the split in which a purchase of an offered product counts as a hit. */
        horizonDays: z.number().int().min(1).default(180),
      })
      .prefault({}),
  })
  .prefault({});

export type NeedsConfig = z.infer<typeof needsConfigSchema>;
