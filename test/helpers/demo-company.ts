// The generated demo company, imported and run through the pipeline, with its ground truth
// loaded as tables: the fixture the differentiation tests measure the classes against.
import { join } from 'node:path';
import { importFiles } from '../../src/collect/index.js';
import { parseConfig, type Config, type ConfigInput } from '../../src/config/index.js';
import { generateDemoCompany } from '../../src/generate/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { sql, type Engine } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { withFixtureModel } from './fixture-config.js';
import { tempDir } from './fixtures.js';

export interface DemoCompany {
  readonly dir: string;
  readonly engine: Engine;
  readonly config: Config;
  close(): Promise<void>;
}

export interface DemoCompanyOptions {
  readonly customers: number;
  readonly seed: number;
  /** Analysis date; default: the last purchase. */
  readonly asOf?: Date;
  /**
   * Replace the identity step's output by the generator's true record -> person map, so a test
   * measures a classifier alone, not the identity resolution in front of it.
   */
  readonly trueIdentity?: boolean;
  /**
   * The pipeline's configuration. Its `value.clv.model` defaults to FIXTURE_CLV_MODEL (one model:
   * auto's fit of four is most of a run's time, test/helpers/fixture-config.ts); set 'auto' to test the choice.
   */
  readonly config?: ConfigInput;
  /** A database file (in the company's folder) instead of an in-memory one: what files beside it need (profile documents). */
  readonly file?: boolean;
}

/**
 * Generates, imports and runs the pipeline. Truth tables: `truth_persons` (ground-truth/persons.csv,
 * all VARCHAR) and `truth_records` (customer_id -> person_id, source).
 */
export async function loadDemoCompany(options: DemoCompanyOptions): Promise<DemoCompany> {
  const dir = join(tempDir(), 'company');
  await generateDemoCompany({ customers: options.customers, seed: options.seed, outDir: dir, format: 'csv' });
  const engine = await openStore(options.file ? join(dir, '..', 'base.duckdb') : ':memory:');
  await importFiles(engine, [dir]);
  for (const name of ['persons', 'records']) {
    await engine.exec(sql`CREATE TABLE ${sql.id(`truth_${name}`)} AS
      SELECT * FROM read_csv(${join(dir, 'ground-truth', `${name}.csv`)}, header = true, all_varchar = true)`);
  }
  const config = parseConfig(withFixtureModel(options.config));
  const asOf = options.asOf;
  if (options.trueIdentity) {
    await engine.exec(sql`CREATE OR REPLACE TABLE customer_persons AS SELECT customer_id, person_id FROM truth_records`);
    await runPipeline(engine, config, { ...(asOf ? { asOf } : {}), from: 'order_facts' });
  } else {
    await runPipeline(engine, config, asOf ? { asOf } : {});
  }
  return { dir, engine, config, close: () => engine.close() };
}
