import { renderMessage, type Message } from '../messages/index.js';
import type { CategoryAffinityRow, NextOfferRow } from './rows.js';

/**
 * Why this offer, as a message (src/messages/catalogue/needs.ts) with the figures:
 * "Barbecue charbon (garden): customers who buy home buy garden 3.1x more often; expected margin 42 EUR."
 */
export function nextOfferMessage(row: NextOfferRow): Message {
  let why: Message;
  if (row.kind === 'cross_sell') {
    why =
      row.antecedent !== null && row.antecedent_lift !== null && row.antecedent_lift > 1
        ? { key: 'offer.cross_sell.antecedent', params: { antecedent: row.antecedent, category: row.category, lift: row.antecedent_lift, confidence: row.antecedent_confidence ?? 0 } }
        : { key: 'offer.cross_sell', params: {} };
    if (row.profile_lift >= 1.2) why = { key: 'offer.profile_lift', params: { why, lift: row.profile_lift } };
  } else if (row.kind === 'up_sell') {
    why = { key: 'offer.up_sell', params: { price: row.price, maxPrice: row.max_price_bought ?? 0, category: row.category, lines: row.category_lines } };
  } else {
    why = { key: 'offer.repeat', params: { lines: row.category_lines, category: row.category } };
  }
  const expected: Message = { key: 'offer.expected', params: { probability: row.probability, margin: row.unit_margin, score: row.score } };
  return { key: 'offer.explained', params: { product: row.product_name, category: row.category, why, expected } };
}

/** The offer's reason in English (what `explanation` held before the API spoke French). */
export const explainNextOffer = (row: NextOfferRow, currency = 'EUR'): string => renderMessage(nextOfferMessage(row), 'en', { currency });

/** "garden: 46% of his spending against 12% in his segment (champions), 3.8x, above his peers; ..." */
export function affinityMessage(row: CategoryAffinityRow): Message {
  const index = row.affinity_index;
  const key = index === null ? 'affinity.alone' : index >= 1.2 ? 'affinity.above' : index <= 0.8 ? 'affinity.below' : 'affinity.like';
  return {
    key,
    params: {
      category: row.category,
      share: row.share,
      segmentShare: row.segment_share,
      segment: row.segment,
      index,
      orders: row.orders,
      last: row.last_purchase.toISOString(),
    },
  };
}

/** The affinity's reason in English (what `explanation` held before the API spoke French). */
export const explainAffinity = (row: CategoryAffinityRow): string => renderMessage(affinityMessage(row), 'en');
