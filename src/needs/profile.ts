import { sql, type Engine, type Sql } from '../store/index.js';
import { replaceTable } from '../kernel/index.js';

/** Pseudo-lines pulling a profile value's category shares towards everyone's (smoothing). */
const PROFILE_SMOOTHING = 50;
/** At most this many declared interests are used (the most frequent). */
const MAX_INTERESTS = 200;

/** Declared interests seen on at least `minCount` records, from the distinct ";"-lists. */
async function frequentInterests(engine: Engine, asOf: Date, minCount: number): Promise<string[]> {
  const lists = await engine.query<{ interests: string; n: number }>(sql`SELECT interests, count(*) AS n FROM customers
    WHERE interests IS NOT NULL AND interests <> '' AND (signup_at IS NULL OR signup_at <= ${asOf}) GROUP BY interests ORDER BY n DESC LIMIT 100000`);
  const counts = new Map<string, number>();
  for (const { interests, n } of lists) {
    for (const token of new Set(interests.split(';').map((t) => t.trim()))) {
      if (token) counts.set(token, (counts.get(token) ?? 0) + Number(n));
    }
  }
  return [...counts]
    .filter(([, n]) => n >= minCount)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_INTERESTS)
    .map(([token]) => token);
}

/**
 * `needs_person_features` (person_id, feature): what a person declared on any of his records,
 * as "interest:garden", "gender:F", "children:yes", "age:40". One branch per interest (a LIKE on
 * the ";"-list), so no engine-specific array functions are needed. Records created after the
 * as-of date are left out: the evaluation must not learn from what was declared after its split.
 */
export async function personFeatures(engine: Engine, asOf: Date, minCount: number): Promise<void> {
  const d = engine.dialect;
  const text = sql.raw(d.columnType('string', false));
  await replaceTable(engine, 'needs_person_declared', sql`SELECT p.person_id AS person_id, c.interests AS interests,
    c.gender AS gender, c.children AS children, c.birth_date AS birth_date
    FROM customers AS c JOIN customer_persons AS p ON p.customer_id = c.customer_id
    WHERE c.signup_at IS NULL OR c.signup_at <= ${asOf}`);
  const interests = await frequentInterests(engine, asOf, minCount);
  const age = d.intDiv(d.daysBetween(sql`birth_date`, sql`${asOf}`), sql`3653`);
  const branches: Sql[] = [
    ...interests.map(
      (token) => sql`SELECT person_id, ${`interest:${token}`} AS feature FROM needs_person_declared
        WHERE concat(';', interests, ';') LIKE ${`%;${token};%`}`,
    ),
    sql`SELECT person_id, concat('gender:', upper(gender)) AS feature FROM needs_person_declared WHERE gender IS NOT NULL AND gender <> ''`,
    sql`SELECT person_id, CASE WHEN children > 0 THEN 'children:yes' ELSE 'children:no' END AS feature
      FROM needs_person_declared WHERE children IS NOT NULL`,
    sql`SELECT person_id, concat('age:', CAST(${age} * 10 AS ${text})) AS feature FROM needs_person_declared
      WHERE birth_date IS NOT NULL AND ${age} BETWEEN 1 AND 10`,
  ];
  await replaceTable(engine, 'needs_person_features', sql`SELECT DISTINCT person_id, CAST(feature AS ${text}) AS feature
    FROM (${sql.join(branches, ' UNION ALL ')}) AS declared`);
}

/**
 * `needs_feature_lift` (feature, category, persons, lift): how much more of his purchases a
 * person declaring the value makes in the category than everyone, smoothed towards 1; values
 * declared by fewer than `minCount` buyers are left out.
 */
export async function featureLifts(engine: Engine, minCount: number): Promise<void> {
  await replaceTable(engine, 'needs_category_share', sql`SELECT category, CAST(sum(lines) AS DOUBLE) /
    (SELECT sum(lines) FROM customer_needs_group) AS share FROM customer_category_affinity GROUP BY category`);
  await replaceTable(engine, 'needs_feature_categories', sql`SELECT f.feature AS feature, a.category AS category, sum(a.lines) AS lines
    FROM needs_person_features AS f JOIN customer_category_affinity AS a ON a.person_id = f.person_id GROUP BY f.feature, a.category`);
  await replaceTable(engine, 'needs_feature_totals', sql`SELECT f.feature AS feature, count(*) AS persons, sum(g.lines) AS lines
    FROM needs_person_features AS f JOIN customer_needs_group AS g ON g.person_id = f.person_id
    GROUP BY f.feature HAVING count(*) >= ${minCount}`);
  await replaceTable(engine, 'needs_feature_grid', sql`SELECT t.feature AS feature, t.persons AS persons, t.lines AS lines,
    s.category AS category, s.share AS share FROM needs_feature_totals AS t CROSS JOIN needs_category_share AS s`);
  await replaceTable(engine, 'needs_feature_lift', sql`SELECT g.feature AS feature, g.category AS category, g.persons AS persons,
    ((coalesce(c.lines, 0) + ${PROFILE_SMOOTHING} * g.share) / (g.lines + ${PROFILE_SMOOTHING})) / g.share AS lift
    FROM needs_feature_grid AS g LEFT JOIN needs_feature_categories AS c ON c.feature = g.feature AND c.category = g.category`);
}

export const PROFILE_SCRATCH = ['needs_person_declared', 'needs_category_share', 'needs_feature_categories', 'needs_feature_totals', 'needs_feature_grid'];
