import type { Column, Engine, Row } from './engine.js';
import type { Sql } from './sql.js';

/**
 * Read-only queries spread over several connections to one database, so that reads (profile
 * lookups, dashboard pages) run side by side and never queue behind the event loader's writes
 * on the main connection. Each query goes to the connection with the fewest queries in flight.
 */
export class ReadPool implements Engine {
  private readonly inFlight: number[];

  constructor(
    private readonly engines: readonly Engine[],
    /** False when the pool borrows the main engine itself (engines without extra connections). */
    private readonly ownsEngines = true,
  ) {
    if (engines.length === 0) throw new Error('ReadPool needs at least one connection');
    this.inFlight = engines.map(() => 0);
  }

  get dialect(): Engine['dialect'] {
    return this.first.dialect;
  }

  get location(): string {
    return this.first.location;
  }

  get size(): number {
    return this.engines.length;
  }

  private get first(): Engine {
    return this.engines[0] as Engine;
  }

  private async run<T>(work: (engine: Engine) => Promise<T>): Promise<T> {
    let best = 0;
    for (let i = 1; i < this.inFlight.length; i++) if ((this.inFlight[i] ?? 0) < (this.inFlight[best] ?? 0)) best = i;
    this.inFlight[best] = (this.inFlight[best] ?? 0) + 1;
    try {
      return await work(this.engines[best] as Engine);
    } finally {
      this.inFlight[best] = (this.inFlight[best] ?? 1) - 1;
    }
  }

  /** Statements that read (SET, PRAGMA...) only: writes belong on the main connection. */
  exec(query: Sql | string): Promise<void> {
    return this.run((engine) => engine.exec(query));
  }

  query<T extends Row = Row>(query: Sql | string): Promise<T[]> {
    return this.run((engine) => engine.query<T>(query));
  }

  queryColumns(query: Sql | string): Promise<Column[]> {
    return this.run((engine) => (engine.queryColumns ? engine.queryColumns(query) : Promise.reject(new Error('queryColumns is not supported'))));
  }

  /** A read transaction: one connection, one consistent view for every query of `work`. */
  transaction<T>(work: (engine: Engine) => Promise<T>): Promise<T> {
    return this.run((engine) => engine.transaction(work));
  }

  async close(): Promise<void> {
    if (!this.ownsEngines) return;
    for (const engine of this.engines) await engine.close();
  }
}

/** `count` more connections to the database of a DuckDB engine, as a pool (engines without extra connections share themselves). */
export async function openReadPool(engine: Engine, count: number): Promise<ReadPool> {
  const more = (engine as { connectAgain?: (options: { cacheStatements?: boolean }) => Promise<Engine> }).connectAgain;
  if (!more) return new ReadPool([engine], false);
  const engines: Engine[] = [];
  for (let i = 0; i < count; i++) engines.push(await more.call(engine, { cacheStatements: true }));
  return new ReadPool(engines);
}
