import { describe, expect, it } from 'vitest';
import type { CategoryAffinityRow, NextOfferRow } from '../../src/needs/index.js';
import { sql, type Engine } from '../../src/store/index.js';
import { handCompany } from './hand-company.js';

const OPEN = {
  affinity: { groupBy: 'everyone' },
  associations: { minCount: 1, minSupport: 0 },
  offers: { perCustomer: 10, candidateCategories: 10, candidateProducts: 10, excludeRecentDays: 30, spendBands: 1 },
} as const;

async function offersOf(engine: Engine, person: string): Promise<Record<string, string>> {
  const rows = await engine.query<NextOfferRow & Record<string, unknown>>(
    sql`SELECT * FROM customer_next_offers WHERE person_id = ${person} ORDER BY rank`,
  );
  return Object.fromEntries(rows.map((r) => [r.sku, r.kind]));
}

describe('next best offers on a hand-made company', () => {
  it('leaves out what he bought in the last days, and offers it again once the window is 0', async () => {
    // C1 bought P1 five days before the as-of date, P3, P4 and P5 months before.
    const engine = await handCompany({ needs: OPEN });
    expect(await offersOf(engine, 'C1')).toEqual({ P2: 'up_sell', P3: 'same_range', P4: 'same_range', P5: 'same_range', P6: 'same_range' });
    await engine.close();
    const noWindow = await handCompany({ needs: { ...OPEN, offers: { ...OPEN.offers, excludeRecentDays: 0 } } });
    expect(Object.keys(await offersOf(noWindow, 'C1'))).toContain('P1');
    await noWindow.close();
  });

  it('up-sells a dearer product of a category he buys, cross-sells the categories he never bought', async () => {
    const engine = await handCompany({ needs: OPEN });
    // C3 bought one 10 EUR rose (garden): the 200 EUR barbecue is an up-sell; home and diy are new to him.
    expect(await offersOf(engine, 'C3')).toEqual({ P1: 'same_range', P2: 'up_sell', P3: 'cross_sell', P4: 'cross_sell', P5: 'cross_sell', P6: 'cross_sell' });
    const offers = await engine.query<NextOfferRow & Record<string, unknown>>(sql`SELECT * FROM customer_next_offers ORDER BY person_id, rank`);
    for (const o of offers) {
      expect(o.score).toBeCloseTo(o.probability * o.unit_margin, 12);
      expect(o.probability).toBeCloseTo(o.category_probability * o.product_probability, 12);
      if (o.kind === 'up_sell') expect(o.price).toBeGreaterThan(o.max_price_bought ?? Infinity);
      if (o.kind === 'cross_sell') expect(o.category_lines).toBe(0);
    }
    // Ranks run 1..n by decreasing score for each person.
    for (const person of new Set(offers.map((o) => o.person_id))) {
      const list = offers.filter((o) => o.person_id === person);
      expect(list.map((o) => o.rank)).toEqual(list.map((_, i) => i + 1));
      for (let i = 1; i < list.length; i++) expect(list[i]?.score).toBeLessThanOrEqual(list[i - 1]?.score ?? 0);
    }
    await engine.close();
  });

  it('makes only the kinds of offers configured, at most N per person', async () => {
    const crossOnly = await handCompany({ needs: { ...OPEN, offers: { ...OPEN.offers, kinds: ['cross_sell'] } } });
    expect(await offersOf(crossOnly, 'C3')).toEqual({ P3: 'cross_sell', P4: 'cross_sell', P5: 'cross_sell', P6: 'cross_sell' });
    expect(await offersOf(crossOnly, 'C1')).toEqual({}); // he bought every category
    await crossOnly.close();
    const two = await handCompany({ needs: { ...OPEN, offers: { ...OPEN.offers, perCustomer: 2, kinds: ['up_sell'] } } });
    expect(await offersOf(two, 'C1')).toEqual({ P2: 'up_sell' });
    const [most] = await two.query<{ n: number }>(sql`SELECT max(rank) AS n FROM customer_next_offers`);
    expect(most?.n).toBeLessThanOrEqual(2);
    await two.close();
  });

  it('compares his category shares with his segment', async () => {
    const engine = await handCompany({ needs: OPEN });
    const [row] = await engine.query<CategoryAffinityRow & Record<string, unknown>>(
      sql`SELECT * FROM customer_category_affinity WHERE person_id = 'C1' AND category = 'garden'`,
    );
    // C1 spent 20 of 180 EUR on garden; everyone 50 of 370 EUR; 3 of 4 buyers bought garden.
    expect(row).toMatchObject({ segment: 'everyone', orders: 2, lines: 2, units: 2, revenue: 20, segment_buyers: 4 });
    expect(row?.share).toBeCloseTo(20 / 180, 12);
    expect(row?.segment_share).toBeCloseTo(50 / 370, 12);
    expect(row?.affinity_index).toBeCloseTo(20 / 180 / (50 / 370), 12);
    expect(row?.segment_penetration).toBeCloseTo(3 / 4, 12);
    await engine.close();
  });
});
