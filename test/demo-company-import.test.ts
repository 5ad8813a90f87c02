import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../src/collect/index.js';
import { InputValidationError } from '../src/errors.js';
import { generateDemoCompany } from '../src/generate/index.js';
import { parseConfig } from '../src/config/index.js';
import { runPipeline } from '../src/pipeline/index.js';
import { sql, TABLE_NAMES, type Engine } from '../src/store/index.js';
import { openStore } from '../src/schema/index.js';
import { fingerprint, tempDir } from './helpers/fixtures.js';

// One generated company, in the three formats, shared by the tests of this file.
const dirs: Record<'csv' | 'parquet' | 'jsonl', string> = { csv: '', parquet: '', jsonl: '' };
let engine: Engine;

beforeAll(async () => {
  for (const format of ['csv', 'parquet', 'jsonl'] as const) {
    dirs[format] = join(tempDir(), format);
    await generateDemoCompany({ customers: 1500, seed: 2026, outDir: dirs[format], format });
  }
  engine = await openStore(':memory:');
  await importFiles(engine, [dirs.csv]);
});
afterAll(async () => {
  await engine.close();
});

function corruptCopy(table: string, line: number, column: string, value: string): string {
  const dir = tempDir();
  const lines = readFileSync(join(dirs.csv, `${table}.csv`), 'utf8').split('\n');
  const header = (lines[0] ?? '').split(',');
  const index = header.indexOf(column);
  // Generated rows of these tables hold no quoted commas in the columns before the one changed.
  const fields = (lines[line - 1] ?? '').split(',');
  fields[index] = value;
  lines[line - 1] = fields.join(',');
  writeFileSync(join(dir, `${table}.csv`), lines.join('\n'));
  return dir;
}

describe('the generated demo company', () => {
  it('imports completely: every table receives rows', async () => {
    const status = await engine.query<{ t: string; n: number }>(
      sql.join(TABLE_NAMES.map((t) => sql`SELECT ${t} AS t, count(*) AS n FROM ${sql.id(t)}`), ' UNION ALL '),
    );
    for (const row of status) expect(row.n, row.t).toBeGreaterThan(0);
  });

  it('imports the same content from CSV, Parquet and JSON Lines', async () => {
    const expected = await fingerprint(engine);
    for (const format of ['parquet', 'jsonl'] as const) {
      const other = await openStore(':memory:');
      await importFiles(other, [dirs[format]]);
      expect(await fingerprint(other), format).toEqual(expected);
      await other.close();
    }
  });

  it('re-imports without any change', async () => {
    const before = await fingerprint(engine);
    const report = await importFiles(engine, [dirs.csv]);
    expect(report.files.every((f) => f.inserted === 0 && f.updated === 0)).toBe(true);
    expect(await fingerprint(engine)).toEqual(before);
  });

  it.each([
    ['orders', 57, 'ordered_at', '2025-02-30 10:00:00', 'not a valid date'],
    ['order_lines', 120, 'quantity', '-3', 'negative value'],
    ['order_lines', 33, 'unit_price', 'abc', 'not a valid amount'],
    ['order_lines', 45, 'sku', 'NO-SUCH-SKU', 'unknown product'],
  ])('refuses %s with a bad value at line %i and changes nothing', async (table, line, column, value, problem) => {
    const before = await fingerprint(engine);
    const error = await importFiles(engine, [corruptCopy(table, line, column, value)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).problems[0]).toMatchObject({ line, column, value, problem });
    expect(await fingerprint(engine)).toEqual(before);
  });

  it('refuses a duplicated order id at the line of its second occurrence', async () => {
    const before = await fingerprint(engine);
    const lines = readFileSync(join(dirs.csv, 'orders.csv'), 'utf8').trimEnd().split('\n');
    const dir = tempDir();
    writeFileSync(join(dir, 'orders.csv'), [...lines, lines[10]].join('\n'));
    const error = (await importFiles(engine, [dir]).catch((e: unknown) => e)) as InputValidationError;
    expect(error).toBeInstanceOf(InputValidationError);
    expect(error.problems[0]).toMatchObject({ line: lines.length + 1, column: 'order_id', problem: 'duplicate key' });
    expect(error.message).toContain('first seen at line 11');
    expect(await fingerprint(engine)).toEqual(before);
  });

  it('runs the pipeline: every order gets its facts', async () => {
    await runPipeline(engine, parseConfig({}));
    const [row] = await engine.query<{ orders: number; facts: number; negative: number }>(sql`
      SELECT (SELECT count(*) FROM orders) AS orders, count(*) AS facts,
        count(*) FILTER (WHERE revenue < 0) AS negative FROM order_facts`);
    expect(row?.facts).toBe(row?.orders);
    expect(row?.negative).toBe(0);
  });
});
