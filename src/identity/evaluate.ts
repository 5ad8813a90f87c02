/**
 * Pairwise precision and recall of a record -> person map against a true one: of the pairs of
 * records put in one person, the share truly one person, and of the true pairs, the share found.
 * Pairs are counted from the cross-tabulation of true person x resolved person (a group of n
 * records holds n(n-1)/2 pairs), never listed.
 */
import { sql, type Engine } from '../store/index.js';

export interface PairScores {
  readonly records: number;
  readonly truePairs: number;
  readonly resolvedPairs: number;
  readonly correctPairs: number;
  readonly precision: number;
  readonly recall: number;
}

/** `truth`: a table (customer_id, person_id) of the true persons; compared with customer_persons. */
export async function pairScores(engine: Engine, truth = 'truth_records'): Promise<PairScores> {
  const joined = sql`SELECT t.person_id AS true_id, r.person_id AS resolved_id
    FROM ${sql.id(truth)} AS t JOIN customer_persons AS r ON r.customer_id = t.customer_id`;
  const pairs = (group: string): ReturnType<typeof sql> =>
    sql`SELECT sum(n * (n - 1) / 2) AS pairs, sum(n) AS records FROM (SELECT count(*) AS n FROM (${joined}) AS j GROUP BY ${sql.raw(group)}) AS g`;
  const [truePairs, resolvedPairs, correctPairs] = await Promise.all(
    ['true_id', 'resolved_id', 'true_id, resolved_id'].map(async (group) => {
      const [row] = await engine.query<{ pairs: number | null; records: number | null }>(pairs(group));
      return { pairs: Number(row?.pairs ?? 0), records: Number(row?.records ?? 0) };
    }),
  );
  const correct = correctPairs?.pairs ?? 0;
  const resolved = resolvedPairs?.pairs ?? 0;
  const truthful = truePairs?.pairs ?? 0;
  return {
    records: truePairs?.records ?? 0,
    truePairs: truthful,
    resolvedPairs: resolved,
    correctPairs: correct,
    precision: resolved === 0 ? 1 : correct / resolved,
    recall: truthful === 0 ? 1 : correct / truthful,
  };
}
