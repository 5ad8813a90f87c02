import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseConfig } from '../../src/config/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import type { RunningServer } from '../../src/server/index.js';
import { sql } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { HAVE_CHROMIUM } from './helpers/browser.js';
import type { SeededCompany } from './helpers/company.js';
import { dashboardInBrowser, type DashboardInBrowser } from './helpers/dashboard.js';
import { logIn, pageReady, screenshot } from './helpers/page.js';

// With BG/NBD configured, a one-time buyer's P(alive) is not an estimate (1 by construction): the
// customer page says so, with the reason, in English and French, and draws no P(alive) curve.
describe.skipIf(!HAVE_CHROMIUM)('P(alive) not estimable on the customer page in Chromium', () => {
  let ui: DashboardInBrowser;
  let company: SeededCompany;
  let server: RunningServer;
  let page: Page;
  let errors: string[];
  let oneTimeBuyer = '';
  let repeatBuyer = '';

  beforeAll(async () => {
    ui = await dashboardInBrowser({
      customers: 300,
      seed: 8,
      height: 1000,
      async prepare(seeded) {
        const engine = await openStore(seeded.db);
        try {
          await runPipeline(engine, parseConfig({ db: seeded.db, value: { clv: { model: 'bgnbd' } } }), { from: 'clv' });
          const pick = async (condition: string): Promise<string> => {
            const [row] = await engine.query<{ person_id: string }>(
              sql`SELECT person_id FROM customer_classes WHERE ${sql.raw(condition)} ORDER BY person_id LIMIT 1`,
            );
            return row?.person_id ?? '';
          };
          oneTimeBuyer = await pick("p_alive IS NULL AND p_alive_reason = 'bgnbd_no_repeat_purchase'");
          repeatBuyer = await pick('p_alive IS NOT NULL AND orders >= 3');
        } finally {
          await engine.close();
        }
      },
    });
    ({ company, server, page, errors } = ui);
    await logIn(page, server.url, 'customers', company.user, company.password);
  }, 300_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('says "not estimable" with the reason for a one-time buyer, and shows a percentage for a repeat buyer', async () => {
    expect(oneTimeBuyer).not.toBe('');
    await page.goto(`${server.url}/#/customers/${encodeURIComponent(oneTimeBuyer)}`);
    await pageReady(page, 'customer');
    const stat = page.locator('[data-p-alive-reason="bgnbd_no_repeat_purchase"]');
    expect(await stat.locator('.stat-value').textContent()).toBe('not estimable');
    expect(await stat.locator('.stat-note').textContent()).toBe(
      'BG/NBD counts a customer without a repeat purchase as alive by construction, so it cannot say whether he still is',
    );
    expect(await page.locator('[data-chart="p-alive"]').count()).toBe(0);
    await screenshot(page, 'customer-p-alive-not-estimable');
    await page.selectOption('#lang-switch', 'fr');
    await pageReady(page, 'customer');
    expect(await stat.locator('.stat-value').textContent()).toBe('non estimable');
    expect(await stat.locator('.stat-note').textContent()).toBe(
      "BG/NBD tient par construction pour actif un client sans second achat : il ne peut pas dire s'il l'est encore",
    );
    await screenshot(page, 'customer-p-alive-not-estimable-fr');
    await page.selectOption('#lang-switch', 'en');
    await page.goto(`${server.url}/#/customers/${encodeURIComponent(repeatBuyer)}`);
    await pageReady(page, 'customer');
    expect(await page.locator('[data-p-alive-reason]').count()).toBe(0);
    expect(await page.locator('.stat', { hasText: 'P(alive)' }).locator('.stat-value').first().textContent()).toMatch(/^\d+(\.\d+)?\s?%$/);
    expect(errors).toEqual([]);
  });
});
