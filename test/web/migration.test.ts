import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../src/server/index.js';
import { HAVE_CHROMIUM } from './helpers/browser.js';
import type { SeededCompany } from './helpers/company.js';
import { dashboardInBrowser, type DashboardInBrowser } from './helpers/dashboard.js';
import { pageReady, screenshot, logIn } from './helpers/page.js';

interface Migration { from: string; to: string; rows: { from: string; to: string; customers: number }[] }

// From the migration card to the people: classes in their natural order, each cell a link to the customers who made that move (issue 16).
describe.skipIf(!HAVE_CHROMIUM)('migration drill-down in Chromium', () => {
  let ui: DashboardInBrowser;
  let company: SeededCompany;
  let server: RunningServer;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ui = await dashboardInBrowser({ customers: 400, seed: 3, height: 1400 });
    ({ company, server, page, errors } = ui);
    await logIn(page, server.url, 'overview', company.user, company.password);
  }, 300_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('orders tiers CPP, CCM, CNR with the absent last, and a cell opens its customers, in English then French', async () => {
    const m = await page.evaluate(async () => (await (await fetch('/api/migration?dimension=value_tier')).json()) as Migration);
    const headers = await page.locator('[data-table="migration"] thead th').allTextContents();
    const natural = ['CPP', 'CCM', 'CNR', '(none)'];
    const columns = natural.filter((c) => m.rows.some((r) => r.to === c));
    expect(headers.slice(1)).toEqual(columns);
    const rows = await page.locator('[data-table="migration"] tbody tr td:first-child').allTextContents();
    expect(rows).toEqual(natural.filter((c) => m.rows.some((r) => r.from === c)));

    const cell = m.rows.filter((r) => r.from !== r.to && r.to !== '(none)').sort((a, b) => b.customers - a.customers)[0];
    expect(cell).toBeDefined();
    await page.click(`[data-table="migration"] a[data-move="${cell!.from}>${cell!.to}"]`);
    await pageReady(page, 'customers');
    expect(await page.textContent('#customer-total')).toBe(`${cell!.customers} customers`);
    expect(await page.textContent('[data-filter="move"]')).toContain(`${cell!.from} on`);
    const tiers = await page.locator('[data-table="customers"] tbody tr td:nth-child(5)').allTextContents();
    expect(new Set(tiers)).toEqual(new Set([cell!.to]));
    await screenshot(page, 'migration-drilldown-en');
    await page.selectOption('#lang-switch', 'fr');
    await pageReady(page, 'customers');
    expect(await page.textContent('[data-filter="move"]')).toMatch(/^Clients qui ont changé de Niveau de valeur/);
    await page.click('[data-filter="move"] a');
    await pageReady(page, 'customers');
    expect(await page.locator('[data-filter="move"]').count()).toBe(0);
    await page.selectOption('#lang-switch', 'en');
    expect(errors).toEqual([]);
  });

  it('defines tiers, columns, grid classes and digital types in one line, on hover and under the chosen segment, in English then French', async () => {
    await page.goto(`${server.url}/#/segments?dimension=value_tier&value=CCM`);
    await pageReady(page, 'segments');
    expect(await page.textContent('[data-definition="value_tier/CCM"]')).toMatch(/^Medium-growth customers: .*development potential\.$/);
    for (const segment of ['value_tier/CPP', 'value_tier/CNR', 'value_column/d2', 'grid/whale', 'digital_type/technophile']) {
      expect(await page.getAttribute(`[data-segment="${segment}"]`, 'title'), segment).toBeTruthy();
    }
    await page.selectOption('#lang-switch', 'fr');
    await pageReady(page, 'segments');
    expect(await page.textContent('[data-definition="value_tier/CCM"]')).toMatch(/^Clients à croissance moyenne : /);
    expect(await page.getAttribute('[data-segment="grid/whale"]', 'title')).toMatch(/^Fort chiffre d’affaires, faible rentabilité/);
    await screenshot(page, 'segment-definition-fr');
    await page.selectOption('#lang-switch', 'en');
    expect(errors).toEqual([]);
  });
});
