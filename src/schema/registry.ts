import { ACTIVATION_MIGRATIONS } from '../activation/index.js';
import { EVENT_MIGRATIONS } from '../collect/index.js';
import { IDENTITY_MIGRATIONS } from '../identity/index.js';
import { PRIVACY_MIGRATIONS } from '../privacy/index.js';
import { applyMigrations, openEngine, orderMigrations, STORE_MIGRATIONS, type DuckDbSettings, type Engine, type MigrationReport } from '../store/index.js';

/**
 * Every schema change of the datamart, in version order: the store's own tables and those each
 * domain hands in. The list sits above the domains so that the store imports none of them (the
 * cycle store -> migrations -> domain tables -> store is gone); a domain with new tables adds its
 * migrations here.
 */
export const MIGRATIONS = orderMigrations([STORE_MIGRATIONS, EVENT_MIGRATIONS, IDENTITY_MIGRATIONS, PRIVACY_MIGRATIONS, ACTIVATION_MIGRATIONS]);

/** Brings a database's schema up to date. */
export function migrate(engine: Engine): Promise<MigrationReport> {
  return applyMigrations(engine, MIGRATIONS);
}

/**
 * Opens the datamart and brings its schema up to date: a DuckDB file, or the ClickHouse database
 * of a `clickhouse://user:password@host:8123/database` URL, `?cluster=name` for a cluster (see
 * src/config/db-location.ts).
 */
export async function openStore(location: string, settings: DuckDbSettings = {}): Promise<Engine> {
  const engine = await openEngine(location, settings);
  try {
    await migrate(engine);
  } catch (error) {
    await engine.close();
    throw error;
  }
  return engine;
}
