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
 * about 0.18 s of CPU a column of a million doubles; filling a chunk's double vector is a typed
 * array copy.
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
 * Writes one row per customer (CSV, or Parquet for a .parquet/.pq name) through the engine: the
 * score columns go to it as typed arrays, a data chunk at a time, and its writer formats the
 * numbers, where building a million lines in JS took longer than the fit. For a summary file the
 * id and input columns are read again from it by the same query and joined by position (DuckDB
 * keeps a file's row order), so the ids never pass through JS.
 */
export async function writeScores(file: string, scores: ClvScores): Promise<void> {
  const engine = await DuckDbEngine.open(':memory:');
  try {
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
      await engine.exec(sql`CREATE TABLE clv_scores (${scoreTypes})`);
      await appendColumns(engine, 'clv_scores', scoreColumns, rows);
      // frequency is a count: written as one (3, not 3.0), as lifetimes' summaries have it.
      await engine.exec(sql`COPY (SELECT input.id AS id, CAST(input.x AS BIGINT) AS frequency, input.tx AS recency, input."T" AS "T",
        input.m AS monetary, ${scoreList} FROM (${scores.source.select}) AS input POSITIONAL JOIN clv_scores) TO ${file} (${format})`);
      return;
    }
    await engine.exec(sql`CREATE TABLE clv_scores (id VARCHAR, frequency DOUBLE, recency DOUBLE, "T" DOUBLE, monetary DOUBLE, ${scoreTypes})`);
    const ids = scores.id ?? Array.from({ length: rows }, (_, i) => String(i + 1));
    const inputs = (['frequency', 'recency', 'T', 'monetary'] as const).map((name) => scores[name]);
    await appendColumns(engine, 'clv_scores', [ids, ...inputs, ...scoreColumns], rows);
    await engine.exec(sql`COPY (SELECT id, CAST(frequency AS BIGINT) AS frequency, recency, "T", monetary, ${scoreList}
      FROM clv_scores) TO ${file} (${format})`);
  } finally {
    await engine.close();
  }
}
