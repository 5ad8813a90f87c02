import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makePlan, parseCampaignFile } from '../../src/activation/planner/index.js';
import { parseConfig } from '../../src/config/index.js';
import { defaultAsOf } from '../../src/pipeline/index.js';
import type { RunningServer } from '../../src/server/index.js';
import { openStore } from '../../src/schema/index.js';
import { createPlannerInputs } from '../activation/planner/fixtures.js';
import { HAVE_CHROMIUM } from './helpers/browser.js';
import type { SeededCompany } from './helpers/company.js';
import { dashboardInBrowser, type DashboardInBrowser } from './helpers/dashboard.js';
import { pageReady, screenshot, logIn } from './helpers/page.js';

describe.skipIf(!HAVE_CHROMIUM)('the plans page in Chromium', () => {
  let ui: DashboardInBrowser;
  let company: SeededCompany;
  let server: RunningServer;
  let page: Page;
  let errors: string[];
  let planValue = 0;

  beforeAll(async () => {
    const prepare = async (seeded: SeededCompany): Promise<void> => {
      const config = parseConfig({ db: seeded.db });
      const engine = await openStore(seeded.db);
      try {
        const asOf = await defaultAsOf(engine);
        await createPlannerInputs(engine, asOf);
        const file = parseCampaignFile({
          campaigns: [
            { id: 'web-1', name: 'Spring mailing', audience: { all: true }, channels: ['email', 'mail'], responseValue: 'expected_basket', start: '2030-03-02', end: '2030-03-15', budget: 60 },
            { id: 'web-2', name: 'SMS flash sale', audience: { all: true }, channels: ['sms', 'email'], responseValue: { margin: 15 }, start: '2030-03-09', end: '2030-03-10', budget: 10 },
          ],
        });
        planValue = (await makePlan(engine, config.activation.planner, file, { asOf })).expectedValue;
      } finally {
        await engine.close();
      }
    };
    ui = await dashboardInBrowser({ customers: 500, seed: 3, prepare });
    ({ company, server, page, errors } = ui);
  }, 240_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('shows the plan per campaign and channel with its bound and gap, in English then French', async () => {
    await logIn(page, server.url, 'plans', company.user, company.password);
    expect(await page.textContent('[data-nav="plans"]')).toBe('Plans');
    const rows = page.locator('[data-table="plan"] tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator('[data-table="plan"]').textContent()).toContain('Spring mailing');
    expect(await page.textContent('[data-kpi="plan-bound"]')).toMatch(/gap .* at most from the best plan/);
    const value = await page.textContent('[data-kpi="plan-value"] .stat-value');
    expect(value).toBe(`€${Math.round(planValue).toLocaleString('en-GB')}`);
    await screenshot(page, 'plans-en');
    await page.selectOption('#lang-switch', 'fr');
    await pageReady(page, 'plans');
    expect(await page.locator('[data-table="plan"] thead').textContent()).toContain('Groupe témoin');
    expect(await page.textContent('[data-kpi="plan-bound"]')).toMatch(/au plus du meilleur plan/);
    expect(await page.textContent('[data-kpi="plan-value"] .stat-value')).toMatch(/€$/);
    await screenshot(page, 'plans-fr');
    expect(errors).toEqual([]);
    await page.selectOption('#lang-switch', 'en');
  }, 120_000);
});
