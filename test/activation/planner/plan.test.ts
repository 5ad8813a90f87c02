import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCampaignFile } from '../../../src/activation/planner/campaign-file.js';
import { makePlan } from '../../../src/activation/planner/plan.js';
import { sql } from '../../../src/store/index.js';
import { loadDemoCompany, type DemoCompany } from '../../helpers/demo-company.js';
import { createPlannerInputs } from './fixtures.js';

let demo: DemoCompany;
const asOf = new Date('2024-12-31T00:00:00Z');

beforeAll(async () => {
  demo = await loadDemoCompany({ customers: 2000, seed: 5 });
  await createPlannerInputs(demo.engine, asOf);
}, 120_000);
afterAll(async () => demo.close());

const file = parseCampaignFile({
  campaigns: [
    { id: 'spring', name: 'Spring sale', audience: { all: true }, channels: ['email', 'sms', 'mail'], responseValue: 'expected_basket', start: '2025-01-06', end: '2025-01-19', budget: 150 },
    { id: 'vip', name: 'VIP call', audience: { all: true }, channels: ['phone', 'email'], defaultChannel: 'phone', responseValue: { margin: 40 }, start: '2025-01-08', end: '2025-01-20', budget: 300, capacities: { phone: { max: 20, per: 'week' } } },
  ],
});

describe('makePlan on the demo company', () => {
  it('writes planned contacts within budget, caps and consent, and keeps a stratified holdout out of them', async () => {
    const report = await makePlan(demo.engine, demo.config.activation.planner, file, { asOf });
    expect(report.contacts).toBeGreaterThan(0);
    expect(report.gap).toBeLessThan(0.02);
    for (const c of report.campaigns) expect(c.cost).toBeLessThanOrEqual(file.campaigns.find((f) => f.id === c.id)!.budget + 1e-6);
    const vip = report.campaigns.find((c) => c.id === 'vip')!;
    expect(vip.channels.find((c) => c.channel === 'phone')!.contacts).toBeLessThanOrEqual(40);
    const e = demo.engine;
    const [written] = await e.query<{ n: number }>(sql`SELECT count(*) AS n FROM contacts WHERE status = 'planned'`);
    expect(Number(written!.n)).toBe(report.contacts);
    const [noConsent] = await e.query<{ n: number }>(sql`SELECT count(*) AS n FROM contacts AS c JOIN customer_persons AS p ON p.customer_id = c.customer_id
      JOIN person_consents AS pc ON pc.person_id = p.person_id AND pc.channel = c.channel WHERE c.status = 'planned' AND pc.status <> 'opt_in'`);
    expect(Number(noConsent!.n)).toBe(0);
    const [overCap] = await e.query<{ n: number }>(sql`SELECT count(*) AS n FROM (
      SELECT p.person_id, c.channel, count(*) AS planned FROM contacts AS c JOIN customer_persons AS p ON p.customer_id = c.customer_id
      WHERE c.status = 'planned' GROUP BY p.person_id, c.channel) AS x JOIN contact_allowance AS a ON a.person_id = x.person_id AND a.channel = x.channel
      WHERE x.planned > a.remaining`);
    expect(Number(overCap!.n)).toBe(0);
    const [inHoldout] = await e.query<{ n: number }>(sql`SELECT count(*) AS n FROM contacts AS c JOIN customer_persons AS p ON p.customer_id = c.customer_id
      JOIN campaign_holdouts AS h ON h.person_id = p.person_id AND h.campaign_id = c.campaign_id WHERE c.status = 'planned'`);
    expect(Number(inHoldout!.n)).toBe(0);
    const spring = report.campaigns.find((c) => c.id === 'spring')!;
    expect(spring.holdout).toBeGreaterThan(0.08 * spring.eligible);
    expect(spring.holdout).toBeLessThan(0.12 * spring.eligible);
    const strata = await e.query<{ value_tier: string; share: number }>(sql`SELECT h.value_tier, count(*) AS n FROM campaign_holdouts AS h WHERE campaign_id = 'spring' GROUP BY 1`);
    expect(strata.length).toBeGreaterThan(1);
  }, 120_000);

  it('draws the same holdout again with the same seed and cancels what a re-plan replaces', async () => {
    const before = await demo.engine.query<{ person_id: string }>(sql`SELECT person_id FROM campaign_holdouts WHERE campaign_id = 'spring' ORDER BY person_id`);
    const report = await makePlan(demo.engine, demo.config.activation.planner, file, { asOf });
    const after = await demo.engine.query<{ person_id: string }>(sql`SELECT person_id FROM campaign_holdouts WHERE campaign_id = 'spring' ORDER BY person_id`);
    expect(after).toEqual(before);
    const [planned] = await demo.engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM contacts WHERE status = 'planned'`);
    expect(Number(planned!.n)).toBe(report.contacts);
  }, 120_000);
});
