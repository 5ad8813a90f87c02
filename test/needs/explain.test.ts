import { describe, expect, it } from 'vitest';
import { explainAffinity, explainNextOffer, type CategoryAffinityRow, type NextOfferRow } from '../../src/needs/index.js';

const OFFER: NextOfferRow = {
  person_id: 'P1', rank: 1, sku: 'GAR-0042', product_name: 'Barbecue charbon', category: 'garden', sub_category: 'barbecue',
  kind: 'cross_sell', price: 129.99, unit_margin: 42, probability: 0.074, category_probability: 0.2, product_probability: 0.37,
  score: 3.108, category_lines: 0, max_price_bought: null, profile_lift: 2.3, antecedent: 'home', antecedent_lift: 3.1,
  antecedent_confidence: 0.41, as_of: new Date('2026-06-30T00:00:00Z'),
};

describe('explanations', () => {
  it('a cross-sell gives the antecedent, its lift, the profile lift, the chance and the margin', () => {
    const text = explainNextOffer(OFFER);
    expect(text).toBe(
      'Barbecue charbon (garden): new range for him; customers who buy home buy garden 3.1x more often (41% of them); ' +
        'his declared profile makes it 2.3x likelier; 7.4% chance of being his next purchase, margin 42 EUR a unit, expected 3.11 EUR.',
    );
  });

  it('an up-sell gives the price against the dearest he paid in the range', () => {
    const text = explainNextOffer({ ...OFFER, kind: 'up_sell', category_lines: 6, max_price_bought: 45.9 }, 'CHF');
    expect(text).toContain('130 CHF, above the 46 CHF he paid at most in garden, where he made 6 purchases');
    expect(text).toContain('margin 42 CHF a unit');
  });

  it('an affinity gives his share, his segment share and the index', () => {
    const row: CategoryAffinityRow = {
      person_id: 'P1', segment: 'champions', category: 'garden', orders: 4, lines: 5, units: 7, revenue: 460, margin: 180,
      max_unit_price: 129.99, last_purchase: new Date('2026-05-02T10:00:00Z'), share: 0.46, line_share: 0.4, segment_share: 0.12,
      segment_line_share: 0.11, segment_penetration: 0.3, segment_buyers: 900, affinity_index: 0.46 / 0.12,
    };
    expect(explainAffinity(row)).toBe('garden: 46% of his spending against 12% in his segment (Champions), 3.8x, above his peers; 4 orders, last on 2026-05-02.');
  });
});
