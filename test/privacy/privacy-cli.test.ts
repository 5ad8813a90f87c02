import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src/collect/events/messages.js';
import { readAudit, resolveSubject, type PersonExport } from '../../src/privacy/index.js';
import { sql, type Engine } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { collect, filesContaining, privacyCompany, type PrivacyCompany } from './fixture.js';

/** Rows per table holding any of `values` in any text column: found by scanning, not by the privacy code's rules. */
async function scanTables(engine: Engine, values: readonly string[]): Promise<Map<string, number>> {
  const columns = await engine.query<{ table_name: string; column_name: string }>(sql`SELECT c.table_name, c.column_name
    FROM information_schema.columns c JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
    WHERE c.table_schema = 'main' AND t.table_type = 'BASE TABLE' AND c.data_type = 'VARCHAR'`);
  const byTable = new Map<string, string[]>();
  for (const c of columns) byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), c.column_name]);
  const list = sql.join(values.map((v) => sql`${v}`));
  const found = new Map<string, number>();
  for (const [table, cols] of byTable) {
    const any = sql.join(cols.map((c) => sql`${sql.id(c)} IN (${list})`), ' OR ');
    const [row] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.id(table)} WHERE ${any}`);
    if (Number(row?.n) > 0) found.set(table, Number(row?.n));
  }
  return found;
}

// The CLI works on a stopped server's files: the database, its event log and its profile documents.
describe('fidelis privacy (CLI)', () => {
  let company: PrivacyCompany;
  let exported: PersonExport;
  let hisOrders: string[] = [];
  let ordersBefore = 0;
  let linesOfHisOrders = 0;
  beforeAll(async () => {
    company = await privacyCompany();
  }, 300_000);
  afterAll(() => undefined);

  it('exports every row of the person in every table that holds one of his ids, and audits it', async () => {
    const out = join(tempDir(), 'person.json');
    const result = await runCli(['privacy', 'export', `email=${company.email}`, '--out', out, '--db', company.db]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    exported = JSON.parse(readFileSync(out, 'utf8')) as PersonExport;
    expect(exported.personId).toBe(company.personId);
    expect(result.stdout).toContain(`Exported ${exported.rows} rows of person ${company.personId}`);
    const engine = await openStore(company.db);
    try {
      // Any table where a scan of every text column finds one of his ids, his email or userId is in the export, with at least those rows.
      const scanned = await scanTables(engine, [...exported.personIds, ...exported.records, company.email, company.userId]);
      expect(scanned.size).toBeGreaterThan(20);
      for (const [table, rows] of scanned) {
        if (table === 'audit_log') continue; // The export's own entry came after it.
        expect({ table, rows: exported.tables[table]?.length ?? -1 }).toEqual({ table, rows: expect.any(Number) as number });
        expect(exported.tables[table]?.length, table).toBeGreaterThanOrEqual(rows);
      }
      // Counts match the tables: his records, orders (with their lines), tracked events and unmapped events.
      const records = exported.records.filter((r) => !r.startsWith('evt:'));
      expect(exported.tables.customers?.length).toBe(exported.records.length - exported.records.filter((r) => r.startsWith('link:')).length);
      expect(records.length).toBeGreaterThan(0);
      const [orders] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM orders WHERE customer_id IN (${sql.join(exported.records.map((r) => sql`${r}`))})`);
      expect(exported.tables.orders?.length).toBe(Number(orders?.n));
      hisOrders = (exported.tables.orders ?? []).map((o) => String(o.order_id));
      const [lines] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM order_lines WHERE order_id IN (${sql.join(hisOrders.map((o) => sql`${o}`))})`);
      linesOfHisOrders = Number(lines?.n);
      expect(exported.tables.order_lines?.length).toBe(linesOfHisOrders);
      expect((exported.tables.events ?? []).map((e) => e.message_id).sort()).toEqual(['m-identify', 'm-order', 'm-page', 'm-raw']);
      expect((exported.tables.raw_events ?? []).map((e) => e.message_id)).toEqual(['m-raw']);
      for (const table of ['identifiers', 'identity_nodes', 'person_identifiers', 'customer_classes', 'customer_snapshots', 'customer_list', 'person_profiles']) {
        expect(exported.tables[table]?.length, table).toBeGreaterThan(0);
      }
      ordersBefore = Number((await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM orders`))[0]?.n);
      const [entry] = await readAudit(engine);
      expect(entry).toMatchObject({ action: 'person_export', subject: company.personId, actor: expect.stringMatching(/^cli:/) as string });
      expect(Number(entry?.row_count)).toBe(exported.rows);
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('erases him: no file under the database folder holds his email or userId afterwards, and his orders stay without him', async () => {
    // The test can fail: before the erasure his email is on disk (log, profile documents).
    // The profile file holds it as a lookup key (lower case), and in his document's deflated bytes or
    // the compression dictionary as he wrote it only when his document is among the first (row order).
    const before = filesContaining(company.folder, company.email);
    expect(before).toContain('shop.duckdb.events/segment-00000001.jsonl');
    expect(filesContaining(company.folder, company.email.toLowerCase())).toContain('shop.duckdb.profiles');
    const result = await runCli(['privacy', 'erase', company.personId, '--db', company.db, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { persons } = JSON.parse(result.stdout) as { persons: { personId: string; rows: number; ordersKept: number; eventLog: { lines: number }; profileFile: { documents: number } }[] };
    const [report] = persons;
    expect(persons).toHaveLength(1);
    expect(report).toMatchObject({ personId: company.personId, ordersKept: hisOrders.length, eventLog: { lines: 4 }, profileFile: { documents: 1 } });
    expect(filesContaining(company.folder, company.email)).toEqual([]);
    expect(filesContaining(company.folder, company.email.toLowerCase())).toEqual([]);
    expect(filesContaining(company.folder, company.userId)).toEqual([]);

    const engine = await openStore(company.db);
    try {
      expect(Number((await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM orders`))[0]?.n)).toBe(ordersBefore);
      const kept = await engine.query<{ customer_id: string }>(sql`SELECT DISTINCT customer_id FROM orders WHERE order_id IN (${sql.join(hisOrders.map((o) => sql`${o}`))})`);
      expect(kept).toHaveLength(1);
      expect(kept[0]?.customer_id).toMatch(/^erased-[0-9a-f]{24}$/);
      expect(Number((await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM order_lines WHERE order_id IN (${sql.join(hisOrders.map((o) => sql`${o}`))})`))[0]?.n)).toBe(linesOfHisOrders);
      // Nothing in any table names him any more (the audit log names his person id, which nothing else leads to).
      const left = await scanTables(engine, [...exported.personIds, ...exported.records, company.email, company.userId]);
      expect([...left.keys()]).toEqual(['audit_log']);
      await expect(resolveSubject(engine, company.config, `email=${company.email}`)).rejects.toThrow(/No customer/);
      const audit = await readAudit(engine);
      expect(audit.map((a) => a.action).slice(0, 3)).toEqual(['database_compaction', 'person_erase', 'person_export']);
      const erase = audit.find((a) => a.action === 'person_erase');
      expect(erase).toMatchObject({ subject: company.personId, actor: expect.stringMatching(/^cli:/) as string });
      expect(Number(erase?.row_count)).toBe(report?.rows);
      expect(Number((await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM suppressed_identifiers`))[0]?.n)).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('drops an event that arrives later naming him by his email, and loads the others', async () => {
    const engine = await openStore(company.db);
    try {
      const later = [
        { type: 'identify', messageId: 'later-him', userId: 'someone-new', traits: { email: `  ${company.email.toUpperCase()} ` }, timestamp: '2026-11-21T10:00:00.000Z' },
        { type: 'track', messageId: 'later-him-by-id', userId: company.userId, event: 'Product Viewed', timestamp: '2026-11-21T10:00:00.000Z', properties: { sku: 'S1' } },
        { type: 'identify', messageId: 'later-other', userId: 'someone-else', traits: { email: 'other.person@example.org' }, timestamp: '2026-11-21T10:00:00.000Z' },
      ] as unknown as Message[];
      await collect(engine, `${company.db}.events`, later);
      const stored = await engine.query<{ message_id: string }>(sql`SELECT message_id FROM events WHERE message_id LIKE 'later-%' ORDER BY message_id`);
      expect(stored.map((r) => r.message_id)).toEqual(['later-other']);
      expect(await engine.query(sql`SELECT customer_id FROM customers WHERE customer_id IN ('evt:u:someone-new', ${`evt:u:${company.userId}`})`)).toEqual([]);
      // Dropped messages leave the log as they are dropped; the other one is still there until its segment is loaded and closed.
      expect(filesContaining(`${company.db}.events`, company.email.toUpperCase())).toEqual([]);
      expect(filesContaining(`${company.db}.events`, company.userId)).toEqual([]);
      expect(filesContaining(`${company.db}.events`, 'other.person@example.org')).toHaveLength(1);
    } finally {
      await engine.close();
    }
  }, 60_000);
});
