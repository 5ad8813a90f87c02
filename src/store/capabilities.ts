import { DuckDbEngine } from './duckdb-engine.js';
import type { Engine } from './engine.js';

/**
 * Settings of the datamart for a long-running server that loads events: on DuckDB, how much
 * write-ahead log a checkpoint waits for (`threshold`, validated by the configuration's schema as
 * a size such as 256MB, so no quote can reach the statement). A ClickHouse server keeps its own.
 */
export async function tuneForServing(engine: Engine, threshold: string): Promise<void> {
  if (engine instanceof DuckDbEngine) await engine.exec(`SET checkpoint_threshold = '${threshold}'`);
}

/**
 * Whether other processes may change the datamart while this one runs: a ClickHouse server takes
 * any number of clients (a `fidelis keys revoke` beside `fidelis serve`); a DuckDB file is held by
 * one process.
 */
export function sharedWithOtherProcesses(engine: Engine): boolean {
  // By dialect, not class: the server wraps its engine (SerialEngine).
  return engine.dialect.name !== 'duckdb';
}
