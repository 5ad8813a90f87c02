import { Command, Option } from 'commander';
import { importFiles, IMPORT_KINDS, loadMapping, type ImportReport } from '../collect/index.js';
import { table } from './format.js';
import { configOption, dbOption, jsonOption, printJson, withStore, type StoreOptions } from './options.js';
import { progressBar } from './progress.js';

interface ImportCommandOptions extends StoreOptions {
  kind?: string;
  mapping?: string;
  json?: boolean;
}

export async function importAndReport(
  paths: readonly string[],
  options: ImportCommandOptions,
): Promise<ImportReport> {
  return withStore(options, async (engine, config) => {
    const bar = progressBar('import', !options.json && process.stderr.isTTY);
    try {
      return await importFiles(engine, paths, {
        ...(options.kind ? { kind: options.kind } : {}),
        ...(options.mapping ? { mapping: loadMapping(options.mapping) } : {}),
        maxProblems: config.import.maxProblems,
        onProgress: (p) => bar.update(p.index * 3 + ['read', 'validate', 'write'].indexOf(p.stage), p.total * 3, `${p.stage} ${p.file}`),
      });
    } finally {
      bar.stop();
    }
  });
}

export function printImportReport(report: ImportReport): void {
  console.log(
    table(
      ['file', 'kind', 'records', 'inserted', 'updated', 'unchanged'],
      report.files.map((f) => [f.file, f.kind, f.records, f.inserted, f.updated, f.unchanged]),
    ),
  );
  if (report.skipped.length > 0) console.log(`skipped (name names no kind): ${report.skipped.join(', ')}`);
}

export function importCommand(): Command {
  return new Command('import')
    .description('load CSV, Parquet or JSON Lines files (or folders of them) into the datamart, all or nothing')
    .argument('<paths...>', 'files or folders; the kind comes from each file name (orders.csv, order_lines.parquet...)')
    .addOption(new Option('--kind <kind>', 'what the files hold, when their names do not say it').choices(IMPORT_KINDS))
    .option('--mapping <file>', 'JSON file mapping your column names and formats to ours (see docs/import.md)')
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (paths: string[], options: ImportCommandOptions) => {
      const report = await importAndReport(paths, options);
      if (options.json) printJson(report);
      else printImportReport(report);
    });
}
