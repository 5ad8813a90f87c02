import { describe, expect, it } from 'vitest';
import { ClickHouseDialect, DuckDbDialect } from './dialect/index.js';
import { DuckDbEngine } from './duckdb-engine.js';
import { tableSpec } from './schema.js';
import { compile, sql, type Sql } from './sql.js';

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

  it('a plain column is stored uncompressed on DuckDB (and as usual on ClickHouse)', async () => {
    const spec = { name: 'plain_t', doc: '', key: ['id'], columns: [
      { name: 'id', type: 'string', required: true, storage: 'plain', doc: '' },
      { name: 'kind', type: 'string', doc: '' },
    ] } as const;
    expect(new ClickHouseDialect().createTable(spec)).not.toMatch(/COMPRESSION|CODEC/);
    const engine = await DuckDbEngine.open(':memory:');
    try {
      const ddl = engine.dialect.createTable(spec);
      expect(ddl).toContain('"id" VARCHAR USING COMPRESSION uncompressed');
      expect(ddl).toMatch(/"kind" VARCHAR\n/);
      await engine.exec(ddl);
      await engine.exec(`INSERT INTO plain_t SELECT 'P' || (i % 1000), 'k' || (i % 3) FROM range(200000) AS r(i)`);
      await engine.exec('CHECKPOINT');
      const rows = await engine.query<{ column_name: string; compression: string }>(sql`SELECT DISTINCT column_name, compression
        FROM pragma_storage_info('plain_t') WHERE segment_type = 'VARCHAR' ORDER BY ALL`);
      expect(rows.filter((r) => r.column_name === 'id').map((r) => r.compression)).toEqual(['Uncompressed']);
      expect(rows.filter((r) => r.column_name === 'kind').map((r) => r.compression)).not.toContain('Uncompressed');
    } finally {
      await engine.close();
    }
  });

  it('capability flags say what ClickHouse 18.16 lacks', () => {
    const ch = new ClickHouseDialect();
    expect([ch.supportsWindowFunctions, ch.supportsCte, ch.supportsTransactions]).toEqual([false, false, false]);
  });
});

describe('top rows per group', () => {
  const top = { partitionBy: ['g'], orderBy: [{ column: 'score', descending: true }, { column: 'item' }], columns: ['item', 'score'], n: 2, rankAs: 'rank' };
  const from = sql`SELECT * FROM (VALUES ('a', 'x', 1.0), ('a', 'y', 3.0), ('a', 'z', 3.0), ('b', 'x', 2.0)) AS t(g, item, score)`;

  it('DuckDB numbers each group 1..n with a window function, ties broken by the next column', async () => {
    const engine = await DuckDbEngine.open(':memory:');
    const rows = await engine.query(sql`${engine.dialect.topPerGroup(from, top)} ORDER BY g, rank`);
    expect(rows).toEqual([
      { g: 'a', item: 'y', score: 3, rank: 1 },
      { g: 'a', item: 'z', score: 3, rank: 2 },
      { g: 'b', item: 'x', score: 2, rank: 1 },
    ]);
    await engine.close();
  });

  it('ClickHouse sorts an array of tuples per group (descending keys negated) and unfolds it', () => {
    const ch = new ClickHouseDialect();
    const text = compile(ch.topPerGroup(sql`SELECT * FROM t`, top), ch).text;
    expect(text).toContain('arraySlice(arraySort(groupArray(tuple(-toFloat64(`score`), `item`, `item`, `score`))), 1, 2)');
    expect(text).toContain('tupleElement(top_row, 3) AS `item`, tupleElement(top_row, 4) AS `score`, top_rank AS `rank`');
    expect(text).toContain('ARRAY JOIN top_rows AS top_row, arrayEnumerate(top_rows) AS top_rank');
    expect(text).not.toContain('OVER');
  });
});

describe('engine differences the domains ask the dialect for', () => {
  const duck = new DuckDbDialect();
  const ch = new ClickHouseDialect();

  it('a NULL placeholder of a UNION ALL branch gets the nullable column type of each engine', () => {
    expect(compile(duck.castToNullable(sql`NULL`, 'timestamp'), duck).text).toBe('CAST(NULL AS TIMESTAMP)');
    expect(compile(ch.castToNullable(sql`NULL`, 'timestamp'), ch).text).toBe("CAST(NULL AS Nullable(DateTime('UTC')))");
    expect(compile(ch.castToNullable(sql`x`, 'money'), ch).text).toBe('CAST(x AS Nullable(Decimal(18, 4)))');
  });

  it('rows read several times are computed once on DuckDB and a subquery at each use elsewhere', async () => {
    const build = (from: Sql): Sql => sql`SELECT (SELECT count(*) FROM ${from} AS f) + (SELECT sum(x) FROM ${from} AS f) AS n`;
    const rows = sql`SELECT 1 AS x UNION ALL SELECT 2`;
    expect(compile(duck.overMaterialized('facts', rows, build), duck).text).toMatch(/^WITH "facts" AS MATERIALIZED \(SELECT 1 AS x UNION ALL SELECT 2\) SELECT/);
    expect(compile(ch.overMaterialized('facts', rows, build), ch).text).not.toContain('WITH');
    const engine = await DuckDbEngine.open(':memory:');
    expect(await engine.query(duck.overMaterialized('facts', rows, build))).toEqual([{ n: 5 }]);
    await engine.close();
  });

  it('a rolling count over a time range runs on DuckDB and is absent on ClickHouse', async () => {
    expect(ch.rollingCount(sql`p`, sql`t`, 1)).toBeNull();
    const count = duck.rollingCount(sql`p`, sql`t`, 2 * 86_400_000_000 - 1);
    if (count === null) throw new Error('DuckDB has window functions');
    const engine = await DuckDbEngine.open(':memory:');
    const rows = await engine.query<{ t: string; n: number }>(sql`SELECT CAST(t AS VARCHAR) AS t, ${count} AS n
      FROM (VALUES ('a', TIMESTAMP '2024-01-01'), ('a', TIMESTAMP '2024-01-02'), ('a', TIMESTAMP '2024-01-03'), ('b', TIMESTAMP '2024-01-03')) AS v(p, t) WHERE p = 'a' ORDER BY t`);
    // Two days back from each contact, itself included: the 3rd sees the 2nd, not the 1st.
    expect(rows.map((r) => Number(r.n))).toEqual([1, 2, 2]);
    await engine.close();
  });
});

describe('distinct values of a group as one text', () => {
  it('sorts them by their bytes, keeps each once, leaves NULLs out and gives NULL for a group of NULLs (DuckDB)', async () => {
    const engine = await DuckDbEngine.open(':memory:');
    try {
      const rows = await engine.query<{ g: string; v: string | null }>(sql`SELECT g, ${engine.dialect.distinctList(sql`v`)} AS v
        FROM (VALUES ('a', 'b'), ('a', NULL), ('a', 'a'), ('a', 'b'), ('b', NULL), ('c', 'É'), ('c', 'e'), ('c', ''), ('c', 'Z')) AS t(g, v)
        GROUP BY g ORDER BY g`);
      expect(rows).toEqual([
        { g: 'a', v: 'a,b' },
        { g: 'b', v: null },
        { g: 'c', v: ',Z,e,É' },
      ]);
    } finally {
      await engine.close();
    }
  });
});
