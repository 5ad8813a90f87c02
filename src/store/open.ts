import { ClickHouseEngine } from './clickhouse-engine.js';
import { DuckDbEngine, type DuckDbSettings } from './duckdb-engine.js';
import type { Engine } from './engine.js';
import { parseDbLocation } from '../config/db-location.js';

/**
 * Opens the engine of a location: a DuckDB file, or the ClickHouse database of a
 * `clickhouse://user:password@host:8123/database` URL, `?cluster=name` for a cluster (see
 * src/config/db-location.ts). The schema is not touched: src/schema's openStore opens and migrates.
 */
export async function openEngine(location: string, settings: DuckDbSettings = {}): Promise<Engine> {
  const where = parseDbLocation(location);
  return where.engine === 'duckdb'
    ? await DuckDbEngine.open(where.path, settings)
    : await ClickHouseEngine.open(where.url, where.database, { username: where.username, password: where.password, location: where.display }, where.cluster);
}
