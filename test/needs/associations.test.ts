import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssociationRow } from '../../src/needs/index.js';
import { sql, type Engine } from '../../src/store/index.js';
import { handCompany } from './hand-company.js';

const rule = async (engine: Engine, table: string, antecedent: string, consequent: string): Promise<AssociationRow | undefined> => {
  const [row] = await engine.query<AssociationRow & Record<string, unknown>>(
    sql`SELECT * FROM ${sql.id(table)} WHERE antecedent = ${antecedent} AND consequent = ${consequent}`,
  );
  return row;
};

describe('co-purchase associations on a hand-made company', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await handCompany({ needs: { associations: { minCount: 1, minSupport: 0 } } });
  });
  afterAll(async () => {
    await engine.close();
  });

  it('category rules over customer baskets: support, confidence and lift as counted by hand', async () => {
    // 4 baskets; garden in 3 (C1, C2, C3), home in 3 (C1, C2, C4), diy in 2 (C1, C4).
    const gardenHome = await rule(engine, 'category_associations', 'garden', 'home');
    expect(gardenHome).toMatchObject({ basket: 'customer', baskets: 4, antecedent_count: 3, consequent_count: 3, both_count: 2 });
    expect(gardenHome?.support).toBeCloseTo(2 / 4, 12);
    expect(gardenHome?.confidence).toBeCloseTo(2 / 3, 12);
    expect(gardenHome?.lift).toBeCloseTo(2 / 3 / (3 / 4), 12);
    const diyHome = await rule(engine, 'category_associations', 'diy', 'home');
    expect(diyHome).toMatchObject({ both_count: 2, antecedent_count: 2 });
    expect(diyHome?.confidence).toBe(1);
    expect(diyHome?.lift).toBeCloseTo(1 / (3 / 4), 12);
    const diyGarden = await rule(engine, 'category_associations', 'diy', 'garden');
    expect(diyGarden?.lift).toBeCloseTo(1 / 2 / (3 / 4), 12);
  });

  it('product rules over order baskets', async () => {
    // 7 orders; P1 in 4 (O1, O3, O4, O7), P3 in 2 (O1, O3), both in 2; P4 in 2, P5 in 2, both in 1.
    const p1p3 = await rule(engine, 'product_associations', 'P1', 'P3');
    expect(p1p3).toMatchObject({ basket: 'order', baskets: 7, antecedent_count: 4, consequent_count: 2, both_count: 2 });
    expect(p1p3?.support).toBeCloseTo(2 / 7, 12);
    expect(p1p3?.confidence).toBeCloseTo(2 / 4, 12);
    expect(p1p3?.lift).toBeCloseTo(2 / 4 / (2 / 7), 12);
    const p3p1 = await rule(engine, 'product_associations', 'P3', 'P1');
    expect(p3p1?.confidence).toBe(1);
    expect(p3p1?.lift).toBeCloseTo(p1p3?.lift ?? NaN, 12);
    expect((await rule(engine, 'product_associations', 'P5', 'P4'))?.lift).toBeCloseTo(1 / 2 / (2 / 7), 12);
  });

  it('drops rules under the minimum count or support', async () => {
    const strict = await handCompany({ needs: { associations: { minCount: 2, minSupport: 0.3 } } });
    const categories = await strict.query<{ antecedent: string; consequent: string }>(
      sql`SELECT antecedent, consequent FROM category_associations ORDER BY antecedent, consequent`,
    );
    // Pairs with two baskets: garden-home and diy-home (support 2/4); nothing else reaches 2.
    expect(categories).toEqual([
      { antecedent: 'diy', consequent: 'home' },
      { antecedent: 'garden', consequent: 'home' },
      { antecedent: 'home', consequent: 'diy' },
      { antecedent: 'home', consequent: 'garden' },
    ]);
    // P1-P3 has 2 orders but support 2/7 < 0.3.
    expect(await strict.query(sql`SELECT * FROM product_associations`)).toEqual([]);
    await strict.close();
  });

  it('can take one order as the category basket', async () => {
    const byOrder = await handCompany({ needs: { associations: { minCount: 1, minSupport: 0, categoryBasket: 'order' } } });
    // Orders holding garden: O1, O3, O4, O7; home: O1, O3, O5, O6; both: O1, O3.
    const row = await rule(byOrder, 'category_associations', 'garden', 'home');
    expect(row).toMatchObject({ basket: 'order', baskets: 7, antecedent_count: 4, consequent_count: 4, both_count: 2 });
    expect(row?.lift).toBeCloseTo(2 / 4 / (4 / 7), 12);
    await byOrder.close();
  });
});
