import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/collect/index.js';
import { parseConfig, type Config } from '../../src/config/index.js';
import { generateDemoCompany } from '../../src/generate/index.js';
import { PIPELINE } from '../../src/pipeline/index.js';
import { migrate, openStore, sql, TABLES, type Engine, type Row, type TableSpec } from '../../src/store/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { copyTables } from './copy-tables.js';
import { scratchDatabase, skipWithoutClickHouse } from './server.js';

const skip = await skipWithoutClickHouse();

/** The steps that run on ClickHouse 18.16 (docs/clickhouse.md lists the others), in pipeline order. */
const CLICKHOUSE_STEPS = ['order_facts', 'customer_facts', 'rfm', 'attachment', 'strategic_grid'];

const PERSONS: TableSpec = {
  name: 'customer_persons',
  doc: 'identity resolution output, copied from DuckDB',
  key: [],
  columns: [
    { name: 'customer_id', type: 'string', required: true, doc: '' },
    { name: 'person_id', type: 'string', required: true, doc: '' },
  ],
};

/** A table's rows sorted by `key`, with values compared across engines (0/1 for booleans, Dates as ISO text). */
async function rowsOf(engine: Engine, table: string, key: string): Promise<Row[]> {
  const rows = await engine.query(sql`SELECT * FROM ${sql.id(table)} ORDER BY ${sql.id(key)}`);
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([column, value]) => [
        column,
        value instanceof Date ? value.toISOString() : typeof value === 'boolean' ? Number(value) : typeof value === 'bigint' ? Number(value) : value,
      ]),
    ),
  );
}

/** Every column equal, floats to 1e-9 relative (the engines sum in different orders). */
function expectSameRows(clickhouse: Row[], duckdb: Row[], table: string): void {
  expect(duckdb.length, `${table} rows`).toBeGreaterThan(0);
  expect(clickhouse.length, `${table} rows`).toBe(duckdb.length);
  expect(Object.keys(clickhouse[0] ?? {}).sort(), `${table} columns`).toEqual(Object.keys(duckdb[0] ?? {}).sort());
  duckdb.forEach((expected, i) => {
    const actual = clickhouse[i] as Row;
    for (const [column, value] of Object.entries(expected)) {
      const got = actual[column];
      const where = `${table} row ${i} (${JSON.stringify(expected[Object.keys(expected)[0] ?? ''])}) column ${column}`;
      if (typeof value === 'number' && typeof got === 'number') expect(got, where).toBeCloseTo(value, Math.max(0, 9 - Math.ceil(Math.log10(Math.abs(value) + 1))));
      else expect(got, where).toEqual(value);
    }
  });
}

describe.skipIf(skip)('the pipeline on ClickHouse gives the figures it gives on DuckDB', () => {
  let duckdb: Engine;
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let config: Config;

  beforeAll(async () => {
    const dir = join(tempDir(), 'company');
    await generateDemoCompany({ customers: 300, seed: 11, outDir: dir, format: 'csv' });
    duckdb = await openStore(':memory:');
    await importFiles(duckdb, [dir]);
    config = parseConfig({});
    const [last] = await duckdb.query<{ at: Date }>(sql`SELECT max(ordered_at) AS at FROM orders`);
    const asOf = last?.at ?? new Date();
    const warn = (): void => undefined;
    const step = (name: string) => PIPELINE.find((s) => s.name === name) ?? { name, run: () => Promise.reject(new Error(`no step ${name}`)) };
    // Identity resolution runs on DuckDB only; its output is copied as a fixture with the datamart.
    await step('customer_persons').run({ engine: duckdb, config, asOf, warn });
    db = await scratchDatabase();
    await migrate(db.engine);
    await db.engine.exec(db.engine.dialect.createTable(PERSONS));
    await copyTables(duckdb, db.engine, [...TABLES, PERSONS]);
    for (const name of CLICKHOUSE_STEPS) {
      for (const engine of [duckdb, db.engine]) await step(name).run({ engine, config, asOf, warn });
    }
  });
  afterAll(async () => {
    await db?.drop();
    await duckdb?.close();
  });

  it('holds the same datamart after the copy', async () => {
    for (const table of ['customers', 'orders', 'order_lines', 'returns', 'tickets', 'contacts', 'customer_persons']) {
      const count = sql`SELECT count(*) AS n FROM ${sql.id(table)}`;
      expect(await db.engine.query(count), table).toEqual(await duckdb.query(count));
    }
  });

  it('order_facts: revenue, cost, margin, refunds per order', async () => {
    expectSameRows(await rowsOf(db.engine, 'order_facts', 'order_id'), await rowsOf(duckdb, 'order_facts', 'order_id'), 'order_facts');
  });

  it('customer_facts: per-person orders, revenue, margin, costs and net contribution', async () => {
    const facts = await rowsOf(duckdb, 'customer_facts', 'person_id');
    expect(facts.filter((f) => Number(f.orders) > 0).length).toBeGreaterThan(100);
    expectSameRows(await rowsOf(db.engine, 'customer_facts', 'person_id'), facts, 'customer_facts');
    const period = sql`SELECT person_id, CAST(period AS VARCHAR) AS period, revenue, contribution FROM customer_period_value ORDER BY person_id, period`;
    const periodCh = sql`SELECT person_id, toString(period) AS period, revenue, contribution FROM customer_period_value ORDER BY person_id, period`;
    expectSameRows(await db.engine.query(periodCh), await duckdb.query(period), 'customer_period_value');
  });

  it('rfm: the same scores, codes and segments for every buyer', async () => {
    expectSameRows(await rowsOf(db.engine, 'customer_rfm', 'person_id'), await rowsOf(duckdb, 'customer_rfm', 'person_id'), 'customer_rfm');
  });

  it('attachment and the strategic grid', async () => {
    expectSameRows(await rowsOf(db.engine, 'customer_attachment', 'person_id'), await rowsOf(duckdb, 'customer_attachment', 'person_id'), 'customer_attachment');
    expectSameRows(await rowsOf(db.engine, 'customer_grid', 'person_id'), await rowsOf(duckdb, 'customer_grid', 'person_id'), 'customer_grid');
  });
});
