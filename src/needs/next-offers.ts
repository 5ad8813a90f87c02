import { sql, type Sql } from '../store/index.js';
import type { PipelineStep } from '../pipeline/step.js';
import { dropTables, replaceTable } from '../pipeline/tables.js';
import { featureLifts, personFeatures, PROFILE_SCRATCH } from './profile.js';
import { bandProducts, PRODUCT_SCRATCH, spendBands } from './product-choice.js';
import { daysBefore, typed } from './shared.js';

const TERMS = {
  seg_log: 'float',
  profile_log: 'float',
  assoc_log_sum: 'float',
  assoc_n: 'int',
  antecedent: 'string',
  antecedent_lift: 'float',
  antecedent_confidence: 'float',
  own_lines: 'int',
  max_price: 'float',
} as const;

const SCRATCH = ['needs_log_prior', 'needs_person_norm', 'needs_person_model', 'needs_top_categories', 'needs_recent',
  'needs_top_offers', 'needs_top_offers_c', 'needs_person_features', 'needs_feature_lift'];

/**
 * Next best offers. A customer's chance that his next purchase is product s of category c is
 * P(c | him) x P(s | c, his spend band). P(c | him) is the Dirichlet-multinomial posterior mean
 * (n_c + a prior_c) / (n + a) over his n purchase lines (Minka 2000, "Estimating a Dirichlet
 * distribution", eq. 2), its prior the category's share in his segment times the lifts of what he
 * declared (interests, gender, children, age) and of the categories he bought (category
 * associations), each raised to a configured weight, normalised over categories. Offers are his
 * most probable categories' most probable products at his price level, less what he bought
 * recently, ranked by probability x unit margin.
 */
export const nextOffers: PipelineStep = {
  name: 'next_offers',
  reads: ['person_purchase_lines', 'customer_needs_group', 'customer_category_affinity', 'segment_category_shares',
    'category_associations', 'customers', 'customer_persons', 'products'],
  writes: ['customer_next_offers'],
  async run({ engine, config, asOf }) {
    const d = engine.dialect;
    const { model, offers } = config.needs;
    await personFeatures(engine, asOf, model.minProfileCount);
    await featureLifts(engine, model.minProfileCount);
    const branch = (from: Sql, filled: Partial<Record<keyof typeof TERMS, Sql>>, group?: Sql): Sql => {
      const columns = Object.entries(TERMS).map(([name, type]) => sql`${typed(d, filled[name as keyof typeof TERMS] ?? sql`NULL`, type)} AS ${sql.id(name)}`);
      return sql`SELECT person_id, category, ${sql.join(columns)} FROM ${from}${group ?? sql``}`;
    };
    const parts = [
      branch(sql`(SELECT g.person_id AS person_id, s.category AS category, s.segment_line_share AS share
        FROM customer_needs_group AS g JOIN segment_category_shares AS s ON s.segment = g.segment) AS segment_part`, { seg_log: sql`ln(share)` }),
      branch(sql`(SELECT f.person_id AS person_id, l.category AS category, ln(l.lift) AS lift_log
        FROM needs_person_features AS f JOIN needs_feature_lift AS l ON l.feature = f.feature) AS profile_part`,
        { profile_log: sql`sum(lift_log)` }, sql` GROUP BY person_id, category`),
      branch(sql`(SELECT b.person_id AS person_id, r.consequent AS category, r.antecedent AS antecedent, r.lift AS lift, r.confidence AS confidence
        FROM customer_category_affinity AS b JOIN category_associations AS r ON r.antecedent = b.category) AS association_part`, {
        assoc_log_sum: sql`sum(ln(lift))`,
        assoc_n: sql`count(*)`,
        antecedent: d.argMax(sql`antecedent`, sql`lift`),
        antecedent_lift: sql`max(lift)`,
        antecedent_confidence: d.argMax(sql`confidence`, sql`lift`),
      }, sql` GROUP BY person_id, category`),
      branch(sql`customer_category_affinity`, { own_lines: sql`lines`, max_price: sql`max_unit_price` }),
    ];
    const merged = Object.keys(TERMS).map((name) => sql`max(${sql.id(name)}) AS ${sql.id(name)}`);
    // Log prior: segment share x profile lifts^w x (geometric mean of association lifts)^w', unnormalised.
    await replaceTable(engine, 'needs_log_prior', sql`SELECT person_id, category,
      seg_log + ${model.profileWeight} * coalesce(profile_log, 0.0)
        + ${model.associationWeight} * CASE WHEN assoc_n > 0 THEN assoc_log_sum / assoc_n ELSE 0.0 END AS log_prior,
      exp(${model.profileWeight} * coalesce(profile_log, 0.0)) AS profile_lift,
      coalesce(own_lines, 0) AS own_lines, max_price, antecedent, antecedent_lift, antecedent_confidence
      FROM (SELECT person_id, category, ${sql.join(merged)} FROM (${sql.join(parts, ' UNION ALL ')}) AS parts
        GROUP BY person_id, category) AS terms WHERE seg_log IS NOT NULL`);
    await replaceTable(engine, 'needs_person_norm', sql`SELECT person_id, sum(exp(log_prior)) AS norm, sum(own_lines) AS lines
      FROM needs_log_prior GROUP BY person_id HAVING sum(own_lines) > 0`);
    await spendBands(engine, offers.spendBands);
    await replaceTable(engine, 'needs_person_model', sql`SELECT n.person_id AS person_id, n.norm AS norm, n.lines AS lines, b.band AS band
      FROM needs_person_norm AS n JOIN needs_person_band AS b ON b.person_id = n.person_id`);
    const kinds = new Set(offers.kinds);
    const boughtFilter = !kinds.has('cross_sell') ? sql` AND p.own_lines > 0` : !kinds.has('up_sell') && !kinds.has('same_range') ? sql` AND p.own_lines = 0` : sql``;
    const categoryProbability = sql`SELECT p.person_id AS person_id, p.category AS category, m.band AS band,
      (p.own_lines + ${model.priorStrength} * exp(p.log_prior) / m.norm) / (m.lines + ${model.priorStrength}) AS category_probability,
      p.profile_lift AS profile_lift, p.own_lines AS own_lines, p.max_price AS max_price,
      p.antecedent AS antecedent, p.antecedent_lift AS antecedent_lift, p.antecedent_confidence AS antecedent_confidence
      FROM needs_log_prior AS p JOIN needs_person_model AS m ON m.person_id = p.person_id WHERE 1 = 1${boughtFilter}`;
    await replaceTable(engine, 'needs_top_categories', d.topPerGroup(categoryProbability, {
      partitionBy: ['person_id'],
      orderBy: [{ column: 'category_probability', descending: true }, { column: 'category' }],
      columns: ['category', 'band', 'category_probability', 'profile_lift', 'own_lines', 'max_price', 'antecedent', 'antecedent_lift', 'antecedent_confidence'],
      n: offers.candidateCategories,
      rankAs: 'category_rank',
    }));
    await bandProducts(engine, model.productSmoothing, offers.candidateProducts);
    await replaceTable(engine, 'needs_recent', sql`SELECT DISTINCT person_id, sku, 1 AS recent FROM person_purchase_lines
      WHERE ordered_at > ${daysBefore(asOf, offers.excludeRecentDays)}`);
    // The candidates (about categories x products per person) stay narrow and are never stored:
    // only each person's first N are, and get their descriptive columns afterwards.
    const kind = sql`CASE WHEN c.own_lines = 0 THEN 'cross_sell'
      WHEN p.price >= c.max_price * ${offers.upSellPriceFactor} THEN 'up_sell' ELSE 'same_range' END`;
    const candidates = sql`SELECT person_id, sku, category, kind, probability, score FROM (
      SELECT c.person_id AS person_id, p.sku AS sku, c.category AS category, ${kind} AS kind,
        c.category_probability * p.product_probability AS probability,
        c.category_probability * p.product_probability * p.unit_margin AS score
      FROM needs_top_categories AS c JOIN needs_band_products AS p ON p.category = c.category AND p.band = c.band) AS offered
      WHERE kind IN (${sql.join(offers.kinds.map((k) => sql`${k}`))})`;
    const fresh = sql`SELECT o.person_id AS person_id, o.sku AS sku, o.category AS category, o.kind AS kind,
      o.probability AS probability, o.score AS score
      FROM (${candidates}) AS o LEFT JOIN needs_recent AS r ON r.person_id = o.person_id AND r.sku = o.sku WHERE coalesce(r.recent, 0) = 0`;
    await replaceTable(engine, 'needs_top_offers', d.topPerGroup(fresh, {
      partitionBy: ['person_id'],
      orderBy: [{ column: 'score', descending: true }, { column: 'sku' }],
      columns: ['sku', 'category', 'kind', 'probability', 'score'],
      n: offers.perCustomer,
      rankAs: 'rank',
    }));
    await replaceTable(engine, 'needs_top_offers_c', sql`SELECT o.person_id AS person_id, o.rank AS rank, o.sku AS sku,
      o.category AS category, o.kind AS kind, o.probability AS probability, o.score AS score, c.band AS band,
      c.category_probability AS category_probability, c.own_lines AS category_lines, c.max_price AS max_price_bought,
      c.profile_lift AS profile_lift, c.antecedent AS antecedent, c.antecedent_lift AS antecedent_lift,
      c.antecedent_confidence AS antecedent_confidence
      FROM needs_top_offers AS o JOIN needs_top_categories AS c ON c.person_id = o.person_id AND c.category = o.category`);
    await replaceTable(engine, 'customer_next_offers', sql`SELECT o.person_id AS person_id, o.rank AS rank, o.sku AS sku,
      p.name AS product_name, o.category AS category, p.sub_category AS sub_category, o.kind AS kind, p.price AS price,
      p.unit_margin AS unit_margin, o.probability AS probability, o.category_probability AS category_probability,
      p.product_probability AS product_probability, o.score AS score, o.category_lines AS category_lines,
      o.max_price_bought AS max_price_bought, o.profile_lift AS profile_lift, o.antecedent AS antecedent,
      o.antecedent_lift AS antecedent_lift, o.antecedent_confidence AS antecedent_confidence, ${asOf} AS as_of
      FROM needs_top_offers_c AS o JOIN needs_band_products AS p ON p.band = o.band AND p.sku = o.sku`);
    await dropTables(engine, [...SCRATCH, ...PROFILE_SCRATCH, ...PRODUCT_SCRATCH]);
  },
};
