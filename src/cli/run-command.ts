import { Command } from 'commander';
import { runPipeline, type RunReport } from '../pipeline/index.js';
import type { Config } from '../config/index.js';
import type { Engine } from '../store/index.js';
import { formatDate, table } from './format.js';
import { configOption, dbOption, isoDate, jsonOption, printJson, withStore } from './options.js';
import { progressBar } from './progress.js';

export async function runWithProgress(engine: Engine, config: Config, asOf: Date | undefined, quiet: boolean, from?: string): Promise<RunReport> {
  const bar = progressBar('run', !quiet && process.stderr.isTTY);
  try {
    return await runPipeline(engine, config, {
      ...(asOf ? { asOf } : {}),
      ...(from ? { from } : {}),
      onStep: (step, index, total) => bar.update(index, total, step.name),
    });
  } finally {
    bar.stop();
  }
}

export function printRunReport(report: RunReport): void {
  console.log(`pipeline run as of ${formatDate(report.asOf)}`);
  console.log(table(['step', 'seconds'], report.steps.map((s) => [s.name, Number(s.seconds.toFixed(2))])));
  for (const warning of report.warnings) console.log(`warning: ${warning}`);
}

export function runCommand(): Command {
  return new Command('run')
    .description('run the whole analysis pipeline on the datamart, in order')
    .option('--as-of <date>', 'analyse the data as of this date (default: the last purchase)', isoDate)
    .option('--from <step>', 'start at this step, taking the tables of the steps before it as they are (after a change of settings that only later steps read)')
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (options: { asOf?: Date; from?: string; db?: string; config?: string; json?: boolean }) => {
      const report = await withStore(options, (engine, config) =>
        runWithProgress(engine, config, options.asOf, Boolean(options.json), options.from),
      );
      if (options.json) printJson(report);
      else printRunReport(report);
    });
}
