import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { makePlan, parseCampaignFile, type PlanReport } from '../activation/planner/index.js';
import { refreshAllowance } from '../activation/planner/allowance.js';
import { UsageError } from '../errors.js';
import { defaultAsOf } from '../pipeline/index.js';
import { table } from './format.js';
import { configOption, dbOption, isoDate, jsonOption, printJson, withStore } from './options.js';

function readCampaignFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const eur = (x: number): string => Math.round(x).toLocaleString('en-US');

export function printPlan(report: PlanReport): void {
  console.log(`Plan ${report.planId} (data as of ${report.asOf.slice(0, 10)}), solved in ${report.seconds.toFixed(1)} s`);
  console.log(`Expected net value ${eur(report.expectedValue)} EUR; dual upper bound ${eur(report.upperBound)} EUR; gap ${(100 * report.gap).toFixed(3)}% (the plan is at most this far from the best possible)`);
  if (report.unmetMinimums.length > 0) console.log(`Minimums not reached: ${report.unmetMinimums.join(', ')}`);
  console.log(table(
    ['campaign', 'channel', 'contacts', 'cost EUR', 'expected net value EUR', 'budget EUR', 'eligible', 'holdout'],
    report.campaigns.flatMap((c) => [
      ...c.channels.map((ch) => [c.id, ch.channel, ch.contacts, eur(ch.cost), eur(ch.expectedValue), '', '', '']),
      [c.id, 'all', c.contacts, eur(c.cost), eur(c.expectedValue), eur(c.budget), c.eligible, c.holdout],
    ]),
  ));
}

export function planCommand(): Command {
  return new Command('plan')
    .description('plan campaigns: one contact per person and campaign at most, on the channel and to the persons that maximise expected net value within budgets, capacities, minimums and the contact-pressure policy; writes planned contacts and each campaign\'s holdout')
    .requiredOption('--campaigns <file>', 'campaign file (JSON: { "campaigns": [...] }, see docs/activation.md)')
    .option('--as-of <date>', 'date of the data the plan is made on (default: the last order)', isoDate)
    .option('--out <file>', 'also write the plan (JSON) to this file')
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (options: { campaigns: string; asOf?: Date; out?: string; db?: string; config?: string; json?: boolean }) => {
      const file = parseCampaignFile(readCampaignFile(options.campaigns), options.campaigns);
      const report = await withStore(options, async (engine, config) => {
        const asOf = options.asOf ?? (await defaultAsOf(engine));
        await refreshAllowance(engine, config, asOf, file.campaigns.map((c) => c.id));
        return makePlan(engine, config.activation.planner, file, { asOf, quiet: config.activation.pressure });
      });
      if (options.out) writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
      if (options.json) printJson(report);
      else printPlan(report);
    });
}
