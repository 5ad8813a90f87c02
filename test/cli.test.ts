import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PIPELINE } from '../src/pipeline/index.js';
import type { Command } from 'commander';
import { buildProgram } from '../src/cli/main.js';
import { runCli, type Captured } from './helpers/cli.js';
import { FIXTURE_CLV_MODEL } from './helpers/fixture-config.js';
import { SMALL_COMPANY, tempDir, writeFiles } from './helpers/fixtures.js';

const fidelis = (...args: string[]): Promise<Captured> => runCli(args);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the fidelis command line', () => {
  it('imports a folder, runs the pipeline and reports the datamart', async () => {
    const db = join(tempDir(), 'cli.duckdb');
    const imported = await fidelis('import', writeFiles(SMALL_COMPANY), '--db', db, '--json');
    expect(imported.code).toBe(0);
    const report = JSON.parse(imported.stdout) as { files: { kind: string; inserted: number }[] };
    expect(report.files.map((f) => f.inserted)).toEqual([2, 2, 2, 3]);

    const run = await fidelis('run', '--db', db, '--json');
    expect(run.code).toBe(0);
    const ran = JSON.parse(run.stdout) as { asOf: string; steps: { name: string }[] };
    expect(ran.asOf).toBe('2024-02-03T08:00:00.000Z');
    expect(ran.steps.map((s) => s.name)).toEqual(PIPELINE.map((s) => s.name));

    // --from reruns the later steps only, and names the steps when it does not know one.
    const rerun = await fidelis('run', '--db', db, '--json', '--from', 'profile_documents');
    expect((JSON.parse(rerun.stdout) as { steps: { name: string }[] }).steps.map((s) => s.name)).toEqual(
      PIPELINE.slice(PIPELINE.findIndex((s) => s.name === 'profile_documents')).map((s) => s.name),
    );
    const unknown = await fidelis('run', '--db', db, '--from', 'nothing');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No pipeline step named nothing; steps: customer_persons, /);

    const status = await fidelis('status', '--db', db);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/customers: 2 records \(store 1, web 1\)/);
    expect(status.stdout).toMatch(/revenue: €158/);
    expect(status.stdout).toMatch(/purchases from 2024-01-03 to 2024-02-03/);
    expect(status.stdout).toMatch(/order_lines\s+3/);
  });

  it('generates a demo company and imports it', async () => {
    const dir = tempDir();
    const generated = await fidelis('generate', '--customers', '60', '--seed', '5', '--out', join(dir, 'data'), '--format', 'parquet', '--json');
    expect(generated.code).toBe(0);
    const report = JSON.parse(generated.stdout) as { rows: Record<string, number> };
    const imported = await fidelis('import', join(dir, 'data'), '--db', join(dir, 'g.duckdb'), '--json');
    expect(imported.code).toBe(0);
    const files = (JSON.parse(imported.stdout) as { files: { kind: string; inserted: number }[] }).files;
    expect(Object.fromEntries(files.map((f) => [f.kind, f.inserted]))).toEqual(report.rows);
  });

  it('runs the demo end to end and shows what the pipeline found', async () => {
    // 800 people: every table the assertions read is there (the CI's closing smoke run is the 2,000-person demo).
    const result = await fidelis('demo', '--customers', '800', '--dir', tempDir(), '--no-serve');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/4\/4 the datamart/);
    expect(result.stdout).toMatch(/RFM segments of the buyers/);
    expect(result.stdout).toMatch(/champions\s+\d+/);
    expect(result.stdout).toMatch(/Value tiers[\s\S]*CPP/);
    // value.clv.model is auto by default: the model is the one chosen by BIC among the four.
    expect(result.stdout).toMatch(/lifetime value: (bgnbd|paretonbd|mbgnbd|mbgcnbd) \((\w+ [\d.,]+(, )?){4,5}\), chosen among 4: (lowest BIC|as good as BG\/NBD)/);
  });

  it('prints the segments tables and a customer card with the reasons of his classes', async () => {
    const dir = tempDir();
    const db = join(dir, 'd.duckdb');
    // One transaction model, not auto's four (test/helpers/fixture-config.ts): the tables and the card are under test.
    const config = join(dir, 'fidelis.config.json');
    writeFileSync(config, JSON.stringify({ value: { clv: { model: FIXTURE_CLV_MODEL } } }));
    expect((await fidelis('generate', '--customers', '800', '--seed', '9', '--out', join(dir, 'data'))).code).toBe(0);
    expect((await fidelis('import', join(dir, 'data'), '--db', db)).code).toBe(0);
    const before = await fidelis('segments', '--db', db);
    expect(before.code).toBe(2);
    expect(before.stderr).toMatch(/run `fidelis run`/);
    expect((await fidelis('run', '--db', db, '--config', config, '--as-of', '2025-12-31')).code).toBe(0);
    expect((await fidelis('run', '--db', db, '--config', config)).code).toBe(0);
    const segments = await fidelis('segments', '--db', db);
    expect(segments.code).toBe(0);
    for (const title of ['Value tiers', 'Four columns', 'Revenue x profitability grid', 'Digital-maturity types', 'RFM segments', 'Pareto']) {
      expect(segments.stdout).toContain(title);
    }
    expect(segments.stdout).toMatch(/Migration of value_tier from 2025-12-31 \(rows\) to 2026-06-30 \(columns\)/);
    const json = JSON.parse((await fidelis('segments', '--db', db, '--json')).stdout) as { classes: Record<string, { class: string; customers: number }[]> };
    const tiers = json.classes.value_tier ?? [];
    expect(tiers.map((t) => t.class).sort()).toEqual(['CCM', 'CNR', 'CPP']);
    const missing = await fidelis('customer', 'nobody', '--db', db);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No person, customer record or event link with id nobody/);
    const id = readFileSync(join(dir, 'data', 'orders.csv'), 'utf8').split('\n')[1]?.split(',')[1] ?? '';
    const card = JSON.parse((await fidelis('customer', id, '--db', db, '--json')).stdout) as { records: string[]; classes: { dimension: string }[] };
    expect(card.records).toContain(id);
    expect(card.classes.map((r) => r.dimension)).toContain('value_tier');
    const text = await fidelis('customer', id, '--db', db);
    expect(text.code).toBe(0);
    for (const section of ['Profile', 'Value', 'Classes', 'value_tier:', 'digital_type:']) expect(text.stdout).toContain(section);
    // The potential is explained in the language asked for.
    expect(text.stdout).toMatch(/potential: .*\n {4}- peers: /);
    expect((await fidelis('customer', id, '--db', db, '--lang', 'fr')).stdout).toMatch(/potential: .*\n {4}- pairs : /);
  });

  it('exits with 2 and a located message when a file is refused', async () => {
    const db = join(tempDir(), 'cli.duckdb');
    const dir = writeFiles({ ...SMALL_COMPANY, 'orders.csv': 'order_id,customer_id,ordered_at,channel\nO1,C1,2024-31-01,store' });
    const result = await fidelis('import', dir, '--db', db);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/orders\.csv, line 2, column ordered_at: not a valid date "2024-31-01"/);
    const status = await fidelis('status', '--db', db, '--json');
    expect((JSON.parse(status.stdout) as { customers: number }).customers).toBe(0);
  });

  it('asks for --kind when a file name names no kind', async () => {
    const dir = writeFiles({ 'export.csv': 'a,b\n1,2' });
    const result = await fidelis('import', join(dir, 'export.csv'), '--db', join(dir, 'x.duckdb'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pass --kind with one of customers, identifiers/);
  });

  it('has help on every command and subcommand, given back as exit code 0, never by exiting the process', async () => {
    // A command that calls process.exit would end the test run here: it throws instead.
    const exit = vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`process.exit(${String(code)}) called`);
    });
    const paths = (command: Command, path: string[]): string[][] => command.commands.flatMap((sub) => [[...path, sub.name()], ...paths(sub, [...path, sub.name()])]);
    const all = paths(buildProgram(), []);
    expect(all.map((p) => p.join(' '))).toEqual(expect.arrayContaining(['generate', 'demo', 'privacy audit', 'audiences export', 'keys create']));
    try {
      for (const path of all) {
        const result = await fidelis(...path, '--help');
        expect(result.code, `fidelis ${path.join(' ')} --help: ${result.stderr}`).toBe(0);
        expect(result.stdout).toMatch(new RegExp(`Usage: fidelis ${path.join(' ')}`));
      }
    } finally {
      exit.mockRestore();
    }
  });

  it('refuses an invalid option value', async () => {
    const result = await fidelis('generate', '--customers', '-5');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/expected a whole number of at least 1/);
  });
});
