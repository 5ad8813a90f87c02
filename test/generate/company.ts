// A generated demo company opened as raw text views in DuckDB, shared by the generator's tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemoCompany, type GenerateReport } from '../../src/generate/index.js';
import { DuckDbEngine, TABLES, sql, type Engine, type Row, type Sql } from '../../src/store/index.js';
import { tempDir } from '../helpers/fixtures.js';

export interface OpenCompany {
  readonly dir: string;
  readonly report: GenerateReport;
  readonly engine: Engine;
  one<T extends Row>(query: Sql): Promise<T>;
  close(): Promise<void>;
}

/**
 * Generates a company and exposes every file as a table of raw text (all VARCHAR, parsed
 * strictly as RFC 4180 with the spec's columns), plus typed views `t_<table>` and the truth.
 */
export async function openCompany(customers: number, seed: number): Promise<OpenCompany> {
  const dir = tempDir('fidelis-generate-');
  const report = await generateDemoCompany({ customers, seed, outDir: dir, format: 'csv' });
  const engine = await DuckDbEngine.open(':memory:');
  // DDL cannot take prepared parameters: file names go in as escaped literals.
  const file = (name: string): Sql => sql.raw(engine.dialect.literal(join(dir, `${name}.csv`)));
  for (const table of TABLES) {
    const columns = table.columns.map((c) => `'${c.name}': 'VARCHAR'`).join(', ');
    await engine.exec(sql`CREATE TABLE ${sql.id(table.name)} AS SELECT * FROM read_csv(${file(table.name)},
      header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', strict_mode = true,
      columns = ${sql.raw(`{${columns}}`)})`);
    await engine.exec(sql`CREATE VIEW ${sql.id(`t_${table.name}`)} AS SELECT * FROM read_csv(${file(table.name)},
      header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
      columns = ${sql.raw(`{${table.columns.map((c) => `'${c.name}': '${engine.dialect.columnType(c.type)}'`).join(', ')}}`)})`);
  }
  for (const name of ['persons', 'records', 'identifiers']) {
    await engine.exec(sql`CREATE TABLE ${sql.id(`truth_${name}`)} AS SELECT * FROM read_csv(${file(`ground-truth/${name}`)},
      header = true, all_varchar = true)`);
  }
  return {
    dir,
    report,
    engine,
    async one<T extends Row>(query: Sql): Promise<T> {
      const [row] = await engine.query<T>(query);
      if (!row) throw new Error('query returned no row');
      return row;
    },
    close: () => engine.close(),
  };
}

export function headerOf(dir: string, table: string): string {
  return readFileSync(join(dir, `${table}.csv`), 'utf8').split('\n', 1)[0] ?? '';
}
