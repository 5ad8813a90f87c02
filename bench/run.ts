// `npm run bench [-- --customers N]`: generation and import of a demo company, each phase in its
// own process (time and peak memory), with the engine's plain CSV load of the same files as the
// baseline the import is compared with.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDifferentiation } from './differentiation.js';
import { benchIngest } from './ingest.js';
import { benchNextBestOffer } from './next-best-offer.js';
import { benchSoak, printSoak } from './soak.js';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    'nbo-customers': { type: 'string', default: '20000' },
    keep: { type: 'boolean' },
    /** Length of the collection soak (bench/soak.ts); 0 leaves it out. */
    'soak-minutes': { type: 'string', default: '5' },
  },
});
const customers = Number(values.customers);
const work = mkdtempSync(join(tmpdir(), 'fidelis-bench-'));
const data = join(work, 'data');

interface PhaseResult {
  phase: string;
  seconds: number;
  maxRssMb: number;
  [key: string]: unknown;
}

function phase(...args: string[]): PhaseResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/phase.ts', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as PhaseResult;
}

const fmt = (n: number, digits = 1): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });

console.log(`Fidelis bench: ${fmt(customers, 0)} customers, work dir ${work}`);
try {
  const generate = phase('generate', String(customers), data);
  const load = phase('import', data, join(work, 'fidelis.duckdb'));
  const reload = phase('import', data, join(work, 'fidelis.duckdb'));
  const run = phase('run', join(work, 'fidelis.duckdb'));
  const limited = phase('import', data, join(work, 'limited.duckdb'), '4GB');
  const raw = phase('raw-load', data, join(work, 'raw.duckdb'));
  const rows = Number(generate.rows);
  console.log('');
  console.log('| phase | seconds | peak RSS (MB) | figure |');
  console.log('| --- | ---: | ---: | --- |');
  console.log(`| generate | ${fmt(generate.seconds)} | ${fmt(generate.maxRssMb, 0)} | ${fmt(rows, 0)} rows, ${fmt(Number(generate.megabytes), 0)} MB of CSV, ${fmt(rows / generate.seconds, 0)} rows/s |`);
  console.log(`| import (validated, merged) | ${fmt(load.seconds)} | ${fmt(load.maxRssMb, 0)} | ${fmt(Number(load.inserted), 0)} rows inserted, ${fmt(rows / load.seconds, 0)} rows/s |`);
  console.log(`| re-import (no change) | ${fmt(reload.seconds)} | ${fmt(reload.maxRssMb, 0)} | ${fmt(Number(reload.inserted), 0)} rows inserted |`);
  console.log(`| pipeline run (fidelis run) | ${fmt(run.seconds)} | ${fmt(run.maxRssMb, 0)} | steps (s): ${JSON.stringify(run.steps)} |`);
  console.log(`| import with duckdb.memoryLimit = 4GB | ${fmt(limited.seconds)} | ${fmt(limited.maxRssMb, 0)} | ${fmt(Number(limited.inserted), 0)} rows inserted |`);
  console.log(`| baseline: plain engine CSV load | ${fmt(raw.seconds)} | ${fmt(raw.maxRssMb, 0)} | no typing, validation or merge |`);
  console.log('');
  console.log(
    `import / baseline: ${fmt(load.seconds / raw.seconds, 2)}x; re-import / baseline: ${fmt(reload.seconds / raw.seconds, 2)}x; ` +
      `import at 4GB / import: ${fmt(limited.seconds / load.seconds, 2)}x time, ${fmt(limited.maxRssMb / load.maxRssMb, 2)}x memory; ` +
      `pipeline / baseline: ${fmt(run.seconds / raw.seconds, 2)}x`,
  );
  // Next best offer against popularity on a time split, on its own (smaller) company: the
  // evaluation reruns the pipeline at the split date.
  const nbo = await benchNextBestOffer({ customers: Number(values['nbo-customers']) });
  console.log('');
  console.log(`next best offer, ${fmt(Number(nbo.customers), 0)} customers, split ${String(nbo.splitDate)} + ${String(nbo.horizonDays)} days, ` +
    `${fmt(Number(nbo.customersEvaluated), 0)} customers evaluated:`);
  console.log(`| method | hit rate at 5 |\n| --- | ---: |\n| next best offer | ${fmt(Number(nbo.nboHitRateAt5), 4)} |\n| popularity baseline | ${fmt(Number(nbo.popularityHitRateAt5), 4)} |`);
  console.log(`next best offer / popularity: ${fmt(Number(nbo.hitRateRatio), 2)}x`);
  // The classes against the planted truths of the same kind of company (true identity).
  const classes = await benchDifferentiation({ customers: Number(values['nbo-customers']) });
  console.log('\n| classes against the ground truth | value |\n| --- | ---: |');
  for (const [figure, value] of Object.entries(classes)) console.log(`| ${figure} | ${fmt(value, 3)} |`);
  // Collection: the front door and end-to-end rates (one 10 s round), then the soak.
  const ingest = await benchIngest({ seconds: 10, concurrency: 16, batch: 100 });
  console.log('\n| collection (POST /v1/batch, 16 x 100 events, 10 s) | value |\n| --- | ---: |');
  console.log(`| front door, events/s | ${fmt(ingest.fidelis.eventsPerSecond, 0)} |`);
  console.log(`| floor (parse + fsync), events/s | ${fmt(ingest.floor.eventsPerSecond, 0)} |`);
  console.log(`| end to end (in the datamart), events/s | ${fmt(ingest.datamart.endToEndPerSecond, 0)} |`);
  console.log(`| largest lag, ms | ${fmt(ingest.datamart.maxLagMs, 0)} |`);
  const soakMinutes = Number(values['soak-minutes']);
  if (soakMinutes > 0) {
    // The soak measures its own maximum with the loader not yielding, as it runs (bench/soak.ts).
    console.log(`\ncollection soak, ${fmt(soakMinutes, 1)} minutes at 70% of the end-to-end rate:`);
    printSoak(await benchSoak({ seconds: soakMinutes * 60, fraction: 0.7, memoryLimit: '1GB' }));
  }
} finally {
  if (!values.keep) rmSync(work, { recursive: true, force: true });
}
