// Measures of the classes against the demo company's planted truths, shared by the tests and
// bench/differentiation.ts (tables from loadDemoCompany: truth_persons and the pipeline's).
import { sql, type Engine } from '../../src/store/index.js';

export interface GapScores {
  /** Planted missing ranges of single-category buyers with 3+ orders, and how many are listed as gaps. */
  readonly truth: number;
  readonly found: number;
  /** Their first gaps, how many are planted missing ranges, and the share an unbought range picked at random would hit. */
  readonly first: number;
  readonly firstHits: number;
  readonly chance: number;
}

export async function gapScores(engine: Engine): Promise<GapScores> {
  const [row] = await engine.query<{ truth: number; found: number; first: number; firstHits: number; chance: number }>(sql`
    WITH singles AS (SELECT t.person_id, t.missing_categories FROM truth_persons AS t JOIN customer_facts AS f ON f.person_id = t.person_id
      WHERE t.single_category = '1' AND f.orders >= 3),
    missing AS (SELECT person_id, unnest(string_split(missing_categories, ';')) AS category FROM singles)
    SELECT (SELECT count(*) FROM missing) AS truth,
      (SELECT count(*) FROM missing AS m JOIN customer_category_gaps AS g ON g.person_id = m.person_id AND g.category = m.category) AS found,
      (SELECT count(*) FROM customer_category_gaps WHERE gap_rank = 1 AND person_id IN (SELECT person_id FROM singles)) AS first,
      (SELECT count(*) FROM missing AS m JOIN customer_category_gaps AS g ON g.person_id = m.person_id AND g.category = m.category
        WHERE g.gap_rank = 1) AS firstHits,
      (SELECT avg(len(string_split(missing_categories, ';')) / 7.0) FROM singles) AS chance`);
  if (!row) throw new Error('no row');
  return { truth: Number(row.truth), found: Number(row.found), first: Number(row.first), firstHits: Number(row.firstHits), chance: Number(row.chance) };
}
