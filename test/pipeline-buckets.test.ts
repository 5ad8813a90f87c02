import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../src/collect/index.js';
import { generateDemoCompany } from '../src/generate/index.js';
import { runPipeline } from '../src/pipeline/index.js';
import { compile, sql, type Engine, type Sql } from '../src/store/index.js';
import { openStore } from '../src/schema/index.js';
import { fixtureConfig } from './helpers/fixture-config.js';
import { tempDir } from './helpers/fixtures.js';

const COMPARED = ['customer_persons', 'person_identifiers', 'person_consents', 'identity_merges', 'person_profiles', 'customer_digital', 'customer_channels', 'customer_facts', 'customer_classes'];
const AS_OF = new Date('2026-06-30T00:00:00Z');

type Row = Record<string, unknown>;

/** Rows equal, numbers to 1e-9 relative (a whole number below 1e9 thus exactly): sums taken in another order differ in the last bits, nothing else may. */
function expectSameRows(actual: readonly Row[], expected: readonly Row[], table: string): void {
  expect(actual.length, table).toBe(expected.length);
  expected.forEach((row, i) => {
    const got = actual[i] as Row;
    expect(Object.keys(got), table).toEqual(Object.keys(row));
    for (const [column, value] of Object.entries(row)) {
      const other = got[column];
      // Every number: a DOUBLE may come out whole one way and 82.99999999999999 the other.
      if (typeof value === 'number' && typeof other === 'number') {
        expect(Math.abs(other - value), `${table}.${column} row ${i}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(value)));
      } else {
        expect(other, `${table}.${column} row ${i}`).toEqual(value);
      }
    }
  });
}

/**
 * An engine whose joins do not spill to disk (ClickHouse 18.16) gets its large joins cut in hash
 * buckets sized from its per-query memory limit (src/kernel/buckets.ts). The same datamart run
 * with a limit so small that every such join is cut in many pieces gives the same tables as the
 * run in one piece. DuckDB plays both parts here: the limit is what decides.
 */
describe('the pipeline with its large joins cut in hash buckets', () => {
  let whole: Engine;
  let cut: Engine;
  const statements: string[] = [];

  beforeAll(async () => {
    const dir = join(tempDir(), 'company');
    await generateDemoCompany({ customers: 300, seed: 23, outDir: dir, format: 'csv' });
    [whole, cut] = [await openStore(':memory:'), await openStore(':memory:')];
    for (const engine of [whole, cut]) await importFiles(engine, [dir]);
    // As a server with 64 KB a query would be: every large join in pieces.
    Object.assign(cut, { queryMemoryLimit: 64 * 1024 });
    const exec = cut.exec.bind(cut);
    Object.assign(cut, {
      exec: (query: Sql | string) => {
        statements.push(typeof query === 'string' ? query : compile(query, cut.dialect).text);
        return exec(query);
      },
    });
    const config = fixtureConfig();
    await runPipeline(whole, config, { asOf: AS_OF });
    await runPipeline(cut, config, { asOf: AS_OF });
  }, 300_000);
  afterAll(async () => {
    await whole?.close();
    await cut?.close();
  });

  it('cuts identity resolution, current consents, the digital signals and the contact history in several buckets', () => {
    const cutStatements = statements.filter((s) => /hash\(.*\) % \d+ = 1\)/.test(s));
    for (const table of ['_identity_scratch_node_codes', '_identity_scratch_occ_rows', '_identity_scratch_occ_values', 'digital_signal_parts', 'channel_contact_responses', 'channel_contact_outcomes', 'person_consents']) {
      expect(cutStatements.some((s) => s.includes(`INSERT INTO "${table}"`)), table).toBe(true);
    }
  });

  it('writes the same tables as the joins in one piece', async () => {
    for (const table of COMPARED) {
      // When a merge was logged differs between the runs, nothing else.
      const all = sql`SELECT * ${sql.raw(table === 'identity_merges' ? 'EXCLUDE (recorded_at)' : '')} FROM ${sql.id(table)} ORDER BY ALL`;
      const expected = await whole.query(all);
      expect(expected.length, table).toBeGreaterThan(0);
      expectSameRows(await cut.query(all), expected, table);
    }
  });
});
