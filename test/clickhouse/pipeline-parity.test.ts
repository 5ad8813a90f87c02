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
const CLICKHOUSE_STEPS = ['order_facts', 'customer_facts', 'rfm', 'clv', 'referral_value', 'purchase_lines', 'attachment', 'strategic_grid', 'pareto', 'digital_maturity', 'category_affinity', 'associations'];

const PERSONS: TableSpec = {
  name: 'customer_persons',
  doc: 'identity resolution output, copied from DuckDB',
  key: [],
  columns: [
    { name: 'customer_id', type: 'string', required: true, doc: '' },
    { name: 'person_id', type: 'string', required: true, doc: '' },
  ],
};

/** A table's rows sorted by its key columns, with values compared across engines (0/1 for booleans, Dates as ISO text). */
async function rowsOf(engine: Engine, table: string, ...key: string[]): Promise<Row[]> {
  const rows = await engine.query(sql`SELECT * FROM ${sql.id(table)} ORDER BY ${sql.join(key.map((k) => sql.id(k)))}`);
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([column, value]) => [
        column,
        value instanceof Date ? value.toISOString() : typeof value === 'boolean' ? Number(value) : typeof value === 'bigint' ? Number(value) : value,
      ]),
    ),
  );
}

/**
 * Every column equal, floats to 1e-8 relative (the engines sum in different orders); the CLV
 * predictions, which go through more floating-point steps on each engine, to 1e-6.
 */
function expectSameRows(clickhouse: Row[], duckdb: Row[], table: string, tolerance = 1e-8): void {
  expect(duckdb.length, `${table} rows`).toBeGreaterThan(0);
  expect(clickhouse.length, `${table} rows`).toBe(duckdb.length);
  expect(Object.keys(clickhouse[0] ?? {}).sort(), `${table} columns`).toEqual(Object.keys(duckdb[0] ?? {}).sort());
  duckdb.forEach((expected, i) => {
    const actual = clickhouse[i] as Row;
    for (const [column, value] of Object.entries(expected)) {
      const got = actual[column];
      const where = `${table} row ${i} (${JSON.stringify(expected[Object.keys(expected)[0] ?? ''])}) column ${column}`;
      if (typeof value === 'number' && typeof got === 'number') {
        expect(Math.abs(got - value), `${where}: ${got} vs ${value}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(value)));
      } else expect(got, where).toEqual(value);
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

  it('clv and referral value: the same model inputs, predictions and referred value', async () => {
    expectSameRows(await rowsOf(db.engine, 'customer_clv', 'person_id'), await rowsOf(duckdb, 'customer_clv', 'person_id'), 'customer_clv', 1e-6);
    // The fitted parameters themselves differ in the 6th digit (the optimiser amplifies the last bits of the sums).
    const model = sql`SELECT model, customers, groups_count, log_likelihood FROM clv_model`;
    expectSameRows(await db.engine.query(model), await duckdb.query(model), 'clv_model', 1e-6);
    expectSameRows(
      await rowsOf(db.engine, 'customer_referral_value', 'person_id'),
      await rowsOf(duckdb, 'customer_referral_value', 'person_id'),
      'customer_referral_value',
      1e-6,
    );
  });

  it('purchase lines, category affinities and associations', async () => {
    const lineKey = ['order_id', 'sku', 'quantity', 'revenue'];
    expectSameRows(await rowsOf(db.engine, 'person_purchase_lines', ...lineKey), await rowsOf(duckdb, 'person_purchase_lines', ...lineKey), 'person_purchase_lines');
    for (const [table, ...key] of [
      ['customer_category_affinity', 'person_id', 'category'],
      ['category_associations', 'antecedent', 'consequent'],
    ] as const) {
      expectSameRows(await rowsOf(db.engine, table, ...key), await rowsOf(duckdb, table, ...key), table);
    }
  });

  it('digital maturity: the same signals, scores, types and online moves', async () => {
    expectSameRows(await rowsOf(db.engine, 'customer_digital', 'person_id'), await rowsOf(duckdb, 'customer_digital', 'person_id'), 'customer_digital');
  });

  it('the Pareto table', async () => {
    expectSameRows(await rowsOf(db.engine, 'pareto_table', 'measure', 'customer_share'), await rowsOf(duckdb, 'pareto_table', 'measure', 'customer_share'), 'pareto_table', 1e-6);
  });

  it('attachment and the strategic grid', async () => {
    expectSameRows(await rowsOf(db.engine, 'customer_attachment', 'person_id'), await rowsOf(duckdb, 'customer_attachment', 'person_id'), 'customer_attachment');
    expectSameRows(await rowsOf(db.engine, 'customer_grid', 'person_id'), await rowsOf(duckdb, 'customer_grid', 'person_id'), 'customer_grid');
  });
});
