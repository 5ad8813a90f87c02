import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { loadConfig } from '../config/index.js';
import { addUser, generatePassword, startServer, type RunningServer } from '../server/index.js';
import { defaultAsOf } from '../pipeline/index.js';
import { datamartStatus } from '../store/index.js';
import { generateWithProgress } from './generate-command.js';
import { importAndReport, printImportReport } from './import-command.js';
import { formatDate } from './format.js';
import { configOption, integer, positiveInteger, withStore } from './options.js';
import { printRunReport, runWithProgress } from './run-command.js';
import { printStatus } from './status-command.js';
import { printClassSummary, printValueSummary } from './value-summary.js';

interface DemoOptions {
  customers: number;
  seed: number;
  dir: string;
  config?: string;
  /** false with --no-serve: stop after showing the datamart. */
  serve: boolean;
  port?: number;
  host?: string;
}

export const DEMO_USER = 'demo';
/** Days between the demo's two pipeline runs (a quarter). */
export const DEMO_SNAPSHOT_GAP_DAYS = 91;

/**
 * Generates a demo company, imports it into a fresh datamart, runs the pipeline and shows the
 * result; then, unless told not to, adds a demo admin user and serves the dashboard until Ctrl-C.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const dataDir = join(options.dir, 'data');
  const db = join(options.dir, 'demo.duckdb');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  console.log(`1/${steps(options)} generating a demo company of ${options.customers.toLocaleString('en-US')} people in ${dataDir}`);
  await generateWithProgress({ customers: options.customers, seed: options.seed, out: dataDir, format: 'csv' });
  console.log(`2/${steps(options)} importing into ${db}`);
  printImportReport(await importAndReport([dataDir], { db, ...(options.config ? { config: options.config } : {}) }));
  const store = { db, ...(options.config ? { config: options.config } : {}) };
  await withStore(store, async (engine, config) => {
    // Twice: a quarter before the last purchase, then at it, so the dashboard's migration card
    // shows how customers moved between two snapshots from the first time it is opened.
    const asOf = await defaultAsOf(engine);
    const earlier = new Date(asOf.getTime() - DEMO_SNAPSHOT_GAP_DAYS * 86_400_000);
    console.log(`3/${steps(options)} running the pipeline as of ${formatDate(earlier)}, then as of ${formatDate(asOf)} (two snapshots: how customers moved)`);
    await runWithProgress(engine, config, earlier, false);
    printRunReport(await runWithProgress(engine, config, asOf, false));
    console.log(`4/${steps(options)} the datamart`);
    printStatus(await datamartStatus(engine), config.currency);
    await printValueSummary(engine);
    await printClassSummary(engine);
  });
  console.log(`\nExplore it: fidelis segments --db ${db}  |  fidelis customer ID --db ${db}  |  fidelis status --db ${db}`);
  if (!options.serve) return;

  console.log(`\n5/5 the dashboard`);
  const password = generatePassword();
  await withStore(store, (engine) => addUser(engine, DEMO_USER, 'admin', password));
  const server = await listen(db, options);
  console.log(`\nThe dashboard is at ${server.url}/  (Ctrl-C to stop)`);
  console.log(`Log in as "${DEMO_USER}" with this password (an admin user of this demo datamart only):`);
  console.log(password);
  const signal = await new Promise<string>((resolve) => {
    for (const name of ['SIGINT', 'SIGTERM'] as const) process.once(name, () => resolve(name));
  });
  process.stderr.write(`fidelis: ${signal}, stopping the server\n`);
  await server.close();
}

const steps = (options: DemoOptions): number => (options.serve ? 5 : 4);

/** The server on the demo datamart; on the asked port, or any free one when it is taken. */
async function listen(db: string, options: DemoOptions): Promise<RunningServer> {
  const config = loadConfig(options.config, { db });
  const host = options.host ?? config.server.host;
  const port = options.port ?? config.server.port;
  try {
    return await startServer({ config, host, port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.log(`port ${port} is taken; using a free one`);
    return startServer({ config, host, port: 0 });
  }
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('generate a demo company, import it, run the pipeline, show the result and serve the dashboard on it until Ctrl-C')
    .option('--customers <n>', 'number of people', positiveInteger, 20_000)
    .option('--seed <s>', 'random seed', integer, 42)
    .option('--dir <dir>', 'folder for the demo data and database', './.fidelis/demo')
    .addOption(configOption())
    .option('--no-serve', 'stop after showing the datamart (no demo user, no server)')
    .addOption(new Option('--port <port>', 'port of the dashboard (default 7878; a free one when it is taken)').argParser(integer))
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .action(async (options: DemoOptions) => {
      await runDemo(options);
    });
}
