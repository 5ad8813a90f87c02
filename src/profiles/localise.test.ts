import { describe, expect, it } from 'vitest';
import { explainClasses } from '../segments/index.js';
import { localiseClass } from './localise.js';

/** A customer_classes row as the pipeline writes it (the columns the explanations read). */
const ROW = {
  value_tier: 'CNR', contribution: -18, predicted_value: -40, clv: 12, yearly_costs: 9,
  value_column: 'd1', clv_percentile: 97, d1_min_clv: 800,
  grid: 'whale', window_revenue: 1200, revenue_percentile: 95, revenue_cut: 400, profitability: 0.12, profitability_percentile: 30, profitability_cut: 0.3,
  rfm_segment: 'at_risk', r_score: 2, f_score: 4, m_score: 5, recency_days: 240, orders: 9, revenue: 2100,
  attachment: 71.6, attachment_percentile: 88, tenure_days: 900, active_periods: 6, periods: 10, categories: 3,
  potential: 1500.4, peer_kind: 'range', peers: 40, peer_range: 'sorbets', gap_categories: 'fries,desserts', bought_categories: 'sorbets', ranges_bought: 1,
  yearly_revenue: 300, share_of_wallet: 0.2, wallet: 1500, upsell_revenue: 100, gap_revenue: 1400,
};

describe('class reasons in the language asked for', () => {
  const reasons = explainClasses(ROW, 'EUR');

  it('gives every class its reasons as messages, English in `reasons` as before', () => {
    expect(reasons.map((r) => r.dimension)).toEqual(['value_tier', 'value_column', 'grid', 'rfm', 'attachment', 'potential']);
    for (const r of reasons) {
      expect(r.messages?.length, r.dimension).toBe(r.reasons.length);
      expect(r.reasons).toEqual(r.messages?.map((m) => m.text.en));
    }
    expect(reasons.find((r) => r.dimension === 'rfm')?.reasons[0]).toBe('R2 F4 M5: last purchase 240 days ago, 9 orders, 2,100 EUR revenue');
    expect(reasons.find((r) => r.dimension === 'potential')?.value).toBe('1,500 EUR a year');
  });

  it('turns reasons and a class that is a sentence into French, keeping the messages', () => {
    const french = reasons.map((r) => localiseClass(r, 'fr'));
    const spaced = (text: string | undefined): string | undefined => text?.replace(/[\u00a0\u202f]/g, ' ');
    expect(spaced(french.find((r) => r.dimension === 'rfm')?.reasons[0])).toBe('R2 F4 M5 : dernier achat il y a 240 jours, 9 commandes, 2 100 EUR de chiffre d’affaires');
    expect(spaced(french.find((r) => r.dimension === 'grid')?.reasons[1])).toBe('rentabilité 12 % (dans les 70 % premiers de la base active ; élevée à partir de 30 %)');
    expect(french.find((r) => r.dimension === 'attachment')?.reasons[1]).toBe('client depuis 30 mois ; a acheté sur 6 des 10 trimestres');
    expect(spaced(french.find((r) => r.dimension === 'potential')?.value)).toBe('1 500 EUR par an');
    expect(french.find((r) => r.dimension === 'value_tier')?.messages).toEqual(reasons[0]?.messages);
    expect(reasons.map((r) => localiseClass(r, 'en'))).toEqual(reasons);
  });
});
