import { afterAll, beforeAll, expect, test } from 'vitest';
import type { PressureExplanation, PressureReport } from '../../src/activation/pressure/index.js';
import { dashboardFixture, type DashboardFixture } from './helpers.js';

let f: DashboardFixture;
beforeAll(async () => {
  f = await dashboardFixture(300, 13);
}, 240_000);
afterAll(async () => {
  await f.close();
});

test('GET /api/pressure gives the report for every person at the latest run', async () => {
  const res = await f.get('/api/pressure');
  expect(res.status).toBe(200);
  const report = (await res.json()) as PressureReport;
  const [row] = await f.engine.query<{ n: number }>('SELECT count(DISTINCT person_id) AS n FROM customer_persons');
  expect(report.persons).toBe(Number(row?.n));
  expect(report.asOf).toBe(f.asOf.toISOString());
  expect(report.windows.map((w) => `${w.scope}:${w.max}/${w.days}`)).toEqual(['email:2/7', 'sms:1/7', 'mail:2/30', 'phone:1/30', 'push:3/7', 'all:4/30']);
  for (const w of report.windows) expect(w.rows.reduce((s, r) => s + r.persons, 0)).toBe(report.persons);
  expect(report.withoutConsent.fidelis).toBe(0);
  expect(report.verdicts.map((v) => v.channel)).toEqual(['email', 'sms', 'mail', 'phone', 'push', 'all']);
});

test('GET /api/pressure/persons/{id} explains one person in both languages; an unknown one is a 404; a bad date a 400', async () => {
  const [person] = await f.engine.query<{ person_id: string }>('SELECT min(person_id) AS person_id FROM customer_persons');
  const res = await f.get(`/api/pressure/persons/${encodeURIComponent(person?.person_id ?? '')}`);
  expect(res.status).toBe(200);
  const e = (await res.json()) as PressureExplanation;
  expect(e.verdicts).toHaveLength(6);
  for (const v of e.verdicts) expect(v.text.en.length > 0 && v.text.fr.length > 0).toBe(true);
  expect((await f.get('/api/pressure/persons/nobody')).status).toBe(404);
  const bad = await f.get('/api/pressure?asOf=yesterday');
  expect(bad.status).toBe(400);
  expect(await bad.text()).toMatch(/asOf/);
});

test('GET /v1/pressure needs an admin key and gives the same report', async () => {
  expect((await f.get('/v1/pressure', null)).status).toBe(401);
  expect((await f.get('/v1/pressure', f.readKey)).status).toBe(403);
  const res = await f.get(`/v1/pressure?asOf=${encodeURIComponent(f.asOf.toISOString())}`, f.adminKey);
  expect(res.status).toBe(200);
  const viaApi = (await (await f.get('/api/pressure')).json()) as PressureReport;
  expect(await res.json()).toEqual(viaApi);
});
