// The Audiences page in headless Chromium: the builder counts live what the API counts, a bad
// text filter shows the refusal with its position, a saved audience exports only the persons
// opted in on the channel, a member links to his 360; in English and in French.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../src/server/index.js';
import { HAVE_CHROMIUM } from './helpers/browser.js';
import type { SeededCompany } from './helpers/company.js';
import { dashboardInBrowser, type DashboardInBrowser } from './helpers/dashboard.js';
import { pageReady, screenshot, logIn } from './helpers/page.js';

describe.skipIf(!HAVE_CHROMIUM)('the Audiences page in Chromium', () => {
  let ui: DashboardInBrowser;
  let company: SeededCompany;
  let server: RunningServer;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ui = await dashboardInBrowser({ customers: 400, seed: 7, height: 1000, acceptDownloads: true });
    ({ company, server, page, errors } = ui);
  }, 300_000);

  afterAll(async () => {
    await ui?.close();
  });

  /** What the API counts for a text filter, asked from the page (its session). */
  const apiCount = (where: string): Promise<number> =>
    page.evaluate(async (body) => {
      const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      const response = await fetch('/api/audiences/count', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken }, body: JSON.stringify(body) });
      return ((await response.json()) as { count: number }).count;
    }, { where });

  async function counted(): Promise<number> {
    await page.waitForSelector('main[data-page="audiences"][data-counted="true"]', { timeout: 20_000 });
    return Number(await page.getAttribute('#audience-count', 'data-count'));
  }

  it('builds, counts live, refuses a bad filter with its position, saves and exports an audience', async () => {
    await logIn(page, server.url, 'audiences', company.admin, company.password);
    expect(await page.textContent('[data-nav="audiences"]')).toBe('Audiences');

    // The builder's first definition, as text, counted as the API counts it.
    const first = await counted();
    const text = await page.inputValue('#audience-text');
    expect(text).toBe('tier in ("CPP", "CCM") and consent.email');
    expect(first).toBe(await apiCount(text));
    expect(first).toBeGreaterThan(0);
    expect(await page.locator('[data-table="audience-members"] tbody tr').count()).toBe(Math.min(10, first));

    // Another condition narrows it, and the count follows.
    await page.click('#audience-add');
    await page.waitForFunction(() => (document.querySelector('#audience-text') as HTMLTextAreaElement).value.includes('p_alive >= 0.5'));
    const narrowed = await counted();
    expect(narrowed).toBe(await apiCount('tier in ("CPP", "CCM") and consent.email and p_alive >= 0.5'));
    expect(narrowed).toBeLessThanOrEqual(first);

    // A bad text filter: the refusal names the position.
    errors.length = 0;
    await page.fill('#audience-text', 'tier = "CPP" and clvv > 3');
    await page.waitForSelector('#audience-error:not([hidden])');
    expect(await page.textContent('#audience-error')).toContain('line 1, column 18 (offset 17): unknown field "clvv"');
    errors.length = 0; // the browser logs the 400 that was asked for

    await page.fill('#audience-text', 'tier = "CPP" and not contacted_within(30d)');
    await page.waitForSelector('#audience-error[hidden]', { state: 'attached' });
    const cpp = await counted();
    expect(cpp).toBe(await apiCount('tier = "CPP" and not contacted_within(30d)'));
    await screenshot(page, 'audiences');

    // Saved, listed with its count, exported for email: the file holds those opted in, the page says how many were left out.
    await page.fill('#audience-name', 'cpp-quiet');
    await page.click('#audience-save');
    await page.waitForSelector('[data-table="audiences"] [data-name="cpp-quiet"]');
    expect(await page.textContent('#audience-save-note')).toBe('Saved as cpp-quiet.');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#audience-export')]);
    expect(download.suggestedFilename()).toBe('cpp-quiet-email.csv');
    const lines = readFileSync(await download.path(), 'utf8').trimEnd().split(/\r?\n/);
    expect(lines[0]?.startsWith('person_id,first_name,last_name,email')).toBe(true);
    await page.waitForSelector('#audience-export-summary[data-exported]');
    expect(Number(await page.getAttribute('#audience-export-summary', 'data-exported'))).toBe(lines.length - 1);
    expect(await page.textContent('#audience-export-summary')).toMatch(/^[\d,]+ customers exported for Email; [\d,]+ left out \([\d,]+ opted out, [\d,]+ without any consent, [\d,]+ held back by the contact-pressure policy\)\.$/);

    // A member links to his 360.
    const link = page.locator('[data-table="audience-members"] a.customer-link').first();
    const id = await link.getAttribute('data-id');
    await link.click();
    await pageReady(page, 'customer');
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#/customers/${id}`);
    expect(errors).toEqual([]);
  });

  it('speaks French', async () => {
    await page.goto(`${server.url}/#/audiences`);
    await pageReady(page, 'audiences');
    await page.selectOption('#lang-switch', 'fr');
    await pageReady(page, 'audiences');
    await counted();
    expect(await page.textContent('#page h1')).toBe('Audiences');
    expect(await page.textContent('#audience-add')).toBe('Ajouter une condition');
    expect(await page.textContent('#audience-count')).toMatch(/^[\d\u202f]+ personnes$/);
    expect(await page.textContent('[data-table="audiences"]')).toContain('cpp-quiet');
    await screenshot(page, 'audiences-fr');
    await page.selectOption('#lang-switch', 'en');
    expect(errors).toEqual([]);
  });
});
