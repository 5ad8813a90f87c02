import { Command } from 'commander';
import { campaignReport, type CampaignReport } from '../activation/planner/index.js';
import { table } from './format.js';
import { configOption, dbOption, jsonOption, printJson, withStore } from './options.js';

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
const eur = (x: number): string => x.toFixed(2);

function printReport(r: CampaignReport): void {
  console.log(`Campaign ${r.campaignId} (${r.name}), plan ${r.planId}; orders from ${r.window.from.slice(0, 10)} to ${r.window.to.slice(0, 10)}`);
  console.log(table(
    ['arm', 'persons', 'responders', 'response rate', 'revenue EUR', 'revenue/person EUR', 'attributed orders', 'reactions'],
    [['targeted', r.targeted], ['holdout', r.holdout]].map(([name, a]) => {
      const arm = a as CampaignReport['targeted'];
      return [name as string, arm.persons, arm.responders, pct(arm.responseRate), eur(arm.revenue), eur(arm.revenuePerPerson), arm.attributedOrders, arm.reactions];
    }),
  ));
  console.log(`Response uplift ${pct(r.responseUplift.estimate)} (95% interval ${pct(r.responseUplift.low)} to ${pct(r.responseUplift.high)})`);
  console.log(`Revenue uplift per person ${eur(r.revenueUpliftPerPerson.estimate)} EUR (95% interval ${eur(r.revenueUpliftPerPerson.low)} to ${eur(r.revenueUpliftPerPerson.high)}); incremental revenue ${eur(r.incrementalRevenue)} EUR`);
  console.log(`Cost ${eur(r.cost)} EUR; ROI on revenue ${r.roi === null ? '-' : pct(r.roi)}`);
  console.log(`Method: ${r.method}`);
}

export function campaignsCommand(): Command {
  const campaigns = new Command('campaigns').description('planned campaigns and their measured results');
  campaigns.addCommand(
    new Command('report')
      .description('response and revenue per arm (targeted vs holdout) of a campaign\'s latest plan, uplift with a 95% interval, cost and ROI')
      .argument('<id>', 'campaign id')
      .addOption(dbOption())
      .addOption(configOption())
      .addOption(jsonOption())
      .action(async (id: string, options: { db?: string; config?: string; json?: boolean }) => {
        const report = await withStore(options, (engine, config) => campaignReport(engine, config.activation.planner, id));
        if (options.json) printJson(report);
        else printReport(report);
      }),
  );
  return campaigns;
}
