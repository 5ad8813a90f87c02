import { sql, type Engine } from '../store/index.js';
import { replaceTable } from '../kernel/index.js';
import { cutsBelow } from './shared.js';

/**
 * `needs_person_band` (person_id, band 1..bands): buyers cut by their average line value at the
 * quantiles of all buyers'. A customer buys at his own price level in every range, so the band
 * says which of a category's products he would pick, even in a category he never bought.
 */
export async function spendBands(engine: Engine, bands: number): Promise<void> {
  const d = engine.dialect;
  const levels = Array.from({ length: bands - 1 }, (_, i) => (i + 1) / bands);
  const value = sql`(revenue / lines)`;
  if (levels.length === 0) {
    await replaceTable(engine, 'needs_person_band', sql`SELECT person_id, 1 AS band FROM customer_needs_group`);
    return;
  }
  await replaceTable(engine, 'needs_band_cuts', sql`SELECT ${d.quantiles(value, levels)} AS cuts FROM customer_needs_group WHERE lines > 0`);
  await replaceTable(engine, 'needs_person_band', sql`SELECT g.person_id AS person_id,
    1 + ${cutsBelow(d, value, sql`c.cuts`, levels.length)} AS band
    FROM customer_needs_group AS g CROSS JOIN needs_band_cuts AS c WHERE g.lines > 0`);
}

/**
 * `needs_band_products` (category, band, sku, product_probability, ...): the chance that a
 * purchase in the category by a customer of the band is this product, its band's share pulled
 * towards the product's share of the category by `smoothing` pseudo-lines (and that share towards
 * uniform by one line per product, so a product nobody bought keeps a small chance); only the
 * `keep` products of each category and band with the highest expected margin given the category
 * (probability x unit margin), numbered in that order in `product_rank`: within a category, a
 * customer's offers come in this order, whoever he is.
 */
export async function bandProducts(engine: Engine, smoothing: number, keep: number): Promise<void> {
  const d = engine.dialect;
  await replaceTable(engine, 'needs_band_lines', sql`SELECT b.band AS band, l.sku AS sku, count(*) AS lines
    FROM person_purchase_lines AS l JOIN needs_person_band AS b ON b.person_id = l.person_id GROUP BY b.band, l.sku`);
  await replaceTable(engine, 'needs_sku_lines', sql`SELECT sku, sum(lines) AS lines FROM needs_band_lines GROUP BY sku`);
  await replaceTable(engine, 'needs_products', sql`SELECT p.sku AS sku, p.name AS name, p.category AS category,
    p.sub_category AS sub_category, CAST(p.price AS DOUBLE) AS price,
    CAST(p.price AS DOUBLE) - coalesce(CAST(p.unit_cost AS DOUBLE), 0.0) AS unit_margin, coalesce(s.lines, 0) AS lines
    FROM products AS p LEFT JOIN needs_sku_lines AS s ON s.sku = p.sku WHERE p.price IS NOT NULL`);
  await replaceTable(engine, 'needs_category_lines', sql`SELECT category, sum(lines) AS lines, count(*) AS products
    FROM needs_products GROUP BY category`);
  await replaceTable(engine, 'needs_product_share', sql`SELECT p.sku AS sku, p.name AS name, p.category AS category,
    p.sub_category AS sub_category, p.price AS price, p.unit_margin AS unit_margin,
    (p.lines + 1.0) / (c.lines + c.products) AS share
    FROM needs_products AS p JOIN needs_category_lines AS c ON c.category = p.category`);
  await replaceTable(engine, 'needs_band_grid', sql`SELECT p.*, b.band AS band
    FROM needs_product_share AS p CROSS JOIN (SELECT DISTINCT band FROM needs_person_band) AS b`);
  await replaceTable(engine, 'needs_band_grid_lines', sql`SELECT g.*, coalesce(l.lines, 0) AS lines
    FROM needs_band_grid AS g LEFT JOIN needs_band_lines AS l ON l.band = g.band AND l.sku = g.sku`);
  await replaceTable(engine, 'needs_band_category', sql`SELECT band, category, sum(lines) AS lines
    FROM needs_band_grid_lines GROUP BY band, category`);
  await replaceTable(engine, 'needs_band_probability', sql`SELECT g.category AS category, g.band AS band, g.sku AS sku,
    g.name AS name, g.sub_category AS sub_category, g.price AS price, g.unit_margin AS unit_margin,
    (g.lines + ${smoothing} * g.share) / (c.lines + ${smoothing}) AS product_probability
    FROM needs_band_grid_lines AS g JOIN needs_band_category AS c ON c.band = g.band AND c.category = g.category`);
  await replaceTable(engine, 'needs_band_products', d.topPerGroup(sql`SELECT *, product_probability * unit_margin AS expected_margin FROM needs_band_probability`, {
    partitionBy: ['category', 'band'],
    orderBy: [{ column: 'expected_margin', descending: true }, { column: 'sku' }],
    columns: ['sku', 'name', 'sub_category', 'price', 'unit_margin', 'product_probability'],
    n: keep,
    rankAs: 'product_rank',
  }));
}

export const PRODUCT_SCRATCH = ['needs_band_cuts', 'needs_band_lines', 'needs_sku_lines', 'needs_products', 'needs_category_lines', 'needs_product_share', 'needs_band_grid', 'needs_band_grid_lines', 'needs_band_category', 'needs_band_probability', 'needs_band_products', 'needs_person_band'];
