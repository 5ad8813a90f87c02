import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../../src/store/index.js';
import { dashboardFixture, type DashboardFixture } from '../../dashboard/helpers.js';
import { basic } from '../../server/helpers/app.js';
import { createPlannerInputs } from './fixtures.js';

let fx: DashboardFixture;
beforeAll(async () => {
  fx = await dashboardFixture(800, 21);
  await createPlannerInputs(fx.engine, fx.asOf);
}, 180_000);
afterAll(async () => fx.close());

const body = {
  campaigns: [{ id: 'api-1', name: 'API campaign', audience: { all: true }, channels: ['email', 'mail'], responseValue: { margin: 25 }, start: '2030-01-01', end: '2030-01-14', budget: 40 }],
};

const post = (payload: unknown, key: string): Promise<Response> =>
  fetch(`${fx.url}/v1/plans`, { method: 'POST', headers: { authorization: basic(key), 'content-type': 'application/json' }, body: JSON.stringify(payload) });

describe('/v1/plans over HTTP', () => {
  it('makes a plan with an admin key, lists it and reads it back; other keys are refused', async () => {
    expect((await post(body, fx.readKey)).status).toBe(403);
    const res = await post({ ...body, asOf: fx.asOf.toISOString() }, fx.adminKey);
    expect(res.status).toBe(201);
    const plan = (await res.json()) as { planId: string; contacts: number; upperBound: number; expectedValue: number; campaigns: { cost: number }[] };
    expect(plan.contacts).toBeGreaterThan(0);
    expect(plan.upperBound).toBeGreaterThanOrEqual(plan.expectedValue - 1e-9);
    expect(plan.campaigns[0]!.cost).toBeLessThanOrEqual(40);
    const [n] = await fx.engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM contacts WHERE campaign_id = 'api-1' AND status = 'planned'`);
    expect(Number(n!.n)).toBe(plan.contacts);
    const list = (await (await fx.get('/v1/plans', fx.adminKey)).json()) as { plans: { planId: string }[] };
    expect(list.plans.map((p) => p.planId)).toContain(plan.planId);
    const one = (await (await fx.get(`/v1/plans/${plan.planId}`, fx.adminKey)).json()) as { planId: string; contacts: number };
    expect(one).toMatchObject({ planId: plan.planId, contacts: plan.contacts });
    expect((await fx.get('/v1/plans/nope', fx.adminKey)).status).toBe(404);
    expect((await fx.get('/api/plans', null)).status).toBe(401);
    expect(((await (await fx.get('/api/plans')).json()) as { plans: unknown[] }).plans.length).toBeGreaterThan(0);
  }, 120_000);

  it('answers 400 naming the field of a wrong campaign file', async () => {
    const res = await post({ campaigns: [{ ...body.campaigns[0], budget: 'lots' }] }, fx.adminKey);
    expect(res.status).toBe(400);
    const error = (await res.json()) as { error: { code: string; message: string } };
    expect(error.error.code).toBe('invalid_campaigns');
    expect(error.error.message).toContain('campaigns.0.budget');
  });
});
