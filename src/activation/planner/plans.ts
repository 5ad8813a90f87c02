import { NotFoundError } from '../../errors.js';
import { sql, type Engine } from '../../store/index.js';
import { campaignFileSchema, type PlanChannel } from './campaign-file.js';
import type { CampaignSummary, PlanReport } from './plan.js';

interface PlanRow {
  plan_id: string;
  created_at: Date;
  as_of: Date;
  expected_value: number;
  upper_bound: number;
  gap: number;
  seconds: number;
  campaign_file: string;
  unmet_minimums: string | null;
}

interface CampaignRow {
  campaign_id: string;
  channel: string;
  contacts: number;
  cost: number;
  expected_value: number;
  eligible: number;
  holdout: number;
}

async function toReport(engine: Engine, row: PlanRow): Promise<PlanReport> {
  const file = campaignFileSchema.parse(JSON.parse(row.campaign_file));
  const rows = await engine.query<CampaignRow & Record<string, unknown>>(
    sql`SELECT campaign_id, channel, contacts, cost, expected_value, eligible, holdout FROM plan_campaigns WHERE plan_id = ${row.plan_id}`,
  );
  const campaigns: CampaignSummary[] = file.campaigns.map((c) => {
    const mine = rows.filter((r) => r.campaign_id === c.id);
    const channels = mine.map((r) => ({ channel: r.channel as PlanChannel, contacts: Number(r.contacts), cost: Number(r.cost), expectedValue: Number(r.expected_value) }));
    const sum = (f: (x: (typeof channels)[number]) => number): number => channels.reduce((t, x) => t + f(x), 0);
    return {
      id: c.id, name: c.name, budget: c.budget, eligible: Number(mine[0]?.eligible ?? 0), holdout: Number(mine[0]?.holdout ?? 0),
      contacts: sum((x) => x.contacts), cost: sum((x) => x.cost), expectedValue: sum((x) => x.expectedValue), channels,
    };
  });
  return {
    planId: row.plan_id,
    asOf: new Date(row.as_of).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
    expectedValue: Number(row.expected_value),
    upperBound: Number(row.upper_bound),
    gap: Number(row.gap),
    seconds: Number(row.seconds),
    contacts: campaigns.reduce((t, c) => t + c.contacts, 0),
    unmetMinimums: row.unmet_minimums ? (JSON.parse(row.unmet_minimums) as string[]) : [],
    campaigns,
  };
}

const PLAN_COLUMNS = sql`plan_id, created_at, as_of, expected_value, upper_bound, gap, seconds, campaign_file, unmet_minimums`;

/** Stored plans, newest first. */
export async function listPlans(engine: Engine, limit = 50): Promise<PlanReport[]> {
  const rows = await engine.query<PlanRow & Record<string, unknown>>(sql`SELECT ${PLAN_COLUMNS} FROM plans ORDER BY created_at DESC, plan_id LIMIT ${limit}`);
  return Promise.all(rows.map((r) => toReport(engine, r)));
}

export async function getPlan(engine: Engine, planId: string): Promise<PlanReport> {
  const [row] = await engine.query<PlanRow & Record<string, unknown>>(sql`SELECT ${PLAN_COLUMNS} FROM plans WHERE plan_id = ${planId}`);
  if (!row) throw new NotFoundError(`no plan ${planId}`);
  return toReport(engine, row);
}
