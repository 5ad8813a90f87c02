import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/store/index.js';
import { basic } from '../server/helpers/app.js';
import { dashboardFixture, type DashboardFixture } from './helpers.js';

interface Definition {
  field: string;
  label: { en: string; fr: string };
  definition: { en: string; fr: string };
}

// Lifetime value beside the 12-month value, their basis, referral value and satisfaction, over a real socket.
describe('lifetime value in the profile API, the 360, the segments and the export', () => {
  let f: DashboardFixture;
  let referrer: string;
  beforeAll(async () => {
    f = await dashboardFixture(600, 23);
    const rows = await f.engine.query<{ person_id: string }>(sql`SELECT person_id FROM customer_classes WHERE referred_clv > 0 AND clv_12m > 0 ORDER BY referred_clv DESC LIMIT 1`);
    referrer = rows[0]?.person_id ?? '';
  }, 300_000);
  afterAll(async () => {
    await f?.close();
  });

  it('answers both values, their basis, referral value and satisfaction, with their definitions (GET /v1/customers/{id})', async () => {
    expect(referrer).not.toBe('');
    const res = await f.get(`/v1/customers/${encodeURIComponent(referrer)}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { value: Record<string, unknown>; valueDefinitions: Definition[] };
    const v = body.value;
    expect(v.clv).toBe(v.clv_lifetime);
    expect(Number(v.clv_lifetime)).toBeGreaterThan(Number(v.clv_12m));
    expect(v.clv_basis).toBe('margin');
    expect(v.clv_horizon_weeks).toBeNull();
    expect(Number(v.referral_value)).toBeGreaterThan(0);
    expect(Number(v.referred)).toBeGreaterThan(0);
    for (const key of ['latest_nps', 'latest_csat', 'complaints']) expect(v).toHaveProperty(key);
    const byField = new Map(body.valueDefinitions.map((d) => [d.field, d]));
    // French puts a no-break space before % (Intl's choice of which one).
    expect(byField.get('clv')?.label.en).toBe('Lifetime value (margin, discounted 10%/yr)');
    expect(byField.get('clv')?.label.fr).toMatch(/^Valeur vie \(marge, actualisée 10\s%\/an\)$/);
    expect(byField.get('clv_12m')?.label.en).toBe('12-month value (margin, discounted 10%/yr)');
    expect(byField.get('clv_12m')?.label.fr).toMatch(/^Valeur à 12 mois \(marge, actualisée 10\s%\/an\)$/);
    expect(byField.get('clv')?.definition.en).toMatch(/over the rest of his life as a customer .* discounted at 10% a year/);
    expect(byField.get('predicted_value')?.definition.fr).toMatch(/plus sa valeur de recommandation/);
    const doc = (await (await f.get('/openapi.json')).json()) as { components: { schemas: { CustomerProfile: { required: string[] } } } };
    expect(doc.components.schemas.CustomerProfile.required).toContain('valueDefinitions');
  });

  it('the 360 API gives the same figures as the profile, with definitions', async () => {
    const [c, p] = await Promise.all([
      f.json<{ value: Record<string, unknown> & { definitions: Definition[]; satisfaction: Record<string, unknown> } }>(`/api/customers/${encodeURIComponent(referrer)}`),
      f.json<{ value: Record<string, unknown> }>(`/v1/customers/${encodeURIComponent(referrer)}`),
    ]);
    expect(c.value.clv).toBeCloseTo(Number(p.value.clv), 6);
    expect(c.value.clvLifetime).toBeCloseTo(Number(p.value.clv_lifetime), 6);
    expect(c.value.clv12m).toBeCloseTo(Number(p.value.clv_12m), 6);
    expect(c.value.clvBasis).toBe('margin');
    expect(c.value.referralValue).toBeCloseTo(Number(p.value.referral_value), 6);
    expect(c.value.predictedValue).toBeCloseTo(Number(p.value.predicted_value), 6);
    expect(c.value.satisfaction).toEqual({ nps: p.value.latest_nps ?? null, csat: p.value.latest_csat ?? null, complaints: Number(p.value.complaints) });
    expect(c.value.definitions.map((d) => d.field)).toEqual(expect.arrayContaining(['clv', 'clv_12m', 'clv_lifetime', 'predicted_value', 'referral_value']));
  });

  it('segment detail and customer list carry the 12-month value, referral value and satisfaction', async () => {
    const s = await f.json<Record<string, unknown> & { valueDefinitions: Definition[] }>('/api/segments/value_tier/CPP');
    expect(Number(s.avgClv)).toBeGreaterThan(Number(s.avgClv12m));
    expect(Number(s.avgReferralValue)).toBeGreaterThanOrEqual(0);
    expect(s).toHaveProperty('avgNps');
    expect(s).toHaveProperty('complaintsPerCustomer');
    expect(s.valueDefinitions.find((d) => d.field === 'clv')?.label.en).toBe('Lifetime value (margin, discounted 10%/yr)');
    const list = await f.json<{ rows: Record<string, unknown>[] }>('/api/customers?value_tier=CPP&sort=clv&pageSize=5');
    for (const row of list.rows) {
      expect(Number(row.clv)).toBeGreaterThanOrEqual(Number(row.clv_12m));
      expect(row.clv_basis).toBe('margin');
    }
  });

  it('exports the 12-month value, basis, referral value and satisfaction beside clv', async () => {
    const res = await fetch(`${f.url}/api/segments/value_tier/CPP/export.csv?channel=email`, { headers: { authorization: basic(f.adminKey) } });
    expect(res.status).toBe(200);
    const [header] = (await res.text()).split('\r\n');
    expect(header?.split(',')).toEqual(expect.arrayContaining(['clv', 'clv_12m', 'clv_basis', 'referral_value', 'latest_nps', 'latest_csat', 'complaints']));
  });
});
