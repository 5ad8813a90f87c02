import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../src/server/index.js';
import { HAVE_CHROMIUM } from './helpers/browser.js';
import type { SeededCompany } from './helpers/company.js';
import { dashboardInBrowser, type DashboardInBrowser } from './helpers/dashboard.js';
import { pageReady, screenshot, logIn } from './helpers/page.js';

interface Report {
  persons: number;
  overCapPersons: number;
  overCapExamples: string[];
  neverContacted: { persons: number }[];
  withoutConsent: { fidelis: number; imported: number };
}

describe.skipIf(!HAVE_CHROMIUM)('the contact pressure page in Chromium', () => {
  let ui: DashboardInBrowser;
  let company: SeededCompany;
  let server: RunningServer;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ui = await dashboardInBrowser({ customers: 400, seed: 17 });
    ({ company, server, page, errors } = ui);
    await logIn(page, server.url, 'pressure', company.user, company.password);
  }, 300_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('shows the report the API gives, in English, and explains a person over a cap', async () => {
    const report = await page.evaluate(async () => (await (await fetch('/api/pressure')).json()) as Report);
    expect(await page.getAttribute('#pressure-persons', 'data-value')).toBe(String(report.persons));
    expect(await page.getAttribute('#pressure-over-cap', 'data-value')).toBe(String(report.overCapPersons));
    expect(await page.getAttribute('#pressure-never', 'data-value')).toBe(String(report.neverContacted.reduce((s, x) => s + x.persons, 0)));
    expect(await page.getAttribute('#pressure-consent-fidelis', 'data-value')).toBe('0');
    expect(await page.getAttribute('#pressure-consent-imported', 'data-value')).toBe(String(report.withoutConsent.imported));
    expect(await page.locator('[data-table="pressure-distribution"] tbody tr').count()).toBeGreaterThan(5);
    expect(await page.textContent('[data-nav="pressure"]')).toBe('Pressure');
    expect(await page.textContent('h1')).toBe('Pressure');
    await screenshot(page, 'pressure-en');

    // A person from the examples (imported history over a cap), else the first id of the base.
    const person = report.overCapExamples[0] ?? (await page.evaluate(async () => ((await (await fetch('/api/customers?pageSize=1')).json()) as { rows: { id: string }[] }).rows[0]?.id ?? ''));
    await page.fill('#pressure-person', person);
    await page.click('#pressure-explain');
    await page.waitForFunction(() => location.hash.includes('person='));
    await pageReady(page, 'pressure');
    const rows = page.locator('[data-table="pressure-person"] tbody tr');
    expect(await rows.count()).toBe(6);
    const texts = await page.locator('[data-table="pressure-person"] [data-reason]').allTextContents();
    expect(texts.every((text) => /^(allowed|capped|overall cap|no consent|cooling down|excluded|value tier)/.test(text))).toBe(true);
    if (report.overCapExamples.length > 0) expect(texts.some((text) => text.startsWith('capped') || text.startsWith('overall cap'))).toBe(true);
    await screenshot(page, 'pressure-person-en');
    expect(errors).toEqual([]);
  });

  it('speaks French after the language switch: labels and the person\'s verdicts', async () => {
    await page.selectOption('#lang-switch', 'fr');
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    await pageReady(page, 'pressure');
    expect(await page.textContent('h1')).toBe('Pression');
    expect(await page.textContent('#pressure-consent-fidelis .stat-label')).toBe('Sans consentement, prévus par Fidelis');
    const texts = await page.locator('[data-table="pressure-person"] [data-reason]').allTextContents();
    expect(texts).toHaveLength(6);
    expect(texts.every((text) => /^(autorisé|plafond atteint|plafond global atteint|aucun consentement|pause après|exclu|segment de valeur)/.test(text))).toBe(true);
    await screenshot(page, 'pressure-fr');
    expect(errors).toEqual([]);
  });
});
