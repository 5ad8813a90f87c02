import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDemoCompany } from '../../src/generate/index.js';
import { generatePerson } from '../../src/generate/life.js';
import { Rows } from '../../src/generate/rows.js';
import { World } from '../../src/generate/world.js';
import { UsageError } from '../../src/errors.js';
import { TABLE_NAMES } from '../../src/store/index.js';
import { tempDir } from '../helpers/fixtures.js';

/** Content hash of every file under `dir`, by relative path. */
function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

async function generate(customers: number, seed: number, format: 'csv' | 'parquet' | 'jsonl' = 'csv'): Promise<Record<string, string>> {
  const dir = tempDir('fidelis-determinism-');
  await generateDemoCompany({ customers, seed, outDir: dir, format });
  return hashes(dir);
}

describe('determinism', () => {
  it('the same seed and size give byte-identical files, ground truth included', async () => {
    const first = await generate(1200, 99);
    expect(Object.keys(first)).toEqual(
      expect.arrayContaining([...TABLE_NAMES.map((t) => `${t}.csv`), 'ground-truth/persons.csv', 'ground-truth/truth.json']),
    );
    expect(await generate(1200, 99)).toEqual(first);
  });

  it('another seed gives other data', async () => {
    const [a, b] = await Promise.all([generate(300, 1), generate(300, 2)]);
    for (const table of ['customers.csv', 'orders.csv', 'web_events.csv', 'ground-truth/persons.csv']) expect(a[table], table).not.toBe(b[table]);
    expect(a['products.csv']).toBe(b['products.csv']);
  });

  it('Parquet and JSON Lines outputs are deterministic too', async () => {
    for (const format of ['parquet', 'jsonl'] as const) {
      const first = await generate(300, 5, format);
      expect(Object.keys(first)).toContain(`orders.${format}`);
      expect(await generate(300, 5, format), format).toEqual(first);
    }
  });

  it('a person is the same whatever order persons are generated in (batches can run in parallel)', () => {
    const world = new World(31, 400);
    const forward = new Rows();
    const backward = new Rows();
    for (let i = 0; i < 400; i++) generatePerson(world, i, forward);
    for (let i = 399; i >= 0; i--) generatePerson(world, i, backward);
    for (const table of TABLE_NAMES) {
      const lines = (rows: Rows): string[] => rows.tables[table].text.split('\n').sort();
      expect(lines(backward), table).toEqual(lines(forward));
    }
  });

  it('refuses invalid options with a usage error naming the option', async () => {
    const refused = (options: Record<string, unknown>): Promise<unknown> =>
      generateDemoCompany({ customers: 10, seed: 1, outDir: tempDir(), ...options }).catch((e: unknown) => e);
    const error = await refused({ customers: 0 });
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('customers');
    expect(await refused({ customers: 2.5 })).toBeInstanceOf(UsageError);
    expect(await refused({ format: 'xlsx' })).toBeInstanceOf(UsageError);
  });
});
