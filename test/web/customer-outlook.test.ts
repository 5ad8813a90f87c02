// In real Chromium, on a generated company: the customer 360 shows his expected next order date,
// his churn risk and, for a "Can't lose" customer valued at about nothing and a "Loyal" whale
// valued at a few euros, why the CLV says so, in English and French, with their definitions; the
// customer list gives the same sentence as the CLV's tooltip. Then every page is photographed for
// docs/dashboard-ui.md (test-results/screenshots/doc-<page>.png; with FIDELIS_DOC_SCREENSHOTS=1
// also docs/screenshots/<page>.png, the small viewport pictures the doc shows).
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../src/server/index.js';
import { HAVE_CHROMIUM } from './helpers/browser.js';
import type { SeededCompany } from './helpers/company.js';
import { dashboardInBrowser, type DashboardInBrowser } from './helpers/dashboard.js';
import { planOneCampaign } from './helpers/plan.js';
import { pageReady, SCREENSHOTS } from './helpers/page.js';

interface Bilingual { en: string; fr: string }
interface Value360 {
  pAlive: number | null;
  nextOrder: { date: string | null; reason: string | null; text: Bilingual | null };
  churnRisk: { label: string; text: Bilingual };
  clvExplanation: { key: string; text: Bilingual } | null;
  definitions: { field: string; label: Bilingual; definition: Bilingual }[];
}
interface Row { id: string; clv_explanation?: { key: string; text: Bilingual } | null }

const DOCS = join(process.cwd(), 'docs', 'screenshots');

/** Goes to a route of the open dashboard and waits for its page to be drawn (not the page left). */
async function go(page: Page, hash: string, main: string): Promise<void> {
  await page.evaluate((to) => {
    document.querySelector('main')?.removeAttribute('data-ready');
    if (location.hash === to) dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = to;
  }, hash);
  await pageReady(page, main);
}

/** The first screen of the page (what the doc shows), into the test's output and, when asked, into docs/. */
async function photograph(page: Page, name: string, from?: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `doc-${name}.png`);
  await page.evaluate(() => window.scrollTo(0, 0));
  // A card further down (the 360's value card) is brought to the top of the picture.
  if (from !== undefined) await page.evaluate((selector) => document.querySelector(selector)?.closest('.card')?.scrollIntoView(), from);
  await page.screenshot({ path });
  if (process.env.FIDELIS_DOC_SCREENSHOTS === '1') {
    mkdirSync(DOCS, { recursive: true });
    copyFileSync(path, join(DOCS, `${name}.png`));
  }
}


describe.skipIf(!HAVE_CHROMIUM)('customer 360 outlook and CLV explanations in Chromium, and the pictures of every page', () => {
  let ui: DashboardInBrowser;
  let company: SeededCompany;
  let server: RunningServer;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ui = await dashboardInBrowser({ customers: 1200, seed: 11, height: 800, prepare: planOneCampaign('doc-1') });
    ({ company, server, page, errors } = ui);
    await page.setViewportSize({ width: 1200, height: 800 });
    await page.goto(`${server.url}/#/overview`);
    await page.waitForSelector('#login-user');
    await photograph(page, 'login');
    await page.fill('#login-user', company.admin);
    await page.fill('#login-password', company.password);
    await page.click('#login-submit');
    await pageReady(page, 'overview');
  }, 300_000);

  afterAll(async () => {
    await ui?.close();
  });

  const api = <T>(path: string): Promise<T> => page.evaluate(async (p) => (await fetch(p)).json() as Promise<unknown>, path) as Promise<T>;

  /** The first customer of the list (lowest CLV first) whose CLV the API explains. */
  async function explained(filter: string): Promise<Row> {
    const list = await api<{ rows: Row[] }>(`/api/customers?${filter}&sort=clv&order=asc&pageSize=50`);
    const row = list.rows.find((r) => r.clv_explanation);
    expect(row, filter).toBeDefined();
    return row as Row;
  }

  it('shows why a "Can\'t lose" customer at about €0 and a "Loyal" whale at a few euros have that CLV, on the 360 (EN, FR) and as the list\'s tooltip', async () => {
    for (const [filter, shot] of [
      ['rfm_segment=cant_lose', 'customer-cant-lose'],
      ['rfm_segment=loyal&grid=whale', 'customer-loyal-whale'],
    ] as const) {
      const row = await explained(filter);
      const v = (await api<{ value: Value360 }>(`/api/customers/${encodeURIComponent(row.id)}`)).value;
      expect(v.clvExplanation).toEqual(row.clv_explanation);

      // The list: the CLV cell carries the sentence as its tooltip.
      await go(page, `#/customers?${filter}&sort=clv&order=asc`, 'customers');
      const cell = page.locator(`tr:has(a[data-id="${row.id}"]) .clv-explained`);
      expect(await cell.getAttribute('title')).toBe(v.clvExplanation?.text.en);
      expect(await cell.getAttribute('data-clv-explanation')).toBe(v.clvExplanation?.key);

      // The 360: the sentence beside the CLV, the churn risk and the next order with their definitions.
      await go(page, `#/customers/${encodeURIComponent(row.id)}`, 'customer');
      expect(await page.textContent('[data-field="clv-explanation"]')).toBe(v.clvExplanation?.text.en);
      expect(await page.textContent('[data-field="churn-risk"] .stat-value')).toBe(v.churnRisk.text.en);
      expect(await page.getAttribute('[data-field="churn-risk"]', 'title')).toBe(v.definitions.find((d) => d.field === 'churn_risk')?.definition.en);
      const expectedDate = v.nextOrder.date === null ? v.nextOrder.text?.en : new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(v.nextOrder.date));
      expect(await page.textContent('[data-field="next-order"] .stat-value')).toBe(expectedDate);
      const defined = await page.locator('[data-list="value-definitions"] dt').evaluateAll((dts) => dts.map((dt) => (dt as HTMLElement).dataset.field));
      expect(defined).toEqual(expect.arrayContaining(['clv', 'next_order', 'churn_risk']));
      await photograph(page, shot, '[data-field="clv-explanation"]');

      await page.selectOption('#lang-switch', 'fr');
      await pageReady(page, 'customer');
      expect(await page.textContent('[data-field="clv-explanation"]')).toBe(v.clvExplanation?.text.fr);
      expect(await page.textContent('[data-field="churn-risk"] .stat-value')).toBe(v.churnRisk.text.fr);
      expect(await page.textContent('[data-field="next-order"] .stat-label')).toBe('Prochaine commande attendue');
      await page.selectOption('#lang-switch', 'en');
      await pageReady(page, 'customer');
    }
    expect(errors).toEqual([]);
  });

  it('shows a next order date for a recent repeat buyer, and no explanation where the CLV agrees with his segment', async () => {
    const list = await api<{ rows: (Row & { clv: number; revenue: number })[] }>('/api/customers?rfm_segment=champions&sort=clv&order=desc&pageSize=5');
    const top = list.rows[0] as Row;
    expect(top.clv_explanation).toBeNull();
    await go(page, `#/customers/${encodeURIComponent(top.id)}`, 'customer');
    expect(await page.locator('[data-field="clv-explanation"]').count()).toBe(0);
    const date = await page.getAttribute('[data-field="next-order"]', 'data-next-order');
    expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await page.textContent('[data-field="next-order"] .stat-note')).toBe('if he is still a customer');
    expect(errors).toEqual([]);
  });

  it('photographs every page for the documentation', async () => {
    const first = (await api<{ rows: Row[] }>('/api/customers?sort=revenue&order=desc&pageSize=1')).rows[0]?.id ?? '';
    const pages: [string, string, string][] = [
      ['overview', '#/overview', 'overview'],
      ['customers', '#/customers', 'customers'],
      ['customer', `#/customers/${encodeURIComponent(first)}`, 'customer'],
      ['segments', '#/segments?dimension=rfm_segment&value=cant_lose', 'segments'],
      ['audiences', '#/audiences', 'audiences'],
      ['plans', '#/plans', 'plans'],
      ['pressure', '#/pressure', 'pressure'],
    ];
    for (const [name, hash, main] of pages) {
      await go(page, hash, main);
      await photograph(page, name);
    }
    // The segment's members: "Can't lose" customers valued at about nothing carry the reason on their CLV.
    await go(page, '#/segments?dimension=rfm_segment&value=cant_lose', 'segments');
    const marked = page.locator('[data-table="customers"] .clv-explained');
    expect(await marked.count()).toBeGreaterThan(0);
    expect(await marked.first().getAttribute('title')).toMatch(/^CLV counts expected future purchases only: P\(alive\) .* the RFM segment “Can't lose” describes his past\.$/);
    // The overview's lower half: the migration and the value charts.
    await go(page, '#/overview', 'overview');
    await photograph(page, 'overview-migration', '[data-chart="sankey"]');
    expect(errors).toEqual([]);
  });
});
