// Exports and access in headless Chromium, in French: a marketer chooses the Excel dialect and gets
// a file Excel opens (BOM, semicolons); an analyst (the read role) sees the figures without the
// identifiers, and the export and the search say why they are closed to him.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addUser } from '../../src/server/index.js';
import { openStore } from '../../src/schema/index.js';
import type { RunningServer } from '../../src/server/index.js';
import { HAVE_CHROMIUM } from './helpers/browser.js';
import type { SeededCompany } from './helpers/company.js';
import { dashboardInBrowser, type DashboardInBrowser } from './helpers/dashboard.js';
import { logIn, pageReady, screenshot } from './helpers/page.js';

describe.skipIf(!HAVE_CHROMIUM)('exports and roles in Chromium, in French', () => {
  let ui: DashboardInBrowser;
  let company: SeededCompany;
  let server: RunningServer;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ui = await dashboardInBrowser({
      customers: 300,
      seed: 9,
      acceptDownloads: true,
      prepare: async (seeded) => {
        const engine = await openStore(seeded.db);
        try {
          await addUser(engine, 'mona', 'marketer', seeded.password);
        } finally {
          await engine.close();
        }
      },
    });
    ({ company, server, page, errors } = ui);
  }, 300_000);

  afterAll(async () => {
    await ui?.close();
  });

  /** Logs the page's session in as `user` and reloads, so the pages read his role. */
  async function switchUser(user: string, hash: string, name: string): Promise<void> {
    const status = await page.evaluate(async (body) => (await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status, {
      user,
      password: company.password,
    });
    expect(status).toBe(200);
    await page.goto(`${server.url}/${hash}`);
    await page.reload();
    await pageReady(page, name);
  }

  it("offers a marketer the French Excel dialect first, and its file starts with the BOM and uses ';' and decimal commas", async () => {
    await logIn(page, server.url, 'overview', 'mona', company.password);
    await page.selectOption('#lang-switch', 'fr');
    await pageReady(page, 'overview');
    await page.goto(`${server.url}/#/segments?dimension=value_tier&value=CPP`);
    await pageReady(page, 'segments');
    await page.waitForSelector('.segment-detail[data-value="CPP"] button#export-csv');
    expect(await page.getAttribute('#export-dialect', 'aria-label')).toBe("Format du fichier d'export");
    const options = await page.locator('#export-dialect option').allTextContents();
    expect(options).toEqual(['Excel en français (point-virgule, virgule décimale)', 'CSV (virgule, dates ISO)']);
    expect(await page.inputValue('#export-dialect')).toBe('excel-fr');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const bytes = readFileSync(await download.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^id;name;email;phone;city;orders;revenue;/);
    expect(lines.slice(1).some((l) => /;\d+,\d+;/.test(l))).toBe(true);
    expect(lines.slice(1).every((l) => /;\d{2}\/\d{2}\/\d{4} \d{2}:\d{2};/.test(l))).toBe(true);
    expect(await page.textContent('#export-summary')).toMatch(/^[\d\u202f]+ clients exportés pour le canal E-mail ;/);
    expect(errors).toEqual([]);
    await screenshot(page, 'export-dialect-fr');
  });

  it('shows the analyst (read role) figures without identifiers, and says why export and search are closed', async () => {
    await switchUser(company.user, '#/customers?value_tier=CPP', 'customers');
    expect(await page.textContent('#identifiers-masked')).toBe(
      'Noms, e-mails, téléphones, adresses et identifiants de fiches sont masqués : le rôle lecture (analyste) voit les chiffres sans les identifiants.',
    );
    const rows = page.locator('[data-table="customers"] tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    const emails = await page.locator('[data-table="customers"] tbody tr td:nth-child(2)').allTextContents();
    expect(emails.every((e) => e === '')).toBe(true);
    expect(await page.locator('[data-table="customers"] tbody').textContent()).not.toContain('@');
    expect(await page.isDisabled('#customer-search')).toBe(true);
    expect(await page.getAttribute('#customer-search', 'title')).toBe('Chercher par nom, e-mail ou téléphone demande le rôle marketing ou admin ; filtrez par classe.');
    await screenshot(page, 'analyst-customers-fr');

    // His 360: every identifier masked, the figures there.
    await page.locator('a.customer-link').first().click();
    await pageReady(page, 'customer');
    expect(await page.isVisible('#identifiers-masked')).toBe(true);
    expect(await page.textContent('#customer-name')).toMatch(/^[A-Z]\d+$/);
    const identifiers = await page.locator('[data-table="identifiers"] tbody tr td:nth-child(2)').allTextContents();
    expect(identifiers.length).toBeGreaterThan(0);
    expect(identifiers.every((v) => v === '•••')).toBe(true);
    expect(await page.locator('main').textContent()).not.toContain('@');
    await screenshot(page, 'analyst-360-fr');

    // The segment's export: shown disabled with its reason, and the server refuses it anyway.
    await page.goto(`${server.url}/#/segments?dimension=value_tier&value=CPP`);
    await pageReady(page, 'segments');
    await page.waitForSelector('.segment-detail[data-value="CPP"]');
    expect(await page.getAttribute('#export-csv', 'aria-disabled')).toBe('true');
    expect(await page.locator('#export-csv').locator('xpath=..').getAttribute('title')).toBe(
      "L'export des clients demande le rôle marketing ou admin : votre rôle voit les chiffres sans les identifiants",
    );
    expect(await page.textContent('#export-closed')).toBe("L'export des clients demande le rôle marketing ou admin : votre rôle voit les chiffres sans les identifiants");
    expect(await page.isVisible('.segment-detail #identifiers-masked')).toBe(true);
    expect(await page.evaluate(async () => (await fetch('/api/segments/value_tier/CPP/export.csv?dialect=excel-fr')).status)).toBe(403);
    errors.length = 0; // the browser logs the refusal asked for above
    await screenshot(page, 'analyst-segment-fr');
  });
});
