import type { OFFER_KINDS } from '../config/needs-config.js';

export type OfferKind = (typeof OFFER_KINDS)[number];

/** A row of `customer_category_affinity`: one category a buyer bought, against his segment. */
export interface CategoryAffinityRow {
  readonly person_id: string;
  /** His group under `needs.affinity.groupBy` (RFM segment by default). */
  readonly segment: string;
  readonly category: string;
  /** Orders and lines holding the category, units and revenue and margin in it. */
  readonly orders: number;
  readonly lines: number;
  readonly units: number;
  readonly revenue: number;
  readonly margin: number;
  /** Dearest unit price he paid in the category. */
  readonly max_unit_price: number;
  readonly last_purchase: Date;
  /** His share of revenue (and of lines) in the category. */
  readonly share: number;
  readonly line_share: number;
  /** The category's share of his segment's revenue (and lines), and the share of the segment's buyers who bought it. */
  readonly segment_share: number;
  readonly segment_line_share: number;
  readonly segment_penetration: number;
  readonly segment_buyers: number;
  /** share / segment_share: above 1 he over-buys the category against his peers. */
  readonly affinity_index: number | null;
}

/** A row of `category_associations` or `product_associations` (items are categories or SKUs). */
export interface AssociationRow {
  readonly antecedent: string;
  readonly consequent: string;
  /** 'customer' (a customer's history up to the as-of date) or 'order'. */
  readonly basket: string;
  readonly baskets: number;
  readonly antecedent_count: number;
  readonly consequent_count: number;
  readonly both_count: number;
  /** both / baskets */
  readonly support: number;
  /** both / antecedent */
  readonly confidence: number;
  /** confidence / (consequent / baskets) */
  readonly lift: number;
}

/** A row of `customer_next_offers`: one offer to one person, rank 1 first. */
export interface NextOfferRow {
  readonly person_id: string;
  readonly rank: number;
  readonly sku: string;
  readonly product_name: string;
  readonly category: string;
  readonly sub_category: string | null;
  /** cross_sell: a category he never bought; up_sell: dearer than all he bought in it; same_range: another product of a range he buys. */
  readonly kind: OfferKind;
  readonly price: number;
  /** List price less unit cost. */
  readonly unit_margin: number;
  /** Chance that his next purchase line is this product: category_probability x product_probability. */
  readonly probability: number;
  readonly category_probability: number;
  /** Chance that a purchase in the category, at his price level, is this product. */
  readonly product_probability: number;
  /** probability x unit_margin: the expected margin of his next purchase line from this offer. */
  readonly score: number;
  /** His purchase lines in the category (0 for a cross-sell) and the dearest unit price he paid there. */
  readonly category_lines: number;
  readonly max_price_bought: number | null;
  /** How much his declared profile raises the category (1: not at all). */
  readonly profile_lift: number;
  /** Of the categories he bought (other than this one), the one whose buyers most over-buy this category, with that lift and confidence. */
  readonly antecedent: string | null;
  readonly antecedent_lift: number | null;
  readonly antecedent_confidence: number | null;
  readonly as_of: Date;
}
