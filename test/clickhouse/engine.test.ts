import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseEngine, sql, SYSTEM_TABLES, TABLE_NAMES, tableSpec, type TableSpec } from '../../src/store/index.js';
import { migrate, MIGRATIONS } from '../../src/schema/index.js';
import { CLICKHOUSE_URL, scratchDatabase, skipWithoutClickHouse } from './server.js';

const skip = await skipWithoutClickHouse();

/** Strings the escaping must carry through unchanged: quotes, backslashes, control characters, unicode, SQL. */
const HOSTILE = [
  "O'Brien",
  "''",
  '\\',
  "\\'",
  "a\\'; DROP TABLE hostile; --",
  'back\\slash\\\\double',
  'line\nbreak\r\nand\ttab',
  'nul\0byte',
  '`backtick` "double" \'single\'',
  'Zoë Ça façon 東京 🚀 \u202e',
  '?',
  '$1',
  '{param:String}',
  '',
];

describe.skipIf(skip)('ClickHouse engine (real server)', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  beforeAll(async () => {
    db = await scratchDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('lets a GROUP BY or a sort spill to disk at half the per-query memory limit, where the server sets no threshold', async () => {
    const rows = await db.engine.query<{ name: string; value: string }>(`SELECT name, value FROM system.settings
      WHERE name IN ('max_memory_usage', 'max_bytes_before_external_group_by', 'max_bytes_before_external_sort') ORDER BY name`);
    const value = (name: string): number => Number(rows.find((r) => r.name === name)?.value);
    // .ci/clickhouse.sh gives queries 2 GB; the server's own default (10 GB) works the same way.
    expect(value('max_memory_usage')).toBeGreaterThan(0);
    expect(value('max_bytes_before_external_group_by')).toBe(Math.floor(value('max_memory_usage') / 2));
    expect(value('max_bytes_before_external_sort')).toBe(Math.floor(value('max_memory_usage') / 2));
  });

  it('round-trips hostile strings through a table, as values and in WHERE', async () => {
    const { engine } = db;
    const spec: TableSpec = {
      name: 'hostile',
      doc: '',
      key: ['id'],
      columns: [
        { name: 'id', type: 'int', required: true, doc: '' },
        { name: 'text', type: 'string', doc: '' },
      ],
    };
    await engine.exec(engine.dialect.createTable(spec));
    await engine.exec(sql`INSERT INTO hostile (id, text) VALUES ${sql.join(HOSTILE.map((text, id) => sql`(${id}, ${text})`))}`);
    const rows = await engine.query<{ id: number; text: string }>(sql`SELECT id, text FROM hostile ORDER BY id`);
    expect(rows.map((r) => r.text)).toEqual(HOSTILE);
    for (const [id, text] of HOSTILE.entries()) {
      expect(await engine.query(sql`SELECT id FROM hostile WHERE text = ${text}`)).toEqual([{ id }]);
    }
    expect(await engine.query(sql`SELECT count() AS n FROM hostile`)).toEqual([{ n: HOSTILE.length }]);
  });

  it('gives values the types DuckDbEngine gives: numbers, bigint past 2^53, Dates, null', async () => {
    const at = new Date('2024-03-31T14:05:06Z');
    const [row] = await db.engine.query(sql`SELECT toInt64(42) AS small, toInt64('9007199254740993') AS big,
      toDecimal64(12.5, 4) AS money, 0.25 AS float, ${at} AS at, toDate('2024-03-31') AS day,
      CAST(NULL AS Nullable(Int64)) AS nothing, ${true} AS yes, [toInt64(1), toInt64(2)] AS list, ${'x'} AS text`);
    expect(row).toEqual({
      small: 42,
      big: 9007199254740993n,
      money: 12.5,
      float: 0.25,
      at,
      day: new Date('2024-03-31T00:00:00Z'),
      nothing: null,
      yes: 1,
      list: [1, 2],
      text: 'x',
    });
  });

  it('reads a DateTime without its own timezone in the server timezone', async () => {
    const [row] = await db.engine.query<{ at: Date; text: string }>(
      sql`SELECT toDateTime('2024-07-01 12:00:00', 'Europe/Paris') AS at, toString(toDateTime('2024-07-01 12:00:00', 'Europe/Paris'), 'UTC') AS text`,
    );
    expect(row?.at).toEqual(new Date('2024-07-01T10:00:00Z'));
    expect(row?.text).toBe('2024-07-01 10:00:00');
  });

  it('refuses bound parameters and runs a transaction without atomicity', async () => {
    const { engine } = db;
    await engine.exec(sql`CREATE TABLE tx (n Int64) ENGINE = MergeTree ORDER BY n`);
    await expect(
      engine.transaction(async (tx) => {
        await tx.exec(sql`INSERT INTO tx VALUES (1)`);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    // No rollback on ClickHouse: what the work wrote stays.
    expect(await engine.query(sql`SELECT n FROM tx`)).toEqual([{ n: 1 }]);
  });

  it('returns from an ALTER TABLE ... DELETE or UPDATE once the rows are changed (18.16 runs mutations in the background)', async () => {
    const { engine } = db;
    await engine.exec(sql`CREATE TABLE mutated (k UInt32, v String) ENGINE = MergeTree ORDER BY k`);
    // Several parts, each rewritten by the mutation.
    for (let part = 0; part < 4; part++) await engine.exec(`INSERT INTO mutated SELECT number + ${part * 100} AS k, 'old' AS v FROM system.numbers LIMIT 100`);
    await engine.exec(sql`ALTER TABLE mutated DELETE WHERE k % 2 = 0`);
    expect(await engine.query(sql`SELECT count() AS n, countIf(k % 2 = 0) AS even FROM mutated`)).toEqual([{ n: 200, even: 0 }]);
    await engine.exec(sql`ALTER TABLE mutated UPDATE v = 'new' WHERE k < 100`);
    expect(await engine.query(sql`SELECT v, count() AS n FROM mutated GROUP BY v ORDER BY v`)).toEqual([{ v: 'new', n: 50 }, { v: 'old', n: 150 }]);
    expect(await engine.query(sql`SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND table = 'mutated' AND is_done = 0`)).toEqual([{ n: 0 }]);
  });

  it('a DISTINCT over a JOIN gives each row once when the left table is read in several streams (18.16 repeats them otherwise)', async () => {
    const { engine } = db;
    await engine.exec(sql`CREATE TABLE parts_left (k String, v Int64) ENGINE = MergeTree ORDER BY k`);
    await engine.exec(sql`CREATE TABLE parts_right (k String, w Int64) ENGINE = MergeTree ORDER BY k`);
    await engine.exec(sql`SYSTEM STOP MERGES parts_left`);
    // Four inserts, four parts, read by several threads.
    for (let i = 0; i < 4; i++) await engine.exec(sql`INSERT INTO parts_left SELECT toString(number % 7), number FROM system.numbers LIMIT 1000`);
    await engine.exec(sql`INSERT INTO parts_right SELECT toString(number), number FROM system.numbers LIMIT 7`);
    const [parts] = await engine.query<{ n: number }>(sql`SELECT count() AS n FROM system.parts WHERE database = currentDatabase() AND table = 'parts_left' AND active`);
    expect(parts?.n).toBeGreaterThan(1);
    const rows = await engine.query(sql`SELECT DISTINCT x.k AS k FROM parts_left AS x JOIN parts_right AS y ON y.k = x.k ORDER BY k SETTINGS max_threads = 4`);
    expect(rows).toEqual(['0', '1', '2', '3', '4', '5', '6'].map((k) => ({ k })));
  });

  it('migrate() creates every table as MergeTree ordered by its key, once', async () => {
    const { engine } = db;
    const first = await migrate(engine);
    expect(first.applied).toEqual(MIGRATIONS.map((m) => m.version));
    expect((await migrate(engine)).applied).toEqual([]);
    const tables = await engine.query<{ name: string; engine: string; sorting_key: string }>(
      sql`SELECT name, engine, sorting_key FROM system.tables WHERE database = currentDatabase()`,
    );
    const byName = new Map(tables.map((t) => [t.name, t]));
    for (const name of [...TABLE_NAMES, ...SYSTEM_TABLES.map((t) => t.name)]) {
      expect(byName.get(name)?.engine, name).toBe('ReplacingMergeTree');
    }
    expect(byName.get('order_lines')?.sorting_key).toBe('order_id, line_no');
    const recorded = await engine.query(sql`SELECT version, name FROM schema_migrations ORDER BY version`);
    expect(recorded).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
  });

  it('a migration adds a missing column with a plain ADD COLUMN, and skips a derived table not made yet', async () => {
    const other = await ClickHouseEngine.open(CLICKHOUSE_URL, `${db.engine.location.split('/').pop() ?? ''}_old`);
    try {
      const customers = tableSpec('customers');
      // A customers table from before migration 6: migration 1 (IF NOT EXISTS) leaves it as it is.
      await other.exec(other.dialect.createTable({ ...customers, columns: customers.columns.filter((c) => c.name !== 'street_address') }));
      await migrate(other);
      const columns = await other.query<{ name: string }>(other.dialect.tableColumns('customers'));
      expect(columns.map((c) => c.name)).toContain('street_address');
      expect(await other.query(other.dialect.tableColumns('person_profiles'))).toEqual([]);
    } finally {
      await other.exec(`DROP DATABASE IF EXISTS ${other.dialect.quoteIdent(other.location.split('/').pop() ?? '')}`);
      await other.close();
    }
  });
});
