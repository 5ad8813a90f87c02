import type { Dialect } from './dialect.js';
import type { Sql } from './sql.js';

export type Row = Record<string, unknown>;

/** A connection to one SQL engine. Queries are built once with `sql` and compiled by the dialect. */
export interface Engine {
  readonly dialect: Dialect;
  /** Where the data lives (file path, or URL for a server). */
  readonly location: string;
  exec(query: Sql | string): Promise<void>;
  /** Rows as plain objects; integers come back as numbers when they fit, money as numbers. */
  query<T extends Row = Row>(query: Sql | string): Promise<T[]>;
  /** Runs `work` atomically where the engine supports it: all of it is written, or none. */
  transaction<T>(work: (engine: Engine) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
