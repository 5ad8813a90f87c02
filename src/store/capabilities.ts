import { UnsupportedOnEngineError } from '../errors.js';
import { DuckDbEngine } from './duckdb-engine.js';
import type { Engine } from './engine.js';

const ENGINE_NAMES = { duckdb: 'DuckDB', clickhouse: 'ClickHouse' } as const;

/**
 * Refuses, with a typed error naming the command and the engine, work that only DuckDB can do
 * yet (a command built on DuckDB's file readers or its database file), instead of letting it
 * fail deep inside with the engine's own message.
 */
export function requireDuckDb(engine: Engine, what: string, reason: string): asserts engine is DuckDbEngine {
  if (engine instanceof DuckDbEngine) return;
  const name = engine.dialect.name;
  throw new UnsupportedOnEngineError(what, ENGINE_NAMES[name], reason);
}
