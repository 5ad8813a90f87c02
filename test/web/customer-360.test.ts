import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../src/server/index.js';
import { HAVE_CHROMIUM } from './helpers/browser.js';
import type { SeededCompany } from './helpers/company.js';
import { dashboardInBrowser, type DashboardInBrowser } from './helpers/dashboard.js';
import { pageReady, screenshot, logIn } from './helpers/page.js';

interface Api360 {
  engagement: { contacts30: number; contacts90: number; emails: number; openRate: number | null; clickRate: number | null };
  path: { as_of: string; value_tier: string | null }[];
  timeline: { kind: string; message: { text: { en: string; fr: string } } }[];
}

// The customer 360's engagement card, his path over snapshots and a timeline filtered by kind that shows more on demand (issue 16).
describe.skipIf(!HAVE_CHROMIUM)('customer 360: engagement, path and timeline in Chromium', () => {
  let ui: DashboardInBrowser;
  let company: SeededCompany;
  let server: RunningServer;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ui = await dashboardInBrowser({ customers: 400, seed: 3, height: 1400 });
    ({ company, server, page, errors } = ui);
    await logIn(page, server.url, 'customers', company.user, company.password);
  }, 300_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('shows his e-mail reactions and contacts, his path, and pages and filters a long timeline, in English then French', async () => {
    // A customer with e-mails sent to him and a timeline longer than one page.
    const found = await page.evaluate(async () => {
      const list = (await (await fetch('/api/customers?sort=orders&pageSize=60')).json()) as { rows: { id: string }[] };
      for (const row of list.rows) {
        const c = (await (await fetch(`/api/customers/${encodeURIComponent(row.id)}`)).json()) as Api360;
        if (c.engagement.emails > 0 && c.timeline.length > 25 && new Set(c.timeline.map((e) => e.kind)).size > 2) return { id: row.id, c };
      }
      return null;
    });
    expect(found).not.toBeNull();
    const { id, c } = found as { id: string; c: Api360 };
    await page.goto(`${server.url}/#/customers/${encodeURIComponent(id)}`);
    await pageReady(page, 'customer');

    // Engagement: the API's figures, as the page formats them.
    expect(await page.textContent('[data-field="contacts-90"] .stat-value')).toBe(String(c.engagement.contacts90));
    expect(await page.textContent('[data-field="open-rate"] .stat-label')).toBe(`E-mails opened (${c.engagement.emails} sent)`);
    expect(await page.textContent('[data-field="open-rate"] .stat-value')).toBe(`${Math.round((c.engagement.openRate ?? 0) * 100)}%`);
    expect(c.engagement.clickRate ?? 0).toBeLessThanOrEqual(c.engagement.openRate ?? 0);
    expect(c.engagement.contacts30).toBeLessThanOrEqual(c.engagement.contacts90);
    // Path: one row per snapshot he is in.
    expect(await page.locator('[data-table="path"] tbody tr').count()).toBe(c.path.length);

    // Timeline: 20 entries, then 20 more on demand; a kind filter keeps only that kind.
    const entries = page.locator('[data-list="timeline"] li');
    expect(await entries.count()).toBe(20);
    await page.click('[data-action="timeline-more"]');
    expect(await entries.count()).toBe(Math.min(40, c.timeline.length));
    const kind = c.timeline.find((e) => e.kind !== c.timeline[0]?.kind)?.kind ?? '';
    await page.selectOption('[data-filter="timeline-kind"]', kind);
    const kinds = await entries.evaluateAll((items) => items.map((i) => i.getAttribute('data-kind')));
    expect(kinds.length).toBe(Math.min(20, c.timeline.filter((e) => e.kind === kind).length));
    expect(new Set(kinds)).toEqual(new Set([kind]));
    await screenshot(page, 'customer-360-engagement-en');

    await page.selectOption('#lang-switch', 'fr');
    await pageReady(page, 'customer');
    expect(await page.textContent('[data-field="open-rate"] .stat-label')).toBe(`E-mails ouverts (${c.engagement.emails} envoyés)`);
    expect(await page.locator('[data-list="timeline"] li .label').first().textContent()).toBe(c.timeline[0]?.message.text.fr);
    expect(await page.textContent('[data-action="timeline-more"]')).toMatch(/^En afficher \d+ de plus \(\d+ restants\)$/);
    await screenshot(page, 'customer-360-engagement-fr');
    await page.selectOption('#lang-switch', 'en');
    expect(errors).toEqual([]);
  });

  it('opens the segment of every class chip of a 360; scores (attachment, potential) are shown, not linked', async () => {
    const id = await page.evaluate(async () => ((await (await fetch('/api/customers?sort=revenue&pageSize=1')).json()) as { rows: { id: string }[] }).rows[0]?.id ?? '');
    await page.goto(`${server.url}/#/customers/${encodeURIComponent(id)}`);
    await pageReady(page, 'customer');
    const chips = await page.locator('.page-title a.chip').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    expect(chips.length).toBeGreaterThanOrEqual(5);
    expect(await page.locator('.page-title .chip.score').count()).toBeGreaterThan(0);
    for (const link of chips) {
      await page.goto(`${server.url}/${link}`);
      await pageReady(page, 'segments');
      // The chip's segment is the chosen one, and no error was shown.
      expect(await page.locator('main .error, main .notice.error').count(), link).toBe(0);
      expect(await page.locator('.chip.active').count(), link).toBeGreaterThan(0);
    }
    expect(errors).toEqual([]);
  });
});
