import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { DuckDbEngine } from './duckdb-engine.js';
import { migrate, MIGRATIONS } from './migrations.js';
import { openStore } from './open.js';
import { TABLE_NAMES } from './schema.js';
import { sql } from './sql.js';

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
