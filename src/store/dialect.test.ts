import { describe, expect, it } from 'vitest';
import { ClickHouseDialect, DuckDbDialect } from './dialect.js';
import { tableSpec } from './schema.js';
import { compile, sql } from './sql.js';

describe('one table spec gives each engine its DDL', () => {
  it('DuckDB stores money as DECIMAL(18,4) and timestamps as TIMESTAMP', () => {
    const ddl = new DuckDbDialect().createTable(tableSpec('order_lines'));
    expect(ddl).toContain('"unit_price" DECIMAL(18, 4)');
    expect(ddl).toContain('"line_no" BIGINT');
  });

  it('ClickHouse gets Nullable optional columns and a ReplacingMergeTree keyed by the natural key', () => {
    const ddl = new ClickHouseDialect().createTable(tableSpec('order_lines'));
    expect(ddl).toContain('`unit_price` Decimal(18, 4)');
    expect(ddl).toContain('`discount` Nullable(Decimal(18, 4))');
    expect(ddl).toMatch(/ENGINE = ReplacingMergeTree ORDER BY \(`order_id`, `line_no`\)$/);
  });

  it('derived tables get an engine clause on ClickHouse only', () => {
    const query = sql`SELECT 1 AS x`;
    expect(compile(new DuckDbDialect().createTableAs('t', query), new DuckDbDialect()).text).toBe(
      'CREATE TABLE "t" AS SELECT 1 AS x',
    );
    expect(compile(new ClickHouseDialect().createTableAs('t', query), new ClickHouseDialect()).text).toBe(
      'CREATE TABLE `t` ENGINE = MergeTree ORDER BY tuple() AS SELECT 1 AS x',
    );
  });

  it('capability flags say what ClickHouse 18.16 lacks', () => {
    const ch = new ClickHouseDialect();
    expect([ch.supportsWindowFunctions, ch.supportsCte, ch.supportsTransactions]).toEqual([false, false, false]);
  });
});
