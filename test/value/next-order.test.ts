// The rules behind the 360's outlook, one by one: which cause explains a CLV that contradicts a
// valuable RFM past, the churn-risk thresholds and their validation, and the next-order search.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { churnRisk, explainClv, expectedNextOrder, type ClvFacts } from '../../src/value/next-order.js';

const value = parseConfig({}).value;
const asOf = new Date('2026-07-01T00:00:00Z');
const facts = (over: Partial<ClvFacts>): ClvFacts => ({
  rfmSegment: 'loyal', clv: 5, clvBasis: 'margin', revenue: 2000, grossMargin: 700, pAlive: 0.8, orders: 12,
  lastPurchase: new Date('2026-05-02T00:00:00Z'), asOf, ...over,
});

describe('why a CLV contradicts the RFM segment', () => {
  it('blames inactivity first when P(alive) is under the medium churn threshold', () => {
    const m = explainClv(facts({ pAlive: 0.03, grossMargin: 10 }), value);
    expect(m?.params).toEqual({ pAlive: 0.03, days: 60, segment: 'loyal' });
    expect(m?.text.en).toBe('CLV counts expected future purchases only: P(alive) 3% after 60 days without an order; the RFM segment “Loyal” describes his past.');
    // A probability of a few in a million is said to be under the last digit, not 0%.
    expect(explainClv(facts({ pAlive: 2e-6 }), value)?.text.en).toContain('P(alive) < 0.1% after 60 days');
  });

  it('blames the margin when the CLV is on margin and his purchases left little of it', () => {
    const m = explainClv(facts({ grossMargin: 40 }), value);
    expect(m?.key).toBe('value.clv_gap.low_margin');
    expect(m?.text.en).toBe('CLV is valued on margin, and his purchases left 2% of their revenue as margin (€40 on €2,000, after returns and discounts); the RFM segment “Loyal” counts revenue.');
  });

  it('says the model has no repeat purchase to learn from when P(alive) is not estimable', () => {
    expect(explainClv(facts({ pAlive: null, orders: 3 }), value)?.text.fr).toBe(
      'La valeur vie ne compte que les achats futurs espérés : ses 3 commandes tombent dans une seule semaine, il y a 60 jours, et le modèle n’a aucun réachat pour prévoir ; le segment RFM « Fidèles » décrit son passé.',
    );
  });

  it('else says the model expects few more purchases', () => {
    expect(explainClv(facts({}), value)?.key).toBe('value.clv_gap.few_purchases');
  });

  it('explains nothing outside the configured segments, or when the CLV is a fair share of the revenue', () => {
    expect(explainClv(facts({ rfmSegment: 'hibernating' }), value)).toBeNull();
    expect(explainClv(facts({ clv: 250 }), value)).toBeNull();
    expect(explainClv(facts({ rfmSegment: 'hibernating' }), parseConfig({ value: { clvExplanation: { segments: ['hibernating'] } } }).value)?.key).toBe('value.clv_gap.few_purchases');
  });
});

describe('churn risk', () => {
  it('cuts P(alive) at the configured thresholds, highest first', () => {
    expect([0.7, 0.69, 0.4, 0.39, 0.1, 0.09, null].map((p) => churnRisk(p, value.churnRisk))).toEqual(['low', 'medium', 'medium', 'high', 'high', 'lost', 'not_estimable']);
  });

  it('refuses thresholds out of order, naming the setting', () => {
    expect(() => parseConfig({ value: { churnRisk: { mediumFrom: 0.8 } } })).toThrow(/value\.churnRisk needs lowFrom > mediumFrom > highFrom/);
  });
});

describe('expected next order', () => {
  const fit = { model: 'paretonbd', params: { r: 0.8, alpha: 10, s: 0.6, beta: 20 }, asOf };
  it('under Pareto/NBD does not depend on his recency (given alive the rate depends on x and T), and is none beyond the horizon, without a model, or under BG/NBD without repeat purchase', () => {
    const recent = expectedNextOrder(fit, { x: 4, tx: 50, T: 52 }, 156);
    const silent = expectedNextOrder(fit, { x: 4, tx: 10, T: 52 }, 156);
    expect(recent.weeks).not.toBeNull();
    expect(recent.weeks).toBe(silent.weeks);
    expect(expectedNextOrder(fit, { x: 0, tx: 0, T: 150 }, 1).reason).toBe('not_expected');
    expect(expectedNextOrder(null, { x: 1, tx: 1, T: 2 }, 156).reason).toBe('no_model');
    expect(expectedNextOrder({ ...fit, model: 'bgnbd', params: { r: 1, alpha: 5, a: 1, b: 3 } }, { x: 0, tx: 0, T: 10 }, 156).reason).toBe('bgnbd_no_repeat_purchase');
  });
});
