import { extname } from 'node:path';
import { DOUBLE, DuckDBDataChunk, VARCHAR } from '@duckdb/node-api';
import { DuckDbEngine, sql } from '../store/index.js';
import type { ClvScores } from './clv-run.js';

/** The `--out` file's columns, in order (a contract: users' scripts read them by name). */
const COLUMNS = ['id', 'frequency', 'recency', 'T', 'monetary', 'p_alive', 'expected_transactions', 'expected_spend', 'clv'] as const;

const CHUNK_ROWS = 2048;

/**
 * The typed columns straight into DuckDB data chunks (as src/identity/bulk.ts uses the appender):
 * the engine's generic appendColumns takes plain arrays and checks each value's type, which cost
 * about 0.18 s of CPU a column of a million doubles; filling a chunk's double vector is a typed
 * array copy.
 */
async function appendScores(engine: DuckDbEngine, scores: ClvScores): Promise<void> {
  const appender = await engine.connection.createAppender('clv_scores');
  try {
    const types = COLUMNS.map((name) => (name === 'id' ? VARCHAR : DOUBLE));
    const rows = scores.id.length;
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const size = Math.min(CHUNK_ROWS, rows - start);
      const chunk = DuckDBDataChunk.create(types, size);
      COLUMNS.forEach((name, c) => {
        const vector = chunk.getColumnVector(c);
        const column = scores[name];
        for (let i = 0; i < size; i++) vector.setItem(i, column[start + i] ?? null);
        vector.flush();
      });
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

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
    await appendScores(engine, scores);
    const ext = extname(file).toLowerCase();
    const format = sql.raw(ext === '.parquet' || ext === '.pq' ? 'FORMAT parquet' : 'FORMAT csv, HEADER true');
    // frequency is a count: written as one (3, not 3.0), as lifetimes' summaries have it.
    await engine.exec(sql`COPY (SELECT id, CAST(frequency AS BIGINT) AS frequency, recency, "T", monetary, p_alive, expected_transactions,
      expected_spend, clv FROM clv_scores) TO ${file} (${format})`);
  } finally {
    await engine.close();
  }
}
