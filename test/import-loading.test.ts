import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importFiles, parseMapping } from '../src/collect/index.js';
import { sql, type Engine } from '../src/store/index.js';
import { fingerprint, memoryStore, SMALL_COMPANY, writeFiles } from './helpers/fixtures.js';

let engine: Engine;
beforeEach(async () => {
  engine = await memoryStore();
});
afterEach(async () => {
  await engine.close();
});

describe('importing files', () => {
  it('loads a folder in dependency order whatever the file names sort to', async () => {
    const report = await importFiles(engine, [writeFiles(SMALL_COMPANY)]);
    expect(report.files.map((f) => f.kind)).toEqual(['customers', 'products', 'orders', 'order_lines']);
    expect(report.files.map((f) => f.inserted)).toEqual([2, 2, 2, 3]);
    const [order] = await engine.query(sql`SELECT channel, ordered_at FROM orders WHERE order_id = 'O2'`);
    // "Web" is stored in its canonical spelling; the +02:00 offset is converted to UTC.
    expect(order).toEqual({ channel: 'web', ordered_at: new Date('2024-02-03T08:00:00Z') });
  });

  it('changes nothing when the same files are imported again', async () => {
    const dir = writeFiles(SMALL_COMPANY);
    await importFiles(engine, [dir]);
    const once = await fingerprint(engine);
    const again = await importFiles(engine, [dir]);
    expect(await fingerprint(engine)).toEqual(once);
    expect(again.files.every((f) => f.inserted === 0 && f.updated === 0 && f.unchanged === f.records)).toBe(true);
  });

  it('replaces a record whose content changed, and a partial file keeps the columns it lacks', async () => {
    await importFiles(engine, [writeFiles(SMALL_COMPANY)]);
    const report = await importFiles(engine, [
      writeFiles({ 'customers.csv': 'customer_id,source,city\nC1,store,Lyon\nC3,web,Nantes' }),
    ]);
    expect(report.files[0]).toMatchObject({ inserted: 1, updated: 1, unchanged: 0 });
    const [c1] = await engine.query(sql`SELECT first_name, city, gender FROM customers WHERE customer_id = 'C1'`);
    expect(c1).toEqual({ first_name: 'Ana', city: 'Lyon', gender: 'F' });
  });

  it('stores money exactly', async () => {
    await importFiles(engine, [writeFiles(SMALL_COMPANY)]);
    await importFiles(engine, [writeFiles({ 'products.csv': 'sku,name,category,price\nP3,Gift,home,0.1\nP4,Gift,home,0.2' })]);
    const [row] = await engine.query<{ total: string }>(
      sql`SELECT CAST(sum(price) AS VARCHAR) AS total FROM products WHERE sku IN ('P3', 'P4')`,
    );
    expect(row?.total).toBe('0.3000');
  });

  it('reads an export with other column names, a semicolon, decimal commas, French dates and latin-1', async () => {
    await importFiles(engine, [writeFiles(SMALL_COMPANY)]);
    const dir = writeFiles({});
    const text = 'N° commande;Client;Date;Canal\nA-1;C1;31/01/2024 18:30;magasin\n';
    writeFileSync(join(dir, 'export_commandes.csv'), Buffer.from(text.replace('magasin', 'store'), 'latin1'));
    const mapping = parseMapping(
      {
        orders: {
          columns: { order_id: 'N° commande', customer_id: 'Client', ordered_at: 'Date', channel: 'Canal' },
          timestampFormat: '%d/%m/%Y %H:%M',
          encoding: 'latin-1',
        },
      },
      'test',
    );
    await importFiles(engine, [join(dir, 'export_commandes.csv')], { kind: 'orders', mapping });
    const [row] = await engine.query(sql`SELECT ordered_at FROM orders WHERE order_id = 'A-1'`);
    expect(row).toEqual({ ordered_at: new Date('2024-01-31T18:30:00Z') });
  });

  it('loads a plain sales export as transactions, idempotently', async () => {
    const sales = [
      'client;date;montant;categorie;cout',
      'K1;2024-01-05;12,50;garden;5',
      'K1;2024-01-05;12,50;garden;5',
      'K2;2024-02-01;100;home;',
    ].join('\n');
    const dir = writeFiles({ 'sales.csv': sales });
    const mapping = parseMapping(
      {
        transactions: {
          columns: { customer_id: 'client', date: 'date', amount: 'montant', category: 'categorie', cost: 'cout' },
          decimalSeparator: ',',
        },
      },
      'test',
    );
    const first = await importFiles(engine, [dir], { mapping });
    expect(first.files[0]?.kind).toBe('transactions');
    expect(first.files[0]?.tables).toMatchObject({
      customers: { inserted: 2 },
      products: { inserted: 2 },
      orders: { inserted: 3 },
      order_lines: { inserted: 3 },
    });
    const snapshot = await fingerprint(engine);
    await importFiles(engine, [dir], { mapping });
    expect(await fingerprint(engine)).toEqual(snapshot);
    const rows = await engine.query<{ revenue: number; margin: number }>(sql`
      SELECT sum(quantity * unit_price) AS revenue, sum(quantity * (unit_price - coalesce(unit_cost, 0))) AS margin
      FROM order_lines`);
    expect(rows[0]).toEqual({ revenue: 125, margin: 115 });
  });

  it('reads Parquet and JSON Lines files', async () => {
    await importFiles(engine, [writeFiles(SMALL_COMPANY)]);
    const dir = writeFiles({});
    await engine.exec(sql`COPY (SELECT 'P9' AS sku, 'Lamp' AS name, 'home' AS category, 19.99::DECIMAL(10,2) AS price)
      TO ${join(dir, 'products.parquet')} (FORMAT parquet)`);
    writeFileSync(
      join(dir, 'surveys.jsonl'),
      `${JSON.stringify({ survey_id: 'S1', customer_id: 'C1', at: '2024-05-01T12:00:00Z', kind: 'nps', score: 9 })}\n`,
    );
    const report = await importFiles(engine, [dir]);
    expect(report.files.map((f) => [f.kind, f.format, f.inserted])).toEqual([
      ['products', 'parquet', 1],
      ['surveys', 'jsonl', 1],
    ]);
    const [p] = await engine.query(sql`SELECT CAST(price AS VARCHAR) AS price FROM products WHERE sku = 'P9'`);
    expect(p).toEqual({ price: '19.9900' });
  });

  it('passes over files of a folder whose name names no kind, and records each import', async () => {
    const dir = writeFiles({ ...SMALL_COMPANY, 'notes.csv': 'a\n1' });
    const report = await importFiles(engine, [dir]);
    expect(report.skipped).toEqual([join(dir, 'notes.csv')]);
    const log = await engine.query(sql`SELECT kind, records, inserted FROM import_log ORDER BY kind`);
    expect(log).toHaveLength(4);
    expect(log[0]).toMatchObject({ kind: 'customers', records: 2, inserted: 2 });
  });
});
