import { InvalidArgumentError, Option } from 'commander';
import { loadConfig, type Config } from '../config/index.js';
import { openStore, type Engine } from '../store/index.js';

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
}

export function isoDate(value: string): Date {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59.999Z` : value);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError('expected a date such as 2026-06-30');
  return d;
}

export const dbOption = (): Option =>
  new Option(
    '--db <path|url>',
    'database file, or a ClickHouse database as clickhouse://user:password@host:8123/database (default: FIDELIS_DB, else "db" in the config, else ./fidelis.duckdb)',
  );
export const configOption = (): Option =>
  new Option('--config <file>', 'configuration file (default: ./fidelis.config.json when present)');
export const jsonOption = (): Option => new Option('--json', 'print one JSON object instead of text');

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

export function printJson(value: unknown): void {
  process.stdout.write(
    `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2)}\n`,
  );
}
