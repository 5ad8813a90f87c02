export { sql, compile, Sql } from './sql.js';
export type { SqlValue, CompiledSql } from './sql.js';
export { Dialect, DuckDbDialect, ClickHouseDialect } from './dialect.js';
export type { Engine, Row } from './engine.js';
export { DuckDbEngine } from './duckdb-engine.js';
export { migrate, MIGRATIONS } from './migrations.js';
export * from './schema.js';
export { openStore } from './open.js';
