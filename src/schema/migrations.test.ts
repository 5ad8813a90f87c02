import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { DuckDbEngine, orderMigrations, sql, STORE_MIGRATIONS, TABLE_NAMES } from '../store/index.js';
import { migrate, MIGRATIONS, openStore } from './registry.js';

describe('schema migrations', () => {
  it('creates every table once and records each migration', async () => {
    const engine = await DuckDbEngine.open(':memory:');
    const first = await migrate(engine);
    const second = await migrate(engine);
    expect(first.applied).toEqual(MIGRATIONS.map((m) => m.version));
    expect(second.applied).toEqual([]);
    const recorded = await engine.query(sql`SELECT version, name FROM schema_migrations`);
    expect(recorded).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    const tables = await engine.query<{ name: string }>(sql`SELECT table_name AS name FROM information_schema.tables`);
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining([...TABLE_NAMES]));
    await engine.close();
  });

  it('lists every version once, in order, the store\'s own among the domains\'', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
    expect(versions).toEqual(expect.arrayContaining(STORE_MIGRATIONS.map((m) => m.version)));
    expect(versions.length).toBeGreaterThan(STORE_MIGRATIONS.length);
  });

  it('refuses two migrations that claim one version, naming both', () => {
    const twice = { version: 3, name: 'again', statements: () => [] };
    expect(() => orderMigrations([MIGRATIONS, [twice]])).toThrow(/version 3 is claimed twice: "event collection" and "again"/);
  });

  it('keeps data in the database file across reopenings', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fidelis-')), 'x.duckdb');
    const engine = await openStore(file);
    await engine.exec(sql`INSERT INTO products (sku, name, category) VALUES ('A', 'a', 'c')`);
    await engine.close();
    const reopened = await openStore(file);
    expect(await reopened.query(sql`SELECT sku FROM products`)).toEqual([{ sku: 'A' }]);
    await reopened.close();
  });
});
