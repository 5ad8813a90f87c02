import { extname } from 'node:path';
import { DOUBLE, DuckDBDataChunk, VARCHAR } from '@duckdb/node-api';
import { DuckDbEngine } from '../store/duckdb-engine.js';
import { sql } from '../store/sql.js';
import type { ClvScores } from './clv-run.js';

const CHUNK_ROWS = 2048;
/**
 * The `--out` file's columns are id, frequency, recency, T, monetary, then these (a contract:
 * users' scripts read them by name), then clv_lifetime with --lifetime. The scores are computed
 * here; the others come from the input (ClvScores or its summary file).
 */
const SCORE_COLUMNS = ['p_alive', 'expected_transactions', 'expected_spend', 'clv'] as const;

/**
 * Typed columns straight into DuckDB data chunks (as src/identity/bulk.ts uses the appender):
 * the engine's generic appendColumns takes plain arrays and checks each value's type, which cost
 * about 0.18 s of CPU a column of a million doubles; setting a chunk's double vector item by item
 * costs some 50 ms for four such columns (its typed array is private to @duckdb/node-api).
 */
async function appendColumns(engine: DuckDbEngine, table: string, columns: readonly (readonly string[] | Float64Array)[], rows: number): Promise<void> {
  const appender = await engine.connection.createAppender(table);
  try {
    const types = columns.map((column) => (column instanceof Float64Array ? DOUBLE : VARCHAR));
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const size = Math.min(CHUNK_ROWS, rows - start);
      const chunk = DuckDBDataChunk.create(types, size);
      columns.forEach((column, c) => {
        const vector = chunk.getColumnVector(c);
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
 * Writes one row per customer (CSV, or Parquet for a .parquet/.pq name) through DuckDB: the
 * score columns go to it as typed arrays, a data chunk at a time, and its writer formats the
 * numbers. Measured at 1M rows: JS's own number formatting (String(x), about 0.29 us a double)
 * cost 2.3 s of CPU for the eight numeric columns where DuckDB's CSV writer takes 1.3 to 1.7 s,
 * so the engine writes. For a summary file the id and input columns come from the table it was
 * read into (ClvInput.source, in the caller's engine), joined by position, so the ids never pass
 * through JS.
 */
export async function writeScores(file: string, scores: ClvScores): Promise<void> {
  const rows = scores.frequency.length;
  const ext = extname(file).toLowerCase();
  const format = sql.raw(ext === '.parquet' || ext === '.pq' ? 'FORMAT parquet' : 'FORMAT csv, HEADER true');
  // With --lifetime, clv_lifetime follows clv.
  const lifetime = scores.clv_lifetime ?? null;
  const scoreNames: readonly string[] = lifetime ? [...SCORE_COLUMNS, 'clv_lifetime'] : SCORE_COLUMNS;
  const scoreColumns: Float64Array[] = [...SCORE_COLUMNS.map((name) => scores[name]), ...(lifetime ? [lifetime] : [])];
  const scoreList = sql.raw(scoreNames.join(', '));
  const scoreTypes = sql.raw(scoreNames.map((name) => `${name} DOUBLE`).join(', '));
  if (scores.id === null && scores.source) {
    const source = scores.source;
    await source.engine.exec(sql`CREATE OR REPLACE TABLE clv_scores (${scoreTypes})`);
    await appendColumns(source.engine, 'clv_scores', scoreColumns, rows);
    // frequency is a count: written as one (3, not 3.0), as lifetimes' summaries have it.
    await source.engine.exec(sql`COPY (SELECT input.id AS id, CAST(input.x AS BIGINT) AS frequency, input.tx AS recency, input."T" AS "T",
      input.m AS monetary, ${scoreList} FROM (${source.select}) AS input POSITIONAL JOIN clv_scores) TO ${file} (${format})`);
    return;
  }
  // Scores of a transaction file: every column from JS, in an engine of their own.
  const engine = await DuckDbEngine.open(':memory:');
  try {
    await engine.exec(sql`CREATE OR REPLACE TABLE clv_scores (id VARCHAR, frequency DOUBLE, recency DOUBLE, "T" DOUBLE, monetary DOUBLE, ${scoreTypes})`);
    const ids = scores.id ?? Array.from({ length: rows }, (_, i) => String(i + 1));
    const inputs = (['frequency', 'recency', 'T', 'monetary'] as const).map((name) => scores[name]);
    await appendColumns(engine, 'clv_scores', [ids, ...inputs, ...scoreColumns], rows);
    await engine.exec(sql`COPY (SELECT id, CAST(frequency AS BIGINT) AS frequency, recency, "T", monetary, ${scoreList}
      FROM clv_scores) TO ${file} (${format})`);
  } finally {
    await engine.close();
  }
}
