import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../src/server/index.js';
import { HAVE_CHROMIUM } from './helpers/browser.js';
import type { SeededCompany } from './helpers/company.js';
import { dashboardInBrowser, type DashboardInBrowser } from './helpers/dashboard.js';
import { logIn, pageReady, screenshot } from './helpers/page.js';

interface Value360 {
  clv: number | null;
  clv12m: number | null;
  referralValue: number | null;
  referred: number | null;
}

// The 360 and the segment page show the lifetime value beside the 12-month value, each with its definition, in English and French.
describe.skipIf(!HAVE_CHROMIUM)('lifetime value on the customer 360 and the segments page in Chromium', () => {
  let ui: DashboardInBrowser;
  let company: SeededCompany;
  let server: RunningServer;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ui = await dashboardInBrowser({ customers: 400, seed: 3, height: 1100 });
    ({ company, server, page, errors } = ui);
    await logIn(page, server.url, 'customers', company.user, company.password);
  }, 300_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('shows lifetime and 12-month value with their basis and discounting, the net and referral value, satisfaction and the definitions, in English then French', async () => {
    // A valued customer who referred someone, so every figure has something to show.
    const found = await page.evaluate(async () => {
      const list = (await (await fetch('/api/customers?sort=clv&pageSize=100')).json()) as { rows: { id: string; referral_value: number | null; clv_12m: number | null }[] };
      const row = list.rows.find((r) => (r.referral_value ?? 0) > 0 && (r.clv_12m ?? 0) > 0) ?? list.rows.find((r) => (r.clv_12m ?? 0) > 0);
      if (!row) return null;
      const c = (await (await fetch(`/api/customers/${encodeURIComponent(row.id)}`)).json()) as { value: Value360 };
      return { id: row.id, value: c.value };
    });
    expect(found).not.toBeNull();
    const { id, value } = found as { id: string; value: Value360 };
    expect(value.clv ?? 0).toBeGreaterThan(value.clv12m ?? Infinity);
    await page.goto(`${server.url}/#/customers/${encodeURIComponent(id)}`);
    await pageReady(page, 'customer');
    const label = (field: string) => page.textContent(`[data-field="${field}"] .stat-label`);
    const figure = async (field: string) => Number((await page.textContent(`[data-field="${field}"] .stat-value`))?.replace(/[^\d.-]/g, ''));
    expect(await label('clv')).toBe('Lifetime value (margin, discounted 10%/yr)');
    expect(await label('clv-12m')).toBe('12-month value (margin, discounted 10%/yr)');
    expect(await label('predicted-value')).toBe('Predicted net value');
    expect(await label('referral-value')).toBe('Referral value');
    expect(await figure('clv')).toBe(Math.round(value.clv ?? NaN));
    expect(await figure('clv-12m')).toBe(Math.round(value.clv12m ?? NaN));
    expect(await page.textContent('[data-field="satisfaction"] .stat-value')).toMatch(/^NPS .+ · CSAT .+ · \d+ complaints$/);
    expect(await page.getAttribute('[data-field="clv"]', 'title')).toMatch(/^Expected margin of all his future purchases over the rest of his life/);
    const definitions = page.locator('[data-list="value-definitions"] dt');
    expect(await definitions.allTextContents()).toEqual([
      'Lifetime value (margin, discounted 10%/yr)',
      '12-month value (margin, discounted 10%/yr)',
      'Predicted net value',
      'Referral value',
      'Expected next order',
      'Churn risk',
    ]);
    expect(await page.textContent('[data-list="value-definitions"]')).toContain('discounted at 10% a year');
    await screenshot(page, 'customer-360-lifetime-value');

    await page.selectOption('#lang-switch', 'fr');
    await pageReady(page, 'customer');
    expect(await label('clv')).toMatch(/^Valeur vie \(marge, actualisée 10\s%\/an\)$/);
    expect(await label('clv-12m')).toMatch(/^Valeur à 12 mois \(marge, actualisée 10\s%\/an\)$/);
    expect(await label('predicted-value')).toBe('Valeur nette prévue');
    expect(await label('referral-value')).toBe('Valeur de recommandation');
    expect(await page.textContent('[data-field="satisfaction"] .stat-value')).toMatch(/^NPS .+ · CSAT .+ · \d+ réclamations$/);
    expect(await page.textContent('[data-list="value-definitions"]')).toContain('actualisé à 10');
    await screenshot(page, 'customer-360-lifetime-value-fr');
    expect(errors).toEqual([]);
  });

  it('the segment page gives the mean lifetime and 12-month value under their labels, referral value and satisfaction', async () => {
    await page.selectOption('#lang-switch', 'en');
    await page.goto(`${server.url}/#/segments?dimension=value_tier&value=CPP`);
    await pageReady(page, 'segments');
    expect(await page.textContent('[data-field="avg-clv"] .stat-label')).toBe('Mean per customer: Lifetime value (margin, discounted 10%/yr)');
    expect(await page.textContent('[data-field="avg-clv-12m"] .stat-label')).toBe('Mean per customer: 12-month value (margin, discounted 10%/yr)');
    for (const field of ['avg-referral-value', 'avg-nps', 'avg-csat', 'complaints-per-customer']) expect(await page.locator(`[data-field="${field}"]`).count()).toBe(1);
    const headers = await page.locator('[data-table="customers"] thead th').allTextContents();
    expect(headers).toEqual(expect.arrayContaining(['12-month value', 'Referral value', 'NPS']));
    await screenshot(page, 'segment-lifetime-value');
    await page.selectOption('#lang-switch', 'fr');
    await pageReady(page, 'segments');
    expect(await page.textContent('[data-field="avg-clv"] .stat-label')).toMatch(/^Moyenne par client : Valeur vie \(marge, actualisée 10\s%\/an\)$/);
    await screenshot(page, 'segment-lifetime-value-fr');
    expect(errors).toEqual([]);
  });
});
