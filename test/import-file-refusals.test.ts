// Files that cannot be data (empty, binary, an endless line) get Fidelis's own message, never the
// engine's parser text, and leave the database as it was; a file name holding glob characters is
// read as that one file.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFiles } from '../src/collect/index.js';
import { MAX_LINE_BYTES } from '../src/collect/files/inspect.js';
import { InputValidationError } from '../src/errors.js';
import { sql, type Engine } from '../src/store/index.js';
import { fingerprint, memoryStore, SMALL_COMPANY, tempDir, writeFiles } from './helpers/fixtures.js';

let engine: Engine;
let before: Record<string, string>;

beforeEach(async () => {
  engine = await memoryStore();
  await importFiles(engine, [writeFiles(SMALL_COMPANY)]);
  before = await fingerprint(engine);
});
afterEach(async () => {
  await engine.close();
});

/** Bytes that look random but are the same on every run. */
function noise(length: number, seed: string): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < length; i++) blocks.push(createHash('sha256').update(`${seed}:${i}`).digest());
  return Buffer.concat(blocks).subarray(0, length);
}

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), noise(4000, 'png')]);

/** Imports the files, expects a refusal that writes nothing and shows none of the engine's own text. */
async function refused(files: Record<string, string | Buffer>): Promise<string> {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const error = await importFiles(engine, Object.keys(files).map((name) => join(dir, name))).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputValidationError);
  expect(await fingerprint(engine)).toEqual(before);
  const message = (error as Error).message;
  expect(message).not.toMatch(/Parser|parser|Error:|read_csv|read_json|read_parquet|Possible fixes|STRUCT_PACK|magic bytes/);
  return message;
}

describe('files that cannot be data are refused with their own message', () => {
  it('refuses an empty file of each format, naming it and saying what to check', async () => {
    for (const name of ['customers.csv', 'customers.jsonl', 'customers.parquet']) {
      const message = await refused({ [name]: '' });
      expect(message).toMatch(new RegExp(`${name.replace('.', '\\.')}: the file is empty \\(0 bytes\\); expected a .+; check that the export finished`));
    }
  });

  it('refuses random bytes and a PNG image named customers.csv as not text', async () => {
    expect(await refused({ 'customers.csv': noise(8192, 'random') })).toMatch(/customers\.csv: this is not a text file: it holds binary data .*; expected a CSV text file/);
    expect(await refused({ 'customers.csv': PNG })).toMatch(/customers\.csv: this is not a text file: it is a PNG image; expected a CSV text file: a header line, then one record per line; pass the data file itself/);
    expect(await refused({ 'orders.jsonl': noise(8192, 'jsonl') })).toMatch(/orders\.jsonl: this is not a text file/);
    expect(await refused({ 'customers.parquet': noise(8192, 'parquet') })).toMatch(/customers\.parquet: this is not a Parquet file/);
    expect(await refused({ 'customers.parquet': 'customer_id,source\nC9,web\n' })).toMatch(/customers\.parquet: this is not a Parquet file: it holds text; .*give a CSV file the \.csv extension/);
  });

  it('points a Latin-1 or UTF-16 file read as UTF-8 to the mapping that reads it', async () => {
    expect(await refused({ 'customers.csv': Buffer.from('customer_id,source,city\nC9,store,Orléans\n', 'latin1') })).toMatch(/this is not UTF-8 text; .*"encoding": "latin-1"/);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('customer_id,source\nC9,web\n', 'utf16le')]);
    expect(await refused({ 'customers.csv': utf16 })).toMatch(/this is UTF-16 text; .*"encoding": "utf-16"/);
  });

  it('refuses a 200 MB line at once, naming the line, and imports the same file once the line is gone', async () => {
    const dir = tempDir();
    const file = join(dir, 'customers.csv');
    try {
      // Written in 1 MB blocks: about a third of a second, no 200 MB string in memory.
      const fd = openSync(file, 'w');
      writeSync(fd, 'customer_id,source,city\nC9,web,');
      const block = Buffer.alloc(1024 * 1024, 'x');
      for (let i = 0; i < 200; i++) writeSync(fd, block);
      writeSync(fd, '\nC10,web,Lyon\n');
      closeSync(fd);
      const started = Date.now();
      const error = (await importFiles(engine, [file]).catch((e: unknown) => e)) as InputValidationError;
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error).toBeInstanceOf(InputValidationError);
      expect(error.problems).toEqual([expect.objectContaining({ line: 2, problem: `the line is 200 MB long; a line may hold at most ${MAX_LINE_BYTES / 1024 / 1024} MB` })]);
      expect(error.message).toMatch(/customers\.csv, line 2: the line is 200 MB long; .*is this really a CSV file with line breaks\?/);
      expect(await fingerprint(engine)).toEqual(before);
    } finally {
      rmSync(file, { force: true });
    }
    writeFileSync(file, 'customer_id,source,city\nC10,web,Lyon\n');
    await importFiles(engine, [file]);
    expect(await engine.query(sql`SELECT city FROM customers WHERE customer_id = 'C10'`)).toEqual([{ city: 'Lyon' }]);
  });
});

describe('a file name with glob characters is that one file', () => {
  it('reads customers[1].csv, customers*.csv and customers?.csv each as itself, in a folder whose name has them too', async () => {
    const dir = join(tempDir(), 'exports [2024]*');
    mkdirSync(dir);
    const files: Record<string, string> = {
      'customers1.csv': 'C91',
      'customers[1].csv': 'C92',
      'customers*.csv': 'C93',
      'customers?.csv': 'C94',
      'customers\\[1].csv': 'C95',
    };
    for (const [name, id] of Object.entries(files)) writeFileSync(join(dir, name), `customer_id,source\n${id},web\n`);
    for (const [name, id] of Object.entries(files)) {
      const report = await importFiles(engine, [join(dir, name)], { kind: 'customers' });
      expect(report.files.map((f) => [f.kind, f.records, f.inserted]), name).toEqual([['customers', 1, 1]]);
      const [row] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM customers WHERE customer_id = ${id}`);
      expect(Number(row?.n), name).toBe(1);
    }
    const stored = await engine.query<{ customer_id: string }>(sql`SELECT customer_id FROM customers WHERE customer_id LIKE 'C9_' ORDER BY 1`);
    expect(stored.map((r) => r.customer_id)).toEqual(['C91', 'C92', 'C93', 'C94', 'C95']);
    // The whole folder: each file once.
    const again = await importFiles(engine, [dir], { kind: 'customers' });
    expect(again.files.map((f) => f.unchanged)).toEqual([1, 1, 1, 1, 1]);
  });
});
