import { sql, type Engine } from '../../store/index.js';

/**
 * The date pressure is judged at when none is given: the as-of date of the latest `fidelis run`
 * (what the dashboard shows; a daily run keeps it at today), else now.
 */
export async function defaultPressureAsOf(engine: Engine): Promise<Date> {
  const [row] = await engine.query<{ as_of: Date | null }>(sql`SELECT as_of FROM pipeline_runs ORDER BY finished_at DESC LIMIT 1`);
  return row?.as_of instanceof Date ? row.as_of : new Date();
}
