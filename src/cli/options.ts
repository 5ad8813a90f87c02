import { Option } from 'commander';
import { loadConfig, type Config } from '../config/index.js';
import type { Engine } from '../store/index.js';
import { openStore } from '../schema/index.js';

// The parsers and output helpers live apart so that `fidelis clv` (clv-main.ts) loads them without config and store.
export { integer, isoDate, jsonOption, positiveInteger, printJson } from './option-values.js';

export const dbOption = (): Option =>
  new Option(
    '--db <path|url>',
    'database file, or a ClickHouse database as clickhouse://user:password@host:8123/database (default: FIDELIS_DB, else "db" in the config, else ./fidelis.duckdb)',
  );
export const configOption = (): Option =>
  new Option('--config <file>', 'configuration file (default: ./fidelis.config.json when present)');

export interface StoreOptions {
  db?: string;
  config?: string;
}

export function configFrom(options: StoreOptions): Config {
  return loadConfig(options.config, { db: options.db });
}

/** Opens the datamart named by the options, runs `work`, and always closes it. */
export async function withStore<T>(
  options: StoreOptions,
  work: (engine: Engine, config: Config) => Promise<T>,
): Promise<T> {
  const config = configFrom(options);
  const engine = await openStore(config.db, config.duckdb);
  try {
    return await work(engine, config);
  } finally {
    await engine.close();
  }
}
