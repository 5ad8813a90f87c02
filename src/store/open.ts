import { ClickHouseEngine } from './clickhouse-engine.js';
import { DuckDbEngine, type DuckDbSettings } from './duckdb-engine.js';
import type { Engine } from './engine.js';
import { parseDbLocation } from '../config/db-location.js';
import { migrate } from './migrations.js';

/**
 * Opens the datamart and brings its schema up to date: a DuckDB file, or the ClickHouse database
 * of a `clickhouse://user:password@host:8123/database` URL, `?cluster=name` for a cluster (see
 * src/config/db-location.ts).
 */
export async function openStore(location: string, settings: DuckDbSettings = {}): Promise<Engine> {
  const where = parseDbLocation(location);
  const engine =
    where.engine === 'duckdb'
      ? await DuckDbEngine.open(where.path, settings)
      : await ClickHouseEngine.open(where.url, where.database, { username: where.username, password: where.password, location: where.display }, where.cluster);
  try {
    await migrate(engine);
  } catch (error) {
    await engine.close();
    throw error;
  }
  return engine;
}
