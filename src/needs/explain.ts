import type { CategoryAffinityRow, NextOfferRow } from './rows.js';

const times = (x: number): string => `${x.toFixed(1)}x`;
const percent = (x: number): string => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`;
const money = (x: number, currency: string): string => `${x.toFixed(x < 10 ? 2 : 0)} ${currency}`;

/**
 * Why this offer, in one or two short sentences with the figures:
 * "Barbecue charbon (garden): customers who buy home buy garden 3.1x more often; expected margin 42 EUR."
 */
export function explainNextOffer(row: NextOfferRow, currency = 'EUR'): string {
  const product = `${row.product_name} (${row.category})`;
  let why: string;
  if (row.kind === 'cross_sell') {
    why =
      row.antecedent !== null && row.antecedent_lift !== null && row.antecedent_lift > 1
        ? `new range for him; customers who buy ${row.antecedent} buy ${row.category} ${times(row.antecedent_lift)} more often (${percent(row.antecedent_confidence ?? 0)} of them)`
        : `new range for him`;
    if (row.profile_lift >= 1.2) why += `; his declared profile makes it ${times(row.profile_lift)} likelier`;
  } else if (row.kind === 'up_sell') {
    why = `up-sell: ${money(row.price, currency)}, above the ${money(row.max_price_bought ?? 0, currency)} he paid at most in ${row.category}, where he made ${row.category_lines} purchases`;
  } else {
    why = `he made ${row.category_lines} purchases in ${row.category}, and this is what buyers at his price level choose there`;
  }
  const expected = `${percent(row.probability)} chance of being his next purchase, margin ${money(row.unit_margin, currency)} a unit, expected ${money(row.score, currency)}`;
  return `${product}: ${why}; ${expected}.`;
}

/** "garden: 46% of his spending against 12% in his segment (champions), 3.8x." */
export function explainAffinity(row: CategoryAffinityRow): string {
  const index = row.affinity_index === null ? 'no comparison' : `${times(row.affinity_index)}`;
  const lean = row.affinity_index === null ? '' : row.affinity_index >= 1.2 ? ', above his peers' : row.affinity_index <= 0.8 ? ', below his peers' : ', like his peers';
  return `${row.category}: ${percent(row.share)} of his spending against ${percent(row.segment_share)} in his segment (${row.segment}), ${index}${lean}; ${row.orders} orders, last on ${row.last_purchase.toISOString().slice(0, 10)}.`;
}
