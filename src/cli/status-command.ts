import { Command } from 'commander';
import { datamartStatus, type DatamartStatus } from '../store/index.js';
import { formatDate, table } from './format.js';
import { configOption, dbOption, jsonOption, printJson, withStore } from './options.js';

export function printStatus(status: DatamartStatus, currency: string): void {
  console.log(`datamart: ${status.location}`);
  const bySource = Object.entries(status.customersBySource)
    .map(([source, n]) => `${source} ${n.toLocaleString('en-US')}`)
    .join(', ');
  console.log(`customers: ${status.customers.toLocaleString('en-US')} records${bySource ? ` (${bySource})` : ''}`);
  console.log(
    `revenue: ${new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 0 }).format(status.revenue)}`,
  );
  console.log(`purchases from ${formatDate(status.firstPurchase)} to ${formatDate(status.lastPurchase)}`);
  console.log(`last import: ${status.lastImport ? status.lastImport.toISOString() : 'never'}`);
  console.log(
    `last run: ${status.lastRun ? `${status.lastRun.finishedAt.toISOString()} (as of ${formatDate(status.lastRun.asOf)})` : 'never'}`,
  );
  console.log('');
  console.log(table(['table', 'rows'], status.tables.map((t) => [t.table, t.rows])));
}

export function statusCommand(): Command {
  return new Command('status')
    .description('show what the datamart holds: rows per table, date range, customers')
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (options: { db?: string; config?: string; json?: boolean }) => {
      const { status, currency } = await withStore(options, async (engine, config) => ({
        status: await datamartStatus(engine),
        currency: config.currency,
      }));
      if (options.json) printJson({ ...status, currency });
      else printStatus(status, currency);
    });
}
