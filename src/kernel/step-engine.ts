import type { Dialect, Engine } from '../store/index.js';
import type { PipelineStep } from './step.js';

/**
 * The engine a step runs on: the same connection, with a dialect on which a table the step makes
 * through `createTableAs` (replaceTable, the buckets...) and does not declare in its `writes` is
 * a scratch table (Dialect.createScratchTableAs: TEMP on DuckDB, which spares writing and
 * compressing tables the step drops before it commits). The declared tables are made as before,
 * so what a later step or a later process reads is unchanged. A step run outside the runner
 * (tests) makes every table as a derived table.
 */
export function stepEngine(engine: Engine, step: Pick<PipelineStep, 'writes'>): Engine {
  const kept = new Set(step.writes);
  const base = engine.dialect;
  const dialect = Object.create(base) as Dialect;
  dialect.createTableAs = (name, query) => (kept.has(name) ? base.createTableAs(name, query) : base.createScratchTableAs(name, query));
  return new Proxy(engine, {
    get(target, key) {
      if (key === 'dialect') return dialect;
      const value: unknown = Reflect.get(target, key, target);
      // Methods run on the engine itself: its own fields (the transaction state, the statement cache) stay its.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
