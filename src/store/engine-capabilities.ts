import { ClickHouseEngine } from './clickhouse-engine.js';
import type { Engine } from './engine.js';

/**
 * What a pipeline step may need of an engine beyond the SQL every engine runs (PipelineStep.requires),
 * with how a message names it. Most steps need none: where an engine lacks something they take a
 * fallback (a capability flag of the dialect chooses it); a step lists here only what it cannot
 * do without, and the runner refuses it up front on an engine that lacks it.
 */
export const ENGINE_CAPABILITIES = {
  windowFunctions: 'window functions',
  cte: 'common table expressions (WITH)',
  multipleJoins: 'several JOINs in one query',
  transactions: 'transactions',
  jsonDocuments: 'JSON documents built in SQL',
  columnReads: 'results read column by column',
  columnAppends: 'rows appended column by column',
  formatStreams: "inserts streamed in the server's own input formats",
  singleServer: 'all tables on one server (not a cluster)',
} as const;

export type EngineCapability = keyof typeof ENGINE_CAPABILITIES;

/** The capabilities an engine has: its dialect's flags, the optional Engine methods it implements, one server or a cluster. */
export function engineCapabilities(engine: Engine): ReadonlySet<EngineCapability> {
  const d = engine.dialect;
  const has: Record<EngineCapability, boolean> = {
    windowFunctions: d.supportsWindowFunctions,
    cte: d.supportsCte,
    multipleJoins: d.supportsMultipleJoins,
    transactions: d.supportsTransactions,
    jsonDocuments: d.supportsJsonDocuments,
    columnReads: engine.queryColumns !== undefined || engine.queryColumnBatches !== undefined,
    columnAppends: engine.appendColumns !== undefined,
    formatStreams: engine.insertStream !== undefined,
    singleServer: !(engine instanceof ClickHouseEngine && engine.clusterName !== null),
  };
  return new Set((Object.keys(has) as EngineCapability[]).filter((c) => has[c]));
}

/** The engine as a message names it: DuckDB, ClickHouse, or a ClickHouse cluster (its name). */
export function engineLabel(engine: Engine): string {
  return engine instanceof ClickHouseEngine && engine.clusterName !== null ? `a ClickHouse cluster (${engine.clusterName})` : engine.dialect.engineName;
}
