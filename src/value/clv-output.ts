import { extname } from 'node:path';
import { DuckDbEngine, sql } from '../store/index.js';
import type { ClvScores } from './clv-run.js';

/** The `--out` file's columns, in order (a contract: users' scripts read them by name). */
const COLUMNS = ['id', 'frequency', 'recency', 'T', 'monetary', 'p_alive', 'expected_transactions', 'expected_spend', 'clv'] as const;

/**
 * Writes one row per customer (CSV, or Parquet for a .parquet/.pq name) through the engine: the
 * score columns go to it as typed arrays, a data chunk at a time, and its writer formats the
 * numbers, where building a million lines in JS took longer than the fit.
 */
export async function writeScores(file: string, scores: ClvScores): Promise<void> {
  const engine = await DuckDbEngine.open(':memory:');
  try {
    await engine.exec(sql`CREATE TABLE clv_scores (id VARCHAR, frequency DOUBLE, recency DOUBLE, "T" DOUBLE, monetary DOUBLE,
      p_alive DOUBLE, expected_transactions DOUBLE, expected_spend DOUBLE, clv DOUBLE)`);
    // appendColumns takes plain arrays; a double array of a million values is one copy, no object per row.
    const columns = COLUMNS.map((name): readonly (string | number)[] => {
      const column: readonly string[] | Float64Array = scores[name];
      return column instanceof Float64Array ? Array.from(column) : column;
    });
    await engine.appendColumns('clv_scores', columns, scores.id.length);
    const ext = extname(file).toLowerCase();
    const format = sql.raw(ext === '.parquet' || ext === '.pq' ? 'FORMAT parquet' : 'FORMAT csv, HEADER true');
    // frequency is a count: written as one (3, not 3.0), as lifetimes' summaries have it.
    await engine.exec(sql`COPY (SELECT id, CAST(frequency AS BIGINT) AS frequency, recency, "T", monetary, p_alive, expected_transactions,
      expected_spend, clv FROM clv_scores) TO ${file} (${format})`);
  } finally {
    await engine.close();
  }
}
