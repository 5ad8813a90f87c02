import { sql, type Engine } from '../store/index.js';
import { dropTables, replaceTable, type PipelineStep } from '../kernel/index.js';

type Basket = 'customer' | 'order';

const SCRATCH = ['assoc_items', 'assoc_item_counts', 'assoc_pairs', 'assoc_pairs_a', 'assoc_baskets'];

/**
 * Association rules antecedent -> consequent over baskets of distinct items (categories or
 * products): support = baskets with both / baskets, confidence = baskets with both / baskets
 * with the antecedent, lift = confidence / share of baskets with the consequent
 * (Agrawal, Imielinski & Swami 1993; lift as in Brin et al. 1997). Pairs come from a self-join
 * of the basket items on the basket, one join per query.
 */
async function associationRules(
  engine: Engine,
  table: string,
  item: 'category' | 'sku',
  basket: Basket,
  minSupport: number,
  minCount: number,
): Promise<void> {
  const basketId = basket === 'customer' ? sql`person_id` : sql`order_id`;
  await replaceTable(engine, 'assoc_items', sql`SELECT DISTINCT ${basketId} AS basket_id, ${sql.id(item)} AS item FROM person_purchase_lines`);
  await replaceTable(engine, 'assoc_baskets', sql`SELECT count(DISTINCT basket_id) AS baskets FROM assoc_items`);
  await replaceTable(engine, 'assoc_item_counts', sql`SELECT item, count(*) AS baskets FROM assoc_items GROUP BY item`);
  await replaceTable(engine, 'assoc_pairs', sql`SELECT a.item AS antecedent, b.item AS consequent, count(*) AS both_count
    FROM assoc_items AS a JOIN assoc_items AS b ON b.basket_id = a.basket_id
    WHERE a.item <> b.item GROUP BY a.item, b.item HAVING count(*) >= ${minCount}`);
  await replaceTable(engine, 'assoc_pairs_a', sql`SELECT p.antecedent AS antecedent, p.consequent AS consequent,
    p.both_count AS both_count, c.baskets AS antecedent_count
    FROM assoc_pairs AS p JOIN assoc_item_counts AS c ON c.item = p.antecedent`);
  await replaceTable(engine, 'assoc_rules', sql`SELECT p.antecedent AS antecedent, p.consequent AS consequent,
    p.both_count AS both_count, p.antecedent_count AS antecedent_count, c.baskets AS consequent_count
    FROM assoc_pairs_a AS p JOIN assoc_item_counts AS c ON c.item = p.consequent`);
  await replaceTable(engine, table, sql`SELECT r.antecedent AS antecedent, r.consequent AS consequent, ${basket} AS basket,
    b.baskets AS baskets, r.antecedent_count AS antecedent_count, r.consequent_count AS consequent_count, r.both_count AS both_count,
    CAST(r.both_count AS DOUBLE) / b.baskets AS support,
    CAST(r.both_count AS DOUBLE) / r.antecedent_count AS confidence,
    CAST(r.both_count AS DOUBLE) * b.baskets / (CAST(r.antecedent_count AS DOUBLE) * r.consequent_count) AS lift
    FROM assoc_rules AS r CROSS JOIN assoc_baskets AS b
    WHERE CAST(r.both_count AS DOUBLE) / b.baskets >= ${minSupport}`);
  await dropTables(engine, [...SCRATCH, 'assoc_rules']);
}

/**
 * Co-purchase associations between categories and between products. By default a category
 * basket is all a customer bought up to the as-of date (needs show across visits: plants in
 * spring, a barbecue in summer) and a product basket is one order ("bought together"): orders
 * hold one to four lines, too few for categories, and per-customer product pairs grow with the
 * square of a customer's history while mostly restating his category tastes. Both configurable.
 */
export const associations: PipelineStep = {
  name: 'associations',
  reads: ['person_purchase_lines'],
  writes: ['category_associations', 'product_associations'],
  requires: [],
  async run({ engine, config }) {
    const { categoryBasket, productBasket, minSupport, minCount } = config.needs.associations;
    await associationRules(engine, 'category_associations', 'category', categoryBasket, minSupport, minCount);
    await associationRules(engine, 'product_associations', 'sku', productBasket, minSupport, minCount);
  },
};
