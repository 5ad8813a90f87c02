import { UnsupportedOnEngineError } from '../errors.js';
import { ClickHouseEngine } from './clickhouse-engine.js';
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

/**
 * Refuses work that needs one server's tables on a ClickHouse cluster (Distributed tables over
 * each node's local ones), with the same typed error.
 */
export function requireSingleServer(engine: Engine, what: string, reason: string): void {
  if (!(engine instanceof ClickHouseEngine) || engine.clusterName === null) return;
  throw new UnsupportedOnEngineError(what, `a ClickHouse cluster (${engine.clusterName})`, reason);
}
