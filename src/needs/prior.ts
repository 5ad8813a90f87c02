import { sql, type Engine, type Sql } from '../store/index.js';
import type { NeedsConfig } from '../config/needs-config.js';
import { replaceTable } from '../kernel/index.js';

/**
 * The terms of each buyer's category prior, segment share x profile lifts^w x (geometric mean of
 * the association lifts from what he bought)^w', and `needs_person_context` (his segment, sets,
 * band and lines). The profile term depends only on the
 * set of values he declared and the association term only on the set of categories he bought, so
 * both are computed once per distinct set (on one person holding it) and joined back: the work
 * per person is one row per category, whatever he declared or bought.
 */
export async function priorTerms(engine: Engine): Promise<void> {
  const d = engine.dialect;
  await replaceTable(engine, 'needs_person_feature_set', sql`SELECT person_id, ${d.distinctList(sql`feature`)} AS feature_set
    FROM needs_person_features GROUP BY person_id`);
  await replaceTable(engine, 'needs_person_bought_set', sql`SELECT person_id, ${d.distinctList(sql`category`)} AS bought_set
    FROM customer_category_affinity GROUP BY person_id`);
  // Profile term per declared set.
  await replaceTable(engine, 'needs_feature_sets', sql`SELECT feature_set, min(person_id) AS holder
    FROM needs_person_feature_set GROUP BY feature_set`);
  await replaceTable(engine, 'needs_feature_set_values', sql`SELECT s.feature_set AS feature_set, f.feature AS feature
    FROM needs_feature_sets AS s JOIN needs_person_features AS f ON f.person_id = s.holder`);
  await replaceTable(engine, 'needs_feature_set_terms', sql`SELECT v.feature_set AS feature_set, l.category AS category,
    sum(ln(l.lift)) AS profile_log FROM needs_feature_set_values AS v JOIN needs_feature_lift AS l ON l.feature = v.feature
    GROUP BY v.feature_set, l.category`);
  // Association term per bought set, with the antecedent that explains it best.
  await replaceTable(engine, 'needs_bought_sets', sql`SELECT bought_set, min(person_id) AS holder
    FROM needs_person_bought_set GROUP BY bought_set`);
  await replaceTable(engine, 'needs_bought_set_values', sql`SELECT s.bought_set AS bought_set, a.category AS category
    FROM needs_bought_sets AS s JOIN customer_category_affinity AS a ON a.person_id = s.holder`);
  // The join is written first, then aggregated: ClickHouse 18.16 corrupts memory (a crash) when
  // one query aggregates the right-hand side's strings of a JOIN, and gives a wrong column for
  // the right-hand side's join key, so the key is read from the left (docs/clickhouse.md).
  await replaceTable(engine, 'needs_bought_set_rules', sql`SELECT v.bought_set AS bought_set, r.consequent AS consequent,
    v.category AS rule_antecedent, r.lift AS rule_lift, r.confidence AS rule_confidence
    FROM needs_bought_set_values AS v JOIN category_associations AS r ON r.antecedent = v.category`);
  await replaceTable(engine, 'needs_bought_set_terms', sql`SELECT bought_set, consequent AS category,
    sum(ln(rule_lift)) / count(*) AS assoc_log, ${d.argMax(sql`rule_antecedent`, sql`rule_lift`)} AS antecedent, max(rule_lift) AS antecedent_lift,
    ${d.argMax(sql`rule_confidence`, sql`rule_lift`)} AS antecedent_confidence
    FROM needs_bought_set_rules GROUP BY bought_set, consequent`);
  // One row per buyer: his segment, sets, band and lines (nested, one join a level).
  const withFeatures = sql`SELECT g.person_id AS person_id, g.segment AS segment, g.lines AS lines,
    coalesce(f.feature_set, '') AS feature_set FROM customer_needs_group AS g LEFT JOIN needs_person_feature_set AS f ON f.person_id = g.person_id
    WHERE g.lines > 0`;
  const withBought = sql`SELECT p.*, b.bought_set AS bought_set
    FROM (${withFeatures}) AS p JOIN needs_person_bought_set AS b ON b.person_id = p.person_id`;
  await replaceTable(engine, 'needs_person_context', sql`SELECT p.*, b.band AS band
    FROM (${withBought}) AS p JOIN needs_person_band AS b ON b.person_id = p.person_id`);
}

/**
 * For every buyer and every category of his segment: the log of his unnormalised prior with its
 * terms, and his own lines in the category. A query, not a table: it is cheaper to join twice
 * than to store a row per person and category.
 */
export function logPriorQuery(model: NeedsConfig['model']): Sql {
  const withSegment = sql`SELECT p.person_id AS person_id, s.category AS category, ln(s.segment_line_share) AS seg_log,
    p.feature_set AS feature_set, p.bought_set AS bought_set, p.band AS band, p.lines AS lines
    FROM needs_person_context AS p JOIN segment_category_shares AS s ON s.segment = p.segment`;
  const withProfile = sql`SELECT x.*, coalesce(t.profile_log, 0.0) AS profile_log
    FROM (${withSegment}) AS x LEFT JOIN needs_feature_set_terms AS t ON t.feature_set = x.feature_set AND t.category = x.category`;
  const withAssociations = sql`SELECT x.*, coalesce(t.assoc_log, 0.0) AS assoc_log, t.antecedent AS antecedent,
    t.antecedent_lift AS antecedent_lift, t.antecedent_confidence AS antecedent_confidence
    FROM (${withProfile}) AS x LEFT JOIN needs_bought_set_terms AS t ON t.bought_set = x.bought_set AND t.category = x.category`;
  return sql`SELECT x.person_id AS person_id, x.category AS category, x.band AS band, x.lines AS lines,
    x.seg_log + ${model.profileWeight} * x.profile_log + ${model.associationWeight} * x.assoc_log AS log_prior,
    exp(${model.profileWeight} * x.profile_log) AS profile_lift, coalesce(a.lines, 0) AS own_lines, a.max_unit_price AS max_price,
    x.antecedent AS antecedent, x.antecedent_lift AS antecedent_lift, x.antecedent_confidence AS antecedent_confidence
    FROM (${withAssociations}) AS x LEFT JOIN customer_category_affinity AS a ON a.person_id = x.person_id AND a.category = x.category`;
}

export const PRIOR_SCRATCH = ['needs_person_feature_set', 'needs_person_bought_set', 'needs_feature_sets', 'needs_feature_set_values',
  'needs_feature_set_terms', 'needs_bought_sets', 'needs_bought_set_values', 'needs_bought_set_rules', 'needs_bought_set_terms', 'needs_person_context'];
