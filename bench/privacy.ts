// What an erasure costs on a demo company: the datamart part (one transaction over every personal
// table), the files beside it (profile documents copied without him, the log scrubbed) and the
// rewrite of the database file that takes his bytes off the disk.
//
//   npx tsx bench/privacy.ts [--customers 20000] [--seed 7] [--persons 3] [--dir DIR]
//
// With --dir holding a datamart from an earlier run (shop.duckdb), generation and the pipeline are skipped.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importFiles } from '../src/collect/index.js';
import { parseConfig } from '../src/config/index.js';
import { generateDemoCompany } from '../src/generate/index.js';
import { runPipeline } from '../src/pipeline/index.js';
import { compactDatabase, eraseFromFiles, erasePerson, exportPerson } from '../src/privacy/index.js';
import { servingStorePath } from '../src/profiles/index.js';
import { sql } from '../src/store/index.js';
import { openStore } from '../src/schema/index.js';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '7' },
    persons: { type: 'string', default: '3' },
    dir: { type: 'string' },
  },
});
const dir = values.dir ?? join('/tmp', `fidelis-privacy-bench-${values.customers}`);
const db = join(dir, 'shop.duckdb');
const config = parseConfig({ db });
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

if (!existsSync(db)) {
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  await generateDemoCompany({ customers: Number(values.customers), seed: Number(values.seed), outDir: join(dir, 'company'), format: 'csv' });
  const engine = await openStore(db);
  await importFiles(engine, [join(dir, 'company')]);
  await runPipeline(engine, config, {});
  await engine.close();
  console.log(`built ${values.customers} customers in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
console.log(`datamart ${mb(statSync(db).size)}, profile file ${mb(statSync(`${db}.profiles`).size)}`);

const engine0 = await openStore(db);
const persons = (await engine0.query<{ person_id: string }>(sql`SELECT person_id FROM identity_nodes GROUP BY person_id
  ORDER BY count(*) DESC, person_id LIMIT ${Number(values.persons)}`)).map((r) => r.person_id);
await engine0.close();

for (const person of persons) {
  const engine = await openStore(db);
  let t = performance.now();
  const exported = await exportPerson(engine, config, person, 'bench');
  const exportMs = performance.now() - t;
  t = performance.now();
  const erasure = await erasePerson(engine, config, person, 'bench');
  const eraseMs = performance.now() - t;
  await engine.close();
  t = performance.now();
  const files = await eraseFromFiles(erasure, { profiles: servingStorePath(db), logFolder: `${db}.events` });
  const filesMs = performance.now() - t;
  const compaction = await compactDatabase(db, 'bench');
  console.log(
    `${person}: export ${exported.rows} rows ${exportMs.toFixed(0)} ms; erase ${erasure.total} rows in ${Object.keys(erasure.rows).length} tables ${eraseMs.toFixed(0)} ms; ` +
      `profile file ${filesMs.toFixed(0)} ms (${files.profiles?.documents ?? 0} documents, ${files.profiles?.keys ?? 0} keys); ` +
      `database rewrite ${(compaction.ms / 1000).toFixed(1)} s (${mb(compaction.bytesBefore)} -> ${mb(compaction.bytesAfter)})`,
  );
}
