// A data subject's export and erasure on ClickHouse (one server and the 2-shard cluster) against
// DuckDB on the same rows: the same rows exported, the same rows erased per table, the same
// tables left, and nothing left anywhere that names him (docs/privacy.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { erasePerson, exportPerson, readAudit } from '../../src/privacy/index.js';
import { sql, type Engine, type Row, type Sql, type TableSpec } from '../../src/store/index.js';
import { migrate, openStore } from '../../src/schema/index.js';
import { CLUSTER, scratchDatabase, SINGLE_SERVER, skipWithoutClickHouse, type ClickHouseTarget } from './server.js';

const config = parseConfig({});
const AT = new Date('2026-11-20T10:00:00.000Z');
const line = (message: Record<string, unknown>): string => JSON.stringify({ id: 'x', receivedAt: AT.toISOString(), keyId: 'k', message });

/** Tables a run derives (no spec): a per-person table, and the dashboard's name keys. */
const DERIVED: readonly TableSpec[] = [
  { name: 'person_scores', doc: '', key: [], columns: [{ name: 'person_id', type: 'string', required: true, doc: '' }, { name: 'score', type: 'float', required: true, doc: '' }] },
  { name: 'dashboard_name_keys', doc: '', key: [], columns: [{ name: 'name', type: 'string', required: true, doc: '' }] },
];

/** The same rows on each engine: Ann (C1) is erased; Bob (C2) and another Ann (C3) stay. */
async function fill(engine: Engine): Promise<void> {
  for (const spec of DERIVED) await engine.exec(engine.dialect.createTable(spec));
  await engine.exec(sql`INSERT INTO customers (customer_id, source, first_name, last_name) VALUES ('C1', 'store', 'Ann', 'Smith'), ('C2', 'store', 'Bob', 'Jones'), ('C3', 'web', 'Ann', 'Other')`);
  await engine.exec(sql`INSERT INTO identifiers (customer_id, type, value, source) VALUES ('C1', 'email', ' Ann@Example.com', 'store'), ('C1', 'user_id', 'u-ann', 'web'),
    ('C2', 'email', 'bob@example.com', 'store'), ('C3', 'email', 'ann.other@example.com', 'web')`);
  await engine.exec(sql`INSERT INTO products (sku, name, category) VALUES ('S1', 'Spade', 'garden')`);
  await engine.exec(sql`INSERT INTO orders (order_id, customer_id, ordered_at, channel) VALUES ('O1', 'C1', ${AT}, 'store'), ('O2', 'C1', ${AT}, 'web'), ('O3', 'C2', ${AT}, 'web')`);
  await engine.exec(sql`INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price, discount) VALUES ('O1', 1, 'S1', 1, 10, 0), ('O3', 1, 'S1', 2, 10, 0)`);
  await engine.exec(sql`INSERT INTO campaigns (campaign_id, name, channel, started_at) VALUES ('K', 'Spring', 'email', ${AT})`);
  await engine.exec(sql`INSERT INTO contacts (contact_id, customer_id, campaign_id, channel, sent_at) VALUES ('K1', 'C1', 'K', 'email', ${AT}), ('K2', 'C2', 'K', 'email', ${AT})`);
  await engine.exec(sql`INSERT INTO responses (contact_id, type, ${sql.id('at')}) VALUES ('K1', 'opened', ${AT}), ('K2', 'clicked', ${AT})`);
  await engine.exec(sql`INSERT INTO delivery_dead_letters (batch_id, destination, contact_ids, contacts, attempts, reason, failed_at)
    VALUES ('B1', 'https://hook', '["K1","K2"]', 2, 3, '500', ${AT}), ('B2', 'https://hook', '["K1"]', 1, 3, '500', ${AT})`);
  await engine.exec(sql`INSERT INTO events (message_id, type, user_id, ${sql.id('timestamp')}, received_at) VALUES ('e1', 'track', 'u-ann', ${AT}, ${AT}), ('e2', 'track', 'u-bob', ${AT}, ${AT})`);
  await engine.exec(sql`INSERT INTO events_dead_letter (log_id, segment, ${sql.id('offset')}, message_id, step, reason, line, failed_at) VALUES
    ('L', 1, 0, 'd1', 'map', 'r', ${line({ type: 'track', userId: 'u-ann', properties: { note: 'a "quoted" \\ text' } })}, ${AT}),
    ('L', 1, 10, 'd2', 'map', 'r', ${line({ type: 'identify', anonymousId: 'z', traits: { email: 'ANN@example.com ' } })}, ${AT}),
    ('L', 1, 20, 'd3', 'map', 'r', ${line({ type: 'track', userId: 'u-bob' })}, ${AT}),
    ('L', 1, 30, NULL, 'read', 'unreadable', '{"torn', ${AT})`);
  await engine.exec(sql`INSERT INTO person_scores (person_id, score) VALUES ('C1', 0.5), ('C2', 0.25), ('C3', 0.75)`);
  await engine.exec(sql`INSERT INTO dashboard_name_keys (name) VALUES ('Ann'), ('Smith'), ('Bob'), ('Jones'), ('Other')`);
}

/** A table's rows as sorted JSON texts, numbers as numbers, the erasure's random pseudonym and audit id left out. */
async function contents(engine: Engine, table: string): Promise<string[]> {
  const rows = await engine.query(sql`SELECT * FROM ${sql.id(table)}`);
  return rows.map((r) => normalise(r)).sort();
}

function normalise(row: Row): string {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(row).sort()) {
    if (key === 'audit_id') continue;
    const value = row[key];
    out[key] = value instanceof Date ? value.toISOString() : typeof value === 'bigint' ? Number(value) : typeof value === 'string' && /^erased-[0-9a-f]{24}$/.test(value) ? 'erased-*' : value;
  }
  return JSON.stringify(out);
}

const TABLES_SEEN = ['customers', 'identifiers', 'orders', 'order_lines', 'contacts', 'responses', 'delivery_dead_letters', 'events', 'events_dead_letter', 'person_scores', 'dashboard_name_keys', 'suppressed_identifiers'];

/** Every column of every table holding one of `needles` as text (the audit log's subject aside): one query per table. */
async function tracesOf(engine: Engine, needles: readonly string[]): Promise<string[]> {
  const catalogue = await engine.query<{ table_name: string; column_name: string }>(engine.dialect.catalogColumns());
  const tables = new Map<string, string[]>();
  for (const { table_name: table, column_name: column } of catalogue) {
    if (!(table === 'audit_log' && column === 'subject')) tables.set(table, [...(tables.get(table) ?? []), column]);
  }
  const found: string[] = [];
  for (const [table, columns] of tables) {
    const holds = (column: string): Sql => {
      const text = sql`lower(coalesce(${engine.dialect.nullableText(sql.id(column))}, ''))`;
      return engine.dialect.flag(sql.join(needles.map((n) => sql`position(${text}, ${n.toLowerCase()}) > 0`), ' OR '));
    };
    const [row] = await engine.query(sql`SELECT ${sql.join(columns.map((c, i) => sql`sum(${holds(c)}) AS ${sql.id(`c${i}`)}`))} FROM ${sql.id(table)}`);
    columns.forEach((c, i) => {
      if (Number(row?.[`c${i}`] ?? 0) > 0) found.push(`${table}.${c}`);
    });
  }
  return found;
}

const TARGETS: readonly ClickHouseTarget[] = [SINGLE_SERVER, CLUSTER];

describe.each(TARGETS)('privacy export and erasure on $label, as on DuckDB', (target) => {
  let skip = false;
  let clickhouse: Awaited<ReturnType<typeof scratchDatabase>>;
  let duckdb: Engine;

  beforeAll(async () => {
    skip = await skipWithoutClickHouse(target);
    if (skip) return;
    clickhouse = await scratchDatabase(target);
    await migrate(clickhouse.engine);
    duckdb = await openStore(':memory:');
    for (const engine of [duckdb, clickhouse.engine]) await fill(engine);
  }, 120_000);

  afterAll(async () => {
    await duckdb?.close();
    await clickhouse?.drop();
  });

  it('exports the same rows of him from every table', async ({ skip: skipTest }) => {
    if (skip) skipTest();
    const [own, theirs] = [await exportPerson(duckdb, config, 'C1', 'test', AT), await exportPerson(clickhouse.engine, config, 'C1', 'test', AT)];
    const held = (e: typeof own): Record<string, string[]> =>
      Object.fromEntries(Object.entries(e.tables).filter(([, rows]) => rows.length > 0).map(([t, rows]) => [t, rows.map((r) => normalise(r)).sort()]));
    expect(Object.keys(held(theirs)).sort()).toEqual(['contacts', 'customers', 'dashboard_name_keys', 'delivery_dead_letters', 'events', 'events_dead_letter', 'identifiers', 'order_lines', 'orders', 'person_scores', 'responses']);
    expect(held(theirs)).toEqual(held(own));
    expect(theirs.rows).toBe(own.rows);
  });

  it('erases him as DuckDB does: rows per table, orders under one pseudonym, the others kept, nothing left naming him', async ({ skip: skipTest }) => {
    if (skip) skipTest();
    const needles = ['u-ann', 'ann@example.com', 'Smith', 'K1'];
    expect((await tracesOf(clickhouse.engine, needles)).length, 'his traces before the erasure').toBeGreaterThanOrEqual(8);
    const own = await erasePerson(duckdb, config, 'C1', 'test', AT);
    const theirs = await erasePerson(clickhouse.engine, config, 'C1', 'test', AT);
    expect(theirs.rows).toEqual(own.rows);
    expect(theirs.rows).toMatchObject({ customers: 1, identifiers: 2, orders: 2, contacts: 1, responses: 1, delivery_dead_letters: 2, events: 1, events_dead_letter: 2, person_scores: 1, dashboard_name_keys: 1 });
    expect(theirs.suppressed).toBe(own.suppressed);
    for (const table of TABLES_SEEN) expect(await contents(clickhouse.engine, table), table).toEqual(await contents(duckdb, table));
    // B2 named only him and is gone; B1 keeps the other contact.
    expect((await clickhouse.engine.query(sql`SELECT batch_id, contact_ids, contacts FROM delivery_dead_letters`)).map((r) => normalise(r))).toEqual([normalise({ batch_id: 'B1', contact_ids: '["K2"]', contacts: 2 - 1 })]);
    const orders = await clickhouse.engine.query<{ order_id: string; customer_id: string }>(sql`SELECT order_id, customer_id FROM orders ORDER BY order_id`);
    expect(orders.map((o) => o.order_id)).toEqual(['O1', 'O2', 'O3']);
    expect(orders[0]?.customer_id).toMatch(/^erased-/);
    expect(orders[1]?.customer_id).toBe(orders[0]?.customer_id);
    expect(await tracesOf(clickhouse.engine, needles)).toEqual([]);
    expect((await readAudit(clickhouse.engine)).find((a) => a.action === 'person_erase')).toMatchObject({ audit_id: theirs.auditId, subject: 'C1', actor: 'test', row_count: theirs.total });
    // Erased, he is nobody: a second erasure or an export finds no one.
    await expect(erasePerson(clickhouse.engine, config, 'C1', 'test', AT)).rejects.toThrow(/No person, customer record or event link with id C1/);
  }, 120_000);
});
