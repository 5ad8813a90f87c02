import { randomUUID } from 'node:crypto';
import type { PlannerConfig } from '../../config/planner-config.js';
import type { QuietPolicy } from '../pressure/index.js';
import { CONTACT_CHANNELS, sql, type Engine, type Sql, type SqlValue } from '../../store/index.js';
import { resolveAudience } from './audience.js';
import { campaignStart, capacityOver, defaultChannel, type Campaign, type CampaignFile, type PlanChannel } from './campaign-file.js';
import { drawHoldout } from './holdout.js';
import { DEFAULT_INPUT_TABLES, readPersonInputs, type InputTables, type PersonInputs } from './inputs.js';
import type { GlobalConstraint, PlanProblem } from './problem.js';
import { plannedSendTime } from './send-time.js';
import { solvePlan, type PlanSolution } from './solver.js';

export interface ChannelSummary {
  readonly channel: PlanChannel;
  readonly contacts: number;
  /** EUR. */
  readonly cost: number;
  /** Expected net value, EUR (P(response) x value of a response - cost). */
  readonly expectedValue: number;
}

export interface CampaignSummary {
  readonly id: string;
  readonly name: string;
  readonly budget: number;
  readonly eligible: number;
  readonly holdout: number;
  readonly contacts: number;
  readonly cost: number;
  readonly expectedValue: number;
  readonly channels: readonly ChannelSummary[];
}

export interface PlanReport {
  readonly planId: string;
  readonly asOf: string;
  readonly createdAt: string;
  /** Expected net value of the plan, EUR. */
  readonly expectedValue: number;
  /** No plan meeting the same constraints is worth more (Lagrangian dual bound), EUR. */
  readonly upperBound: number;
  /** (upperBound - expectedValue) / upperBound. */
  readonly gap: number;
  readonly seconds: number;
  readonly contacts: number;
  readonly unmetMinimums: readonly string[];
  readonly campaigns: readonly CampaignSummary[];
}

export interface PlanOptions {
  readonly asOf: Date;
  readonly tables?: InputTables;
  /** Store the plan, its holdouts and its planned contacts (default true). */
  readonly write?: boolean;
  /** Quiet hours of the contact-pressure policy: planned send times are moved past them. */
  readonly quiet?: QuietPolicy;
}

export interface Built {
  readonly problem: PlanProblem;
  readonly inputs: PersonInputs;
  readonly eligible: Uint8Array[];
  readonly holdouts: Uint8Array[];
}

/** The problem's arrays from the person inputs and the campaigns: eligibility, holdouts drawn first, values and the global constraints. */
async function buildProblem(engine: Engine, config: PlannerConfig, file: CampaignFile, tables: InputTables, asOf: Date): Promise<Built> {
  const used = new Set(file.campaigns.flatMap((c) => c.channels));
  const channels = CONTACT_CHANNELS.filter((ch) => used.has(ch));
  const inputs = await readPersonInputs(engine, channels, tables);
  const N = inputs.personIds.length;
  const K = file.campaigns.length;
  const J = channels.length;
  const allowed = new Uint8Array(K * J);
  const responseValue = new Float64Array(N * K).fill(Number.NaN);
  const eligibleSets: Uint8Array[] = [];
  const holdouts: Uint8Array[] = [];
  for (const [k, campaign] of file.campaigns.entries()) {
    for (const ch of campaign.channels) allowed[k * J + channels.indexOf(ch)] = 1;
    const members = await resolveAudience(engine, campaign.audience, asOf);
    const eligible = new Uint8Array(N);
    for (let i = 0; i < N; i += 1) {
      if (members && !members.has(inputs.personIds[i]!)) continue;
      if (inputs.remainingAll[i] === 0) continue;
      for (let j = 0; j < J; j += 1) {
        if (allowed[k * J + j] && inputs.remaining[i * J + j]! > 0) {
          eligible[i] = 1;
          break;
        }
      }
    }
    const holdout = drawHoldout(inputs.personIds, inputs.tiers, eligible, campaign.holdoutShare ?? config.holdoutShare, config.seed, campaign.id);
    for (let i = 0; i < N; i += 1) {
      if (!eligible[i] || holdout[i]) continue;
      responseValue[i * K + k] = campaign.responseValue === 'expected_basket' ? inputs.expectedBasket[i]! : campaign.responseValue.margin;
    }
    eligibleSets.push(eligible);
    holdouts.push(holdout);
  }
  const constraints: GlobalConstraint[] = [];
  const cellsOf = (ks: readonly number[], js: readonly number[]): Uint8Array => {
    const cells = new Uint8Array(K * J);
    for (const k of ks) for (const j of js) cells[k * J + j] = 1;
    return cells;
  };
  const allJ = channels.map((_, j) => j);
  for (const [k, c] of file.campaigns.entries()) {
    constraints.push({ name: `budget:${c.id}`, kind: 'cost', sense: 'max', rhs: c.budget, cells: cellsOf([k], allJ) });
    for (const [ch, cap] of Object.entries(c.capacities)) {
      if (cap !== undefined) constraints.push({ name: `capacity:${c.id}:${ch}`, kind: 'count', sense: 'max', rhs: capacityOver(cap, c.start, c.end), cells: cellsOf([k], [channels.indexOf(ch as PlanChannel)]) });
    }
    for (const [ch, min] of Object.entries(c.minimums)) {
      if (min !== undefined) constraints.push({ name: `minimum:${c.id}:${ch}`, kind: 'count', sense: 'min', rhs: min, cells: cellsOf([k], ch === 'all' ? allJ : [channels.indexOf(ch as PlanChannel)]) });
    }
  }
  const starts = file.campaigns.map((c) => c.start).sort();
  const ends = file.campaigns.map((c) => c.end).sort();
  for (const [ch, cap] of Object.entries(file.capacities)) {
    if (cap !== undefined) constraints.push({ name: `capacity:${ch}`, kind: 'count', sense: 'max', rhs: capacityOver(cap, starts[0]!, ends[ends.length - 1]!), cells: cellsOf(file.campaigns.map((_, k) => k), [channels.indexOf(ch as PlanChannel)]) });
  }
  const problem: PlanProblem = {
    persons: N, campaigns: K, channels: J, pResponse: inputs.pResponse, unitCost: inputs.unitCost, responseValue, allowed,
    remaining: inputs.remaining, remainingAll: inputs.remainingAll, constraints,
  };
  return { problem, inputs, eligible: eligibleSets, holdouts };
}

function summarise(file: CampaignFile, built: Built, solution: PlanSolution): CampaignSummary[] {
  const { problem, inputs } = built;
  const { persons: N, campaigns: K, channels: J } = problem;
  return file.campaigns.map((c, k) => {
    const per = inputs.channels.map((channel) => ({ channel, contacts: 0, cost: 0, expectedValue: 0 }));
    for (let i = 0; i < N; i += 1) {
      const j = solution.assignment[i * K + k]!;
      if (j < 0) continue;
      const cost = problem.unitCost[i * J + j]!;
      per[j]!.contacts += 1;
      per[j]!.cost += cost;
      per[j]!.expectedValue += problem.pResponse[i * J + j]! * problem.responseValue[i * K + k]! - cost;
    }
    const channels = per.filter((p) => c.channels.includes(p.channel));
    const sum = (f: (p: ChannelSummary) => number): number => channels.reduce((t, p) => t + f(p), 0);
    const count = (a: Uint8Array): number => a.reduce((t, v) => t + v, 0);
    return {
      id: c.id, name: c.name, budget: c.budget, eligible: count(built.eligible[k]!), holdout: count(built.holdouts[k]!),
      contacts: sum((p) => p.contacts), cost: sum((p) => p.cost), expectedValue: sum((p) => p.expectedValue), channels,
    };
  });
}

/** The problem and its solution, nothing stored: what makePlan stores, and what a simulation replays contact by contact. */
export async function solveCampaigns(
  engine: Engine,
  config: PlannerConfig,
  file: CampaignFile,
  tables: InputTables = DEFAULT_INPUT_TABLES,
  asOf: Date = new Date(),
): Promise<{ built: Built; solution: PlanSolution }> {
  const built = await buildProblem(engine, config, file, tables, asOf);
  return { built, solution: solvePlan(built.problem, { sampleSize: config.sampleSize, seed: config.seed }) };
}

/**
 * Plans the campaigns of a file on the data as of a date: reads the channel estimates and the
 * contact allowance, draws each campaign's holdout, solves (solver.ts), and unless `write` is false
 * stores the plan, its holdouts, its campaigns and its contacts (status 'planned') so the pressure
 * policy and the history count them.
 */
export async function makePlan(engine: Engine, config: PlannerConfig, file: CampaignFile, options: PlanOptions): Promise<PlanReport> {
  const t0 = performance.now();
  const { built, solution } = await solveCampaigns(engine, config, file, options.tables ?? DEFAULT_INPUT_TABLES, options.asOf);
  const seconds = (performance.now() - t0) / 1000;
  const campaigns = summarise(file, built, solution);
  const report: PlanReport = {
    planId: `plan-${randomUUID()}`,
    asOf: options.asOf.toISOString(),
    createdAt: new Date().toISOString(),
    expectedValue: solution.value,
    upperBound: solution.upperBound,
    gap: solution.gap,
    seconds,
    contacts: campaigns.reduce((t, c) => t + c.contacts, 0),
    unmetMinimums: solution.unmetMinimums,
    campaigns,
  };
  if (options.write ?? true) await storePlan(engine, config, file, built, solution, report, options.quiet);
  return report;
}

async function insertRows(engine: Engine, table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
  const names = sql.join(columns.map((c) => sql.id(c)));
  for (let start = 0; start < rows.length; start += 500) {
    const values: Sql[] = rows.slice(start, start + 500).map((r) => sql`(${sql.join(r.map((v) => sql`${v}`))})`);
    await engine.exec(sql`INSERT INTO ${sql.id(table)} (${names}) VALUES ${sql.join(values)}`);
  }
}

async function storePlan(
  engine: Engine,
  config: PlannerConfig,
  file: CampaignFile,
  built: Built,
  solution: PlanSolution,
  report: PlanReport,
  quiet: QuietPolicy | undefined,
): Promise<void> {
  const { problem, inputs } = built;
  const { persons: N, campaigns: K, channels: J } = problem;
  const ids = file.campaigns.map((c) => c.id);
  await engine.transaction(async (tx) => {
    await tx.exec(sql`INSERT INTO plans (plan_id, created_at, as_of, expected_value, upper_bound, gap, seconds, campaign_file, unmet_minimums)
      VALUES (${report.planId}, ${new Date(report.createdAt)}, ${new Date(report.asOf)}, ${report.expectedValue}, ${report.upperBound}, ${report.gap},
        ${report.seconds}, ${JSON.stringify(file)}, ${JSON.stringify(report.unmetMinimums)})`);
    await insertRows(tx, 'plan_campaigns', ['plan_id', 'campaign_id', 'channel', 'contacts', 'cost', 'expected_value', 'eligible', 'holdout'],
      report.campaigns.flatMap((c) => c.channels.map((ch) => [report.planId, c.id, ch.channel, ch.contacts, ch.cost, ch.expectedValue, c.eligible, c.holdout])));
    const inIds = sql.join(ids.map((id) => sql`${id}`));
    await tx.exec(sql`DELETE FROM campaign_holdouts WHERE campaign_id IN (${inIds})`);
    const holdoutRows: SqlValue[][] = [];
    built.holdouts.forEach((h, k) => {
      for (let i = 0; i < N; i += 1) if (h[i]) holdoutRows.push([report.planId, ids[k]!, inputs.personIds[i]!, inputs.tiers[i]!]);
    });
    await insertRows(tx, 'campaign_holdouts', ['plan_id', 'campaign_id', 'person_id', 'value_tier'], holdoutRows);
    // Re-planning a campaign replaces what was planned and not sent yet.
    await tx.exec(sql`UPDATE contacts SET status = 'cancelled' WHERE campaign_id IN (${inIds}) AND status = 'planned'`);
    await tx.exec(sql`DELETE FROM campaigns WHERE campaign_id IN (${inIds})`);
    await insertRows(tx, 'campaigns', ['campaign_id', 'name', 'channel', 'objective', 'started_at'],
      file.campaigns.map((c: Campaign) => [c.id, c.name, defaultChannel(c), 'planned', campaignStart(c)]));
    await tx.exec(sql`CREATE TEMPORARY TABLE plan_staging (contact_id VARCHAR, person_id VARCHAR, campaign_id VARCHAR, channel VARCHAR, sent_at TIMESTAMP, unit_cost DOUBLE)`);
    const staged: SqlValue[][] = [];
    for (let i = 0; i < N; i += 1) {
      for (let k = 0; k < K; k += 1) {
        const j = solution.assignment[i * K + k]!;
        if (j < 0) continue;
        const channel = inputs.channels[j]!;
        const personId = inputs.personIds[i]!;
        const start = campaignStart(file.campaigns[k]!);
        staged.push([`${report.planId}:${ids[k]!}:${personId}`, personId, ids[k]!, channel, plannedSendTime(start, channel, config.sendHourUtc, quiet), problem.unitCost[i * J + j]!]);
      }
    }
    await insertRows(tx, 'plan_staging', ['contact_id', 'person_id', 'campaign_id', 'channel', 'sent_at', 'unit_cost'], staged);
    await tx.exec(sql`INSERT INTO contacts (contact_id, customer_id, campaign_id, channel, sent_at, unit_cost, status)
      SELECT s.contact_id, p.customer_id, s.campaign_id, s.channel, s.sent_at, s.unit_cost, 'planned'
      FROM plan_staging AS s JOIN (SELECT person_id, min(customer_id) AS customer_id FROM customer_persons GROUP BY person_id) AS p ON p.person_id = s.person_id`);
    await tx.exec(sql`DROP TABLE plan_staging`);
  });
}
