// A small generated company in a database file, analysed at two dates (so the migration has two
// snapshots), with a read and an admin dashboard user: what `fidelis serve` is started on for the browser tests.
import { join } from 'node:path';
import { importFiles } from '../../../src/collect/index.js';
import { generateDemoCompany } from '../../../src/generate/index.js';
import { defaultAsOf, runPipeline } from '../../../src/pipeline/index.js';
import { addUser } from '../../../src/server/index.js';
import { openStore } from '../../../src/schema/index.js';
import { fixtureConfig } from '../../helpers/fixture-config.js';
import { tempDir } from '../../helpers/fixtures.js';

export interface SeededCompany {
  readonly db: string;
  /** A user with the read role, and one with the admin role (the same password). */
  readonly user: string;
  readonly admin: string;
  readonly password: string;
}

export async function seedCompany(customers: number, seed: number): Promise<SeededCompany> {
  const dir = tempDir('fidelis-web-');
  const data = join(dir, 'company');
  const db = join(dir, 'company.duckdb');
  await generateDemoCompany({ customers, seed, outDir: data, format: 'csv' });
  const engine = await openStore(db);
  try {
    await importFiles(engine, [data]);
    // One transaction model, not auto's four (test/helpers/fixture-config.ts): the pages are under test, not the choice.
    const config = fixtureConfig({ db });
    const asOf = await defaultAsOf(engine);
    await runPipeline(engine, config, { asOf: new Date(asOf.getTime() - 120 * 86_400_000) });
    // Identity resolution does not depend on the date: the second run starts after it.
    await runPipeline(engine, config, { asOf, from: 'order_facts' });
    const user = 'marie';
    const password = 'a test password 4 the dashboard';
    await addUser(engine, user, 'read', password);
    await addUser(engine, 'ana', 'admin', password);
    return { db, user, admin: 'ana', password };
  } finally {
    await engine.close();
  }
}
