import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, TABLES, type Engine } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';

export function tempDir(prefix = 'fidelis-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes files (name -> content) into a new folder and returns its path. */
export function writeFiles(files: Record<string, string>, dir = tempDir()): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export async function memoryStore(): Promise<Engine> {
  return openStore(':memory:');
}

/** A fingerprint of every datamart table's content, to prove a refused import changed nothing. */
export async function fingerprint(engine: Engine): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const t of TABLES) {
    const [row] = await engine.query<{ n: number; h: string | null }>(
      sql`SELECT count(*) AS n, md5(string_agg(CAST(x AS VARCHAR), '|' ORDER BY CAST(x AS VARCHAR))) AS h FROM ${sql.id(t.name)} AS x`,
    );
    result[t.name] = `${row?.n}:${row?.h ?? ''}`;
  }
  return result;
}

/** A tiny, valid company: two customers, two products, two orders, three lines. */
export const SMALL_COMPANY: Record<string, string> = {
  'customers.csv': [
    'customer_id,source,first_name,birth_date,gender,household_size',
    'C1,store,Ana,1980-02-03,f,2',
    'C2,web,"Bob, Jr",1975-12-31,M,',
  ].join('\n'),
  'products.csv': ['sku,name,category,price,unit_cost', 'P1,Chair,home,49.90,20', 'P2,Rake,garden,15.00,7.5'].join(
    '\n',
  ),
  'orders.csv': [
    'order_id,customer_id,ordered_at,channel,store_id',
    'O1,C1,2024-01-03 10:00:00,store,S1',
    'O2,C2,2024-02-03T10:00:00+02:00,Web,',
  ].join('\n'),
  'order_lines.csv': [
    'order_id,line_no,sku,quantity,unit_price,discount,unit_cost',
    'O1,1,P1,2,49.90,0,20',
    'O1,2,P2,1,15,,',
    'O2,1,P2,3,15,1.5,7.5',
  ].join('\n'),
};
