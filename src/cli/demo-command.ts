import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { datamartStatus } from '../store/index.js';
import { generateWithProgress } from './generate-command.js';
import { importAndReport, printImportReport } from './import-command.js';
import { configOption, integer, positiveInteger, withStore } from './options.js';
import { printRunReport, runWithProgress } from './run-command.js';
import { printStatus } from './status-command.js';
import { printClassSummary, printValueSummary } from './value-summary.js';

interface DemoOptions {
  customers: number;
  seed: number;
  dir: string;
  config?: string;
}

/** Generates a demo company, imports it into a fresh datamart, runs the pipeline and shows the result. */
export async function runDemo(options: DemoOptions): Promise<void> {
  const dataDir = join(options.dir, 'data');
  const db = join(options.dir, 'demo.duckdb');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  console.log(`1/4 generating a demo company of ${options.customers.toLocaleString('en-US')} people in ${dataDir}`);
  await generateWithProgress({ customers: options.customers, seed: options.seed, out: dataDir, format: 'csv' });
  console.log(`2/4 importing into ${db}`);
  printImportReport(await importAndReport([dataDir], { db, ...(options.config ? { config: options.config } : {}) }));
  console.log('3/4 running the pipeline');
  const store = { db, ...(options.config ? { config: options.config } : {}) };
  await withStore(store, async (engine, config) => {
    printRunReport(await runWithProgress(engine, config, undefined, false));
    console.log('4/4 the datamart');
    printStatus(await datamartStatus(engine), config.currency);
    await printValueSummary(engine);
    await printClassSummary(engine);
  });
  console.log(`\nExplore it: fidelis segments --db ${db}  |  fidelis customer ID --db ${db}  |  fidelis status --db ${db}`);
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('generate a demo company, import it, run the pipeline and show the result')
    .option('--customers <n>', 'number of people', positiveInteger, 20_000)
    .option('--seed <s>', 'random seed', integer, 42)
    .option('--dir <dir>', 'folder for the demo data and database', './.fidelis/demo')
    .addOption(configOption())
    .action(async (options: DemoOptions) => {
      await runDemo(options);
    });
}
