// What differs between engines, as one base class and a small subclass per engine.
export { Dialect } from './base.js';
export { DuckDbDialect } from './duckdb.js';
export { ClickHouseDialect } from './clickhouse.js';
