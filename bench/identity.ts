// Identity resolution on the demo company: generate, import, resolve, then pairwise precision and
// recall against the generator's truth, beside the baseline of identifiers alone (no match keys).
// Run alone: npx tsx bench/identity.ts --customers 100000 [--seed 42] [--db existing.duckdb --truth records.csv]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { importFiles } from '../src/collect/index.js';
import { parseConfig } from '../src/config/index.js';
import { generateDemoCompany } from '../src/generate/index.js';
import { pairScores, resolveIdentities } from '../src/identity/index.js';
import { sql, type Engine } from '../src/store/index.js';
import { openStore } from '../src/schema/index.js';
import { round } from './round.js';

export interface IdentityBench {
  readonly customers: number;
  readonly records: number;
  readonly persons: number;
  readonly precision: number;
  readonly recall: number;
  /** Complete resolution (read, merge, write, golden records). */
  readonly seconds: number;
  readonly loadSeconds: number;
  readonly mergeSeconds: number;
  readonly writeSeconds: number;
  /** Baseline: identifiers only, no match keys on declared data. */
  readonly identifiersOnlyPrecision: number;
  readonly identifiersOnlyRecall: number;
}

async function measure(engine: Engine, customers: number): Promise<IdentityBench> {
  const baseline = parseConfig({ identity: { matchKeys: [] } });
  await engine.transaction((tx) => resolveIdentities(tx, baseline));
  const base = await pairScores(engine);
  // Ids handed out by the baseline would only rename persons; start afresh for the timing.
  await engine.exec(sql`DELETE FROM person_ids`);
  const t0 = performance.now();
  const report = await engine.transaction((tx) => resolveIdentities(tx, parseConfig({})));
  const seconds = (performance.now() - t0) / 1000;
  const scores = await pairScores(engine);
  return {
    customers,
    records: scores.records,
    persons: report.persons,
    precision: round(scores.precision, 4),
    recall: round(scores.recall, 4),
    seconds: round(seconds, 1),
    loadSeconds: round(report.seconds.load, 1),
    mergeSeconds: round(report.seconds.merge, 1),
    writeSeconds: round(report.seconds.write, 1),
    identifiersOnlyPrecision: round(base.precision, 4),
    identifiersOnlyRecall: round(base.recall, 4),
  };
}

export async function benchIdentity(opts: { customers: number; seed?: number; db?: string; truth?: string }): Promise<IdentityBench> {
  if (opts.db && opts.truth) {
    const engine = await openStore(opts.db);
    try {
      await engine.exec(sql`CREATE OR REPLACE TABLE truth_records AS SELECT * FROM read_csv(${opts.truth}, header = true, all_varchar = true)`);
      return await measure(engine, opts.customers);
    } finally {
      await engine.close();
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'fidelis-identity-'));
  try {
    const data = join(dir, 'company');
    await generateDemoCompany({ customers: opts.customers, seed: opts.seed ?? 42, outDir: data, format: 'csv' });
    const engine = await openStore(join(dir, 'fidelis.duckdb'));
    try {
      await importFiles(engine, [data]);
      await engine.exec(sql`CREATE TABLE truth_records AS SELECT * FROM read_csv(${join(data, 'ground-truth', 'records.csv')}, header = true, all_varchar = true)`);
      return await measure(engine, opts.customers);
    } finally {
      await engine.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { customers: { type: 'string', default: '100000' }, seed: { type: 'string', default: '42' }, db: { type: 'string' }, truth: { type: 'string' } },
  });
  const result = await benchIdentity({
    customers: Number(values.customers),
    seed: Number(values.seed),
    ...(values.db ? { db: values.db } : {}),
    ...(values.truth ? { truth: values.truth } : {}),
  });
  console.log('identity resolution on the demo company (pairs of records put together, against the truth)');
  console.table(result);
}
