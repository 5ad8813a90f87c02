import { Command, Option } from 'commander';
import {
  classSummary, migrationMatrix, listSnapshots, paretoRows, CLASS_DIMENSIONS, SNAPSHOT_DIMENSIONS,
  type ClassDimension, type ClassSummaryRow, type MigrationMatrix, type ParetoRow, type SnapshotDimension,
} from '../segments/index.js';
import { table } from './format.js';
import { configOption, dbOption, isoDate, jsonOption, printJson, withStore } from './options.js';

const TITLES: Record<ClassDimension, string> = {
  value_tier: 'Value tiers (CPP / CCM / CNR)',
  value_column: 'Four columns (d1-d4)',
  grid: 'Revenue x profitability grid',
  digital_type: 'Digital-maturity types',
  online_move: 'Online-migration moves',
  rfm_segment: 'RFM segments',
};

interface SegmentsReport {
  readonly classes: Record<string, ClassSummaryRow[]>;
  readonly pareto: ParetoRow[];
  readonly migration: MigrationMatrix | null;
}

export function segmentsCommand(): Command {
  return new Command('segments')
    .description('print the tier, four-column, grid, digital-type and RFM tables, the Pareto table and the moves between snapshots')
    .addOption(new Option('--migration <dimension>', 'class the migration matrix is drawn on').choices([...SNAPSHOT_DIMENSIONS]).default('value_tier'))
    .option('--from <date>', 'earlier snapshot of the migration matrix (default: the one before --to)', isoDate)
    .option('--to <date>', 'later snapshot (default: the latest)', isoDate)
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (options: { migration: SnapshotDimension; from?: Date; to?: Date; db?: string; config?: string; json?: boolean }) => {
      const report = await withStore(options, async (engine): Promise<SegmentsReport> => {
        const classes: Record<string, ClassSummaryRow[]> = {};
        for (const dimension of CLASS_DIMENSIONS) classes[dimension] = await classSummary(engine, dimension);
        const snapshots = await listSnapshots(engine);
        const wanted = options.from !== undefined || options.to !== undefined;
        const migration = wanted || snapshots.length >= 2
          ? await migrationMatrix(engine, options.migration, { ...(options.from ? { from: options.from } : {}), ...(options.to ? { to: options.to } : {}) })
          : null;
        return { classes, pareto: await paretoRows(engine), migration };
      });
      if (options.json) printJson(report);
      else printReport(report);
    });
}

const percent = (share: number): number => Number((100 * share).toFixed(1));

function printReport(report: SegmentsReport): void {
  for (const dimension of CLASS_DIMENSIONS) {
    const rows = report.classes[dimension] ?? [];
    console.log(`\n${TITLES[dimension]}`);
    console.log(table(
      ['class', 'customers', '% customers', 'revenue', '% revenue', 'net contribution', 'predicted CLV', 'attachment'],
      rows.map((r) => [r.class, r.customers, percent(r.customerShare), Math.round(r.revenue), percent(r.revenueShare),
        Math.round(r.netContribution), Math.round(r.clv), r.averageAttachment === null ? '-' : Math.round(r.averageAttachment)]),
    ));
  }
  console.log('\nPareto: share of the total made by the top customers (each ranked on the measure)');
  const shares = [...new Set(report.pareto.map((r) => r.customerShare))];
  const measures = [...new Set(report.pareto.map((r) => r.measure))];
  console.log(table(['top customers', ...measures], shares.map((share) => [
    `${percent(share)}%`,
    ...measures.map((m) => `${percent(report.pareto.find((r) => r.measure === m && r.customerShare === share)?.valueShare ?? 0)}%`),
  ])));
  const m = report.migration;
  if (m) {
    console.log(`\nMigration of ${m.dimension} from ${m.from.toISOString().slice(0, 10)} (rows) to ${m.to.toISOString().slice(0, 10)} (columns)`);
    console.log(table(['from \\ to', ...m.toClasses], m.fromClasses.map((from) => [
      from, ...m.toClasses.map((to) => m.cells.find((c) => c.from === from && c.to === to)?.customers ?? 0),
    ])));
  }
}
