// The campaign planner against two ways of spending the same budget, on the 20k demo company,
// simulated with the generator's TRUE response model (src/generate/marketing.ts
// trueResponseProbability, from each person's ground-truth digital type and preferred channel):
// (a) every consenting member of the audience on the campaign's default channel (a random subset
// when the budget does not cover everyone), (b) the top persons by CLV on the default channel,
// until the budget is spent. Every strategy keeps the same caps (contact_allowance) and consent.
// Realised net value = responses x value of a response - cost, over seeded draws with common random
// numbers (a contact of a person, campaign and channel responds alike in a draw whichever strategy
// made it); 95% intervals are the draws' 2.5-97.5 percentiles.
//
// INPUTS are the product's own: customer_channels from the pipeline's channels step (learned,
// empirical-Bayes response rates) and contact_allowance from the default pressure policy.
// Run alone: npx tsx bench/activation.ts [--customers 20000] [--seed 42] [--draws 400]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseCampaignFile, solveCampaigns, type CampaignFileInput } from '../src/activation/planner/index.js';
import { contactAllowance } from '../src/activation/pressure/index.js';
import { importFiles } from '../src/collect/index.js';
import { parseConfig } from '../src/config/index.js';
import { generateDemoCompany } from '../src/generate/index.js';
import { trueResponseProbability } from '../src/generate/marketing.js';
import { DIGITAL_TYPES } from '../src/generate/population.js';
import { Rng } from '../src/generate/prng.js';
import { defaultAsOf, runPipeline } from '../src/pipeline/index.js';
import { sql, type Engine } from '../src/store/index.js';
import { openStore } from '../src/schema/index.js';
import { round } from './round.js';

const DAY_MS = 86_400_000;
type Channel = 'email' | 'sms' | 'mail' | 'phone' | 'push';

function season(asOf: Date): CampaignFileInput {
  const week = (w: number, days = 6): { start: string; end: string } => {
    const start = new Date(asOf.getTime() + (7 + 7 * w) * DAY_MS);
    return { start: start.toISOString().slice(0, 10), end: new Date(start.getTime() + days * DAY_MS).toISOString().slice(0, 10) };
  };
  const all = { all: true as const };
  return {
    campaigns: [
      { id: 'news-1', name: 'Newsletter 1', audience: all, channels: ['email', 'sms', 'push'], defaultChannel: 'email', responseValue: { margin: 12 }, ...week(0), budget: 25 },
      { id: 'spring-cat', name: 'Spring catalogue', audience: all, channels: ['mail', 'email'], defaultChannel: 'mail', responseValue: 'expected_basket', ...week(1), budget: 1500 },
      { id: 'sms-promo', name: 'SMS promotion', audience: all, channels: ['sms', 'email'], defaultChannel: 'sms', responseValue: { margin: 15 }, ...week(2), budget: 250 },
      { id: 'calls', name: 'Reactivation calls', audience: all, channels: ['phone', 'mail', 'email'], defaultChannel: 'phone', responseValue: { margin: 40 }, ...week(3, 13), budget: 1200, capacities: { phone: { max: 150, per: 'week' } } },
      { id: 'news-2', name: 'Newsletter 2', audience: all, channels: ['email', 'push'], defaultChannel: 'email', responseValue: { margin: 10 }, ...week(4), budget: 20 },
      { id: 'summer-cat', name: 'Summer catalogue', audience: all, channels: ['mail', 'email', 'sms'], defaultChannel: 'mail', responseValue: 'expected_basket', ...week(5), budget: 1200 },
      { id: 'app-push', name: 'App push', audience: all, channels: ['push', 'email'], defaultChannel: 'push', responseValue: { margin: 8 }, ...week(6), budget: 10 },
      { id: 'vip', name: 'VIP offer', audience: all, channels: ['email', 'sms', 'mail', 'phone'], defaultChannel: 'email', responseValue: 'expected_basket', ...week(7), budget: 800 },
    ],
  };
}

interface Contacts {
  /** Which (person, campaign, channel) each contact is: draws share their randomness (common random numbers). */
  readonly cell: number[];
  readonly p: number[];
  readonly value: number[];
  readonly cost: number[];
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}

async function loadTruth(engine: Engine, dir: string): Promise<void> {
  for (const name of ['persons', 'records']) {
    await engine.exec(sql`CREATE TABLE ${sql.id(`truth_${name}`)} AS
      SELECT * FROM read_csv(${join(dir, 'ground-truth', `${name}.csv`)}, header = true, all_varchar = true)`);
  }
}

export async function benchActivation(opts: { customers: number; seed?: number; draws?: number }): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'fidelis-activation-'));
  try {
    await generateDemoCompany({ customers: opts.customers, seed: opts.seed ?? 42, outDir: join(dir, 'company'), format: 'csv' });
    const engine = await openStore(join(dir, 'fidelis.duckdb'));
    try {
      await importFiles(engine, [join(dir, 'company')]);
      await loadTruth(engine, join(dir, 'company'));
      const config = parseConfig({});
      const asOf = await defaultAsOf(engine);
      await runPipeline(engine, config, { asOf });
      await contactAllowance(engine, config, { asOf });
      const file = parseCampaignFile(season(asOf));
      const t0 = performance.now();
      const { built, solution } = await solveCampaigns(engine, { ...config.activation.planner, holdoutShare: 0 }, file);
      const planSeconds = (performance.now() - t0) / 1000;
      const { problem, inputs } = built;
      const { persons: N, campaigns: K, channels: J } = problem;
      const channels = inputs.channels as readonly Channel[];

      // Each resolved person's ground truth: that of the true person of his first record (identity resolution is nearly exact on the demo).
      const truth = new Map((await engine.query<{ person_id: string; digital_type: string; preferred_channel: string; lambda: string; death_at: string | null }>(
        sql`WITH first AS (SELECT person_id, min(customer_id) AS customer_id FROM customer_persons GROUP BY person_id)
          SELECT f.person_id AS person_id, t.digital_type AS digital_type, t.preferred_channel AS preferred_channel, t.lambda AS lambda, t.death_at AS death_at
          FROM first AS f JOIN truth_records AS r ON r.customer_id = f.customer_id JOIN truth_persons AS t ON t.person_id = r.person_id`)).map((r) => [r.person_id, r]));
      const pTrue = new Float64Array(N * J);
      for (let i = 0; i < N; i += 1) {
        const t = truth.get(inputs.personIds[i]!);
        if (!t) throw new Error(`no ground truth for person ${inputs.personIds[i]!}`);
        const typeIndex = (DIGITAL_TYPES as readonly string[]).indexOf(t.digital_type);
        // His true purchase rate (BG/NBD lambda, per week) while alive; 0 once he has left before the season.
        const alive = !t.death_at || new Date(`${t.death_at.replace(' ', 'T')}Z`) > asOf;
        const ordersPerDay = alive ? Number(t.lambda) / 7 : 0;
        for (let j = 0; j < J; j += 1) pTrue[i * J + j] = trueResponseProbability(typeIndex, t.preferred_channel as Channel, channels[j]!, ordersPerDay);
      }
      const consented = new Set((await engine.query<{ person_id: string; channel: string }>(
        sql`SELECT person_id, channel FROM person_consents WHERE status = 'opt_in'`)).map((r) => `${r.person_id}|${r.channel}`));
      const clv = new Map((await engine.query<{ person_id: string; clv: number | null }>(sql`SELECT person_id, clv FROM customer_classes`)).map((r) => [r.person_id, Number(r.clv ?? 0)]));

      // Value of a response per (person, campaign) as the planner sees it, holdout off: NaN = not in the audience.
      const valueOf = (i: number, k: number): number => {
        const c = file.campaigns[k]!;
        return c.responseValue === 'expected_basket' ? inputs.expectedBasket[i]! : c.responseValue.margin;
      };
      const planner: Contacts = { cell: [], p: [], value: [], cost: [] };
      let overCap = 0;
      let withoutConsent = 0;
      for (let i = 0; i < N; i += 1) {
        const load = new Int32Array(J);
        let total = 0;
        for (let k = 0; k < K; k += 1) {
          const j = solution.assignment[i * K + k]!;
          if (j < 0) continue;
          load[j] = load[j]! + 1;
          total += 1;
          if (!consented.has(`${inputs.personIds[i]!}|${channels[j]!}`)) withoutConsent += 1;
          planner.cell.push((i * K + k) * J + j);
          planner.p.push(pTrue[i * J + j]!);
          planner.value.push(valueOf(i, k));
          planner.cost.push(problem.unitCost[i * J + j]!);
        }
        for (let j = 0; j < J; j += 1) if (load[j]! > problem.remaining[i * J + j]!) overCap += 1;
        if (total > problem.remainingAll[i]!) overCap += 1;
      }

      // A baseline: per campaign, persons in the given order on the default channel while the budget lasts, caps and consent kept.
      const baseline = (order: (k: number) => number[]): Contacts => {
        const out: Contacts = { cell: [], p: [], value: [], cost: [] };
        const used = new Int32Array(N * J);
        const usedAll = new Int32Array(N);
        file.campaigns.forEach((c, k) => {
          const j = channels.indexOf(c.defaultChannel ?? (c.channels[0] as Channel));
          let spent = 0;
          for (const i of order(k)) {
            if (used[i * J + j]! >= problem.remaining[i * J + j]! || usedAll[i]! >= problem.remainingAll[i]!) continue;
            const cost = problem.unitCost[i * J + j]!;
            if (spent + cost > c.budget) break;
            spent += cost;
            used[i * J + j] = used[i * J + j]! + 1;
            usedAll[i] = usedAll[i]! + 1;
            out.cell.push((i * K + k) * J + j);
            out.p.push(pTrue[i * J + j]!);
            out.value.push(valueOf(i, k));
            out.cost.push(cost);
          }
        });
        return out;
      };
      const everyone = Array.from({ length: N }, (_, i) => i);
      const shuffled = (k: number): number[] => {
        const rng = Rng.of(opts.seed ?? 42, 900 + k, 0);
        const a = [...everyone];
        for (let n = a.length - 1; n > 0; n -= 1) {
          const m = rng.int(n + 1);
          [a[n], a[m]] = [a[m]!, a[n]!];
        }
        return a;
      };
      const byClv = [...everyone].sort((x, y) => (clv.get(inputs.personIds[y]!) ?? 0) - (clv.get(inputs.personIds[x]!) ?? 0));
      const all = baseline(shuffled);
      const topClv = baseline(() => byClv);

      const draws = opts.draws ?? 400;
      // One uniform per (draw, person, campaign, channel), the same whichever strategy makes that contact:
      // a person contacted alike by two strategies responds alike in a draw, so their difference measures the choices, not the noise.
      const cells = N * K * J;
      const simulate = (c: Contacts): number[] => {
        const out: number[] = [];
        const uniform = new Float64Array(cells);
        for (let d = 0; d < draws; d += 1) {
          const rng = Rng.of(opts.seed ?? 42, 7, d);
          for (let x = 0; x < cells; x += 1) uniform[x] = rng.next();
          let v = 0;
          for (let n = 0; n < c.p.length; n += 1) v += (uniform[c.cell[n]!]! < c.p[n]! ? c.value[n]! : 0) - c.cost[n]!;
          out.push(v);
        }
        return out;
      };
      const sims = { planner: simulate(planner), all: simulate(all), topClv: simulate(topClv) };
      const summary = (c: Contacts, values: number[]): Record<string, number> => {
        const sorted = [...values].sort((a, b) => a - b);
        return {
          contacts: c.p.length,
          costEur: round(c.cost.reduce((a, b) => a + b, 0), 0),
          trueExpectedNetEur: round(c.p.reduce((a, p, n) => a + p * c.value[n]! - c.cost[n]!, 0), 0),
          realisedMeanEur: round(values.reduce((a, b) => a + b, 0) / values.length, 0),
          realisedLow95Eur: round(percentile(sorted, 0.025), 0),
          realisedHigh95Eur: round(percentile(sorted, 0.975), 0),
        };
      };
      // Ratio of the mean realised values (a per-draw ratio means nothing when a baseline's value is near or below 0), and the per-draw difference's 95% interval.
      const compare = (a: number[], b: number[]): Record<string, number | boolean> => {
        const mean = (x: number[]): number => x.reduce((s, v) => s + v, 0) / x.length;
        const diff = a.map((x, d) => x - b[d]!).sort((x, y) => x - y);
        return {
          ratioOfMeans: round(mean(a) / mean(b), 3),
          differenceMeanEur: round(mean(diff), 0),
          differenceLow95Eur: round(percentile(diff, 0.025), 0),
          differenceHigh95Eur: round(percentile(diff, 0.975), 0),
          beatsBeyond95: percentile(diff, 0.025) > 0,
        };
      };
      return {
        customers: opts.customers,
        persons: N,
        campaigns: K,
        draws,
        planSeconds: round(planSeconds, 2),
        planGapPercent: round(solution.gap * 100, 4),
        planner: summary(planner, sims.planner),
        everyConsentingOnDefaultChannel: summary(all, sims.all),
        topClvOnDefaultChannel: summary(topClv, sims.topClv),
        plannerVsEveryConsenting: compare(sims.planner, sims.all),
        plannerVsTopClv: compare(sims.planner, sims.topClv),
        plannerContactsOverCap: overCap,
        plannerContactsWithoutConsent: withoutConsent,
      };
    } finally {
      await engine.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { customers: { type: 'string' }, seed: { type: 'string' }, draws: { type: 'string' } } });
  const result = await benchActivation({ customers: Number(values.customers ?? 20_000), seed: Number(values.seed ?? 42), draws: Number(values.draws ?? 400) });
  console.log(JSON.stringify(result, null, 2));
}
