import { join } from 'node:path';
import { it } from 'vitest';
import { importFiles } from '../src/collect/index.js';
import { generateDemoCompany } from '../src/generate/index.js';
import { runPipeline } from '../src/pipeline/index.js';
import { openStore, sql } from '../src/store/index.js';
import { fixtureConfig } from './helpers/fixture-config.js';
import { tempDir } from './helpers/fixtures.js';
it('prof', async () => {
  let t = performance.now();
  const c0 = process.cpuUsage();
  const lap = (s: string) => { const n = performance.now(); const c = process.cpuUsage(c0); console.log(s, ((n - t) / 1000).toFixed(2), 'cpu', ((c.user + c.system) / 1e6).toFixed(1)); t = n; };
  const dir = join(tempDir(), 'company');
  await generateDemoCompany({ customers: 5000, seed: 11, outDir: dir, format: 'csv' });
  lap('generate');
  const engine = await openStore(':memory:');
  await importFiles(engine, [dir]);
  lap('import');
  for (const name of ['persons', 'records']) {
    await engine.exec(sql`CREATE TABLE ${sql.id(`truth_${name}`)} AS
      SELECT * FROM read_csv(${join(dir, 'ground-truth', `${name}.csv`)}, header = true, all_varchar = true)`);
  }
  await engine.exec(sql`CREATE OR REPLACE TABLE customer_persons AS SELECT customer_id, person_id FROM truth_records`);
  lap('truth');
  const r = await runPipeline(engine, fixtureConfig(), { from: 'order_facts' });
  lap('pipeline');
  console.log(r.steps.map((s) => `${s.name} ${s.seconds.toFixed(2)}`).join('\n'));
}, 600000);
