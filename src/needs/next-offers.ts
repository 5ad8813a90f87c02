import { sql } from '../store/index.js';
import { dropTables, replaceTable, type PipelineStep } from '../kernel/index.js';
import { featureLifts, personFeatures, PROFILE_SCRATCH } from './profile.js';
import { bandProducts, PRODUCT_SCRATCH, spendBands } from './product-choice.js';
import { logPriorQuery, priorTerms, PRIOR_SCRATCH } from './prior.js';
import { daysBefore } from './shared.js';

const SCRATCH = ['needs_person_norm', 'needs_top_categories', 'needs_recent', 'needs_recent_categories', 'needs_person_features', 'needs_feature_lift'];

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
  requires: [],
  async run({ engine, config, asOf }) {
    const d = engine.dialect;
    const { model, offers } = config.needs;
    await personFeatures(engine, asOf, model.minProfileCount);
    await featureLifts(engine, model.minProfileCount);
    await spendBands(engine, offers.spendBands);
    await priorTerms(engine);
    const prior = logPriorQuery(model);
    await replaceTable(engine, 'needs_person_norm', sql`SELECT person_id, sum(exp(log_prior)) AS norm FROM (${prior}) AS p GROUP BY person_id`);
    const kinds = new Set(offers.kinds);
    const boughtFilter = !kinds.has('cross_sell') ? sql` AND p.own_lines > 0` : !kinds.has('up_sell') && !kinds.has('same_range') ? sql` AND p.own_lines = 0` : sql``;
    const categoryProbability = sql`SELECT p.person_id AS person_id, p.category AS category, p.band AS band,
      (p.own_lines + ${model.priorStrength} * exp(p.log_prior) / m.norm) / (p.lines + ${model.priorStrength}) AS category_probability,
      p.profile_lift AS profile_lift, p.own_lines AS own_lines, p.max_price AS max_price,
      p.antecedent AS antecedent, p.antecedent_lift AS antecedent_lift, p.antecedent_confidence AS antecedent_confidence
      FROM (${prior}) AS p JOIN needs_person_norm AS m ON m.person_id = p.person_id WHERE 1 = 1${boughtFilter}`;
    await replaceTable(engine, 'needs_recent', sql`SELECT DISTINCT person_id, sku, 1 AS recent FROM person_purchase_lines
      WHERE ordered_at > ${daysBefore(asOf, offers.excludeRecentDays)}`);
    await replaceTable(engine, 'needs_recent_categories', sql`SELECT r.person_id AS person_id, p.category AS category, count(*) AS recent
      FROM needs_recent AS r JOIN products AS p ON p.sku = r.sku GROUP BY r.person_id, p.category`);
    const withRecent = sql`SELECT x.*, coalesce(r.recent, 0) AS recent FROM (${categoryProbability}) AS x
      LEFT JOIN needs_recent_categories AS r ON r.person_id = x.person_id AND r.category = x.category`;
    await replaceTable(engine, 'needs_top_categories', d.topPerGroup(withRecent, {
      partitionBy: ['person_id'],
      orderBy: [{ column: 'category_probability', descending: true }, { column: 'category' }],
      columns: ['category', 'band', 'category_probability', 'profile_lift', 'own_lines', 'max_price', 'antecedent', 'antecedent_lift', 'antecedent_confidence', 'recent'],
      n: offers.candidateCategories,
      rankAs: 'category_rank',
    }));
    await bandProducts(engine, model.productSmoothing, offers.candidateProducts);
    // Within a category his offers follow product_rank, so the first N after his recent purchases
    // there are all the category can place in his first N (unless only one of the kinds of a bought
    // category is wanted: then the kind filter may skip some). The candidates are never stored.
    const rankLimit = kinds.has('up_sell') === kinds.has('same_range') ? sql`${offers.perCustomer} + c.recent` : sql`${offers.candidateProducts}`;
    const kind = sql`CASE WHEN c.own_lines = 0 THEN 'cross_sell'
      WHEN p.price >= c.max_price * ${offers.upSellPriceFactor} THEN 'up_sell' ELSE 'same_range' END`;
    const carried = ['band', 'category_probability', 'category_lines', 'max_price_bought', 'profile_lift', 'antecedent', 'antecedent_lift', 'antecedent_confidence'];
    const candidates = sql`SELECT * FROM (
      SELECT c.person_id AS person_id, p.sku AS sku, c.category AS category, ${kind} AS kind,
        c.category_probability * p.product_probability AS probability,
        c.category_probability * p.product_probability * p.unit_margin AS score,
        c.band AS band, c.category_probability AS category_probability, c.own_lines AS category_lines, c.max_price AS max_price_bought,
        c.profile_lift AS profile_lift, c.antecedent AS antecedent, c.antecedent_lift AS antecedent_lift, c.antecedent_confidence AS antecedent_confidence
      FROM needs_top_categories AS c JOIN needs_band_products AS p ON p.category = c.category AND p.band = c.band
      WHERE p.product_rank <= ${rankLimit}) AS offered
      WHERE kind IN (${sql.join(offers.kinds.map((k) => sql`${k}`))})`;
    const fresh = sql`SELECT o.*
      FROM (${candidates}) AS o LEFT JOIN needs_recent AS r ON r.person_id = o.person_id AND r.sku = o.sku WHERE coalesce(r.recent, 0) = 0`;
    const topOffers = d.topPerGroup(fresh, {
      partitionBy: ['person_id'],
      orderBy: [{ column: 'score', descending: true }, { column: 'sku' }],
      columns: ['sku', 'category', 'kind', 'probability', 'score', ...carried],
      n: offers.perCustomer,
      rankAs: 'rank',
    });
    await replaceTable(engine, 'customer_next_offers', sql`SELECT o.person_id AS person_id, o.rank AS rank, o.sku AS sku,
      p.name AS product_name, o.category AS category, p.sub_category AS sub_category, o.kind AS kind, p.price AS price,
      p.unit_margin AS unit_margin, o.probability AS probability, o.category_probability AS category_probability,
      p.product_probability AS product_probability, o.score AS score, o.category_lines AS category_lines,
      o.max_price_bought AS max_price_bought, o.profile_lift AS profile_lift, o.antecedent AS antecedent,
      o.antecedent_lift AS antecedent_lift, o.antecedent_confidence AS antecedent_confidence, ${asOf} AS as_of
      FROM (${topOffers}) AS o JOIN needs_band_products AS p ON p.band = o.band AND p.sku = o.sku`);
    await dropTables(engine, [...SCRATCH, ...PROFILE_SCRATCH, ...PRIOR_SCRATCH, ...PRODUCT_SCRATCH]);
  },
};
