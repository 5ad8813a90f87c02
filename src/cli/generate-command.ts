import { Command, Option } from 'commander';
import { generateDemoCompany, type GenerateReport } from '../generate/index.js';
import { table } from './format.js';
import { integer, jsonOption, positiveInteger, printJson } from './options.js';
import { progressBar } from './progress.js';

export interface GenerateCommandOptions {
  customers: number;
  seed: number;
  out: string;
  format: 'csv' | 'parquet' | 'jsonl';
  json?: boolean;
}

export async function generateWithProgress(options: GenerateCommandOptions): Promise<GenerateReport> {
  const bar = progressBar('generate', !options.json && process.stderr.isTTY);
  try {
    return await generateDemoCompany({
      customers: options.customers,
      seed: options.seed,
      outDir: options.out,
      format: options.format,
      onProgress: (done, total) => bar.update(done, total, 'customers'),
    });
  } finally {
    bar.stop();
  }
}

export function printGenerateReport(report: GenerateReport): void {
  console.log(table(['table', 'rows'], Object.entries(report.rows).map(([t, n]) => [t, n])));
  console.log(`ground truth (for tests and benchmarks only): ${report.groundTruthDir}`);
}

export function generateCommand(): Command {
  return new Command('generate')
    .description('generate a realistic demo company (3 years of a multi-channel retailer), deterministic for a seed')
    .option('--customers <n>', 'number of people', positiveInteger, 10_000)
    .option('--seed <s>', 'random seed', integer, 42)
    .option('--out <dir>', 'output folder', './demo-data')
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'parquet', 'jsonl']).default('csv'))
    .addOption(jsonOption())
    .action(async (options: GenerateCommandOptions) => {
      const report = await generateWithProgress(options);
      if (options.json) printJson(report);
      else printGenerateReport(report);
    });
}
