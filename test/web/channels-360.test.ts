import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../src/server/index.js';
import { HAVE_CHROMIUM } from './helpers/browser.js';
import type { SeededCompany } from './helpers/company.js';
import { dashboardInBrowser, type DashboardInBrowser } from './helpers/dashboard.js';
import { pageReady, screenshot, logIn } from './helpers/page.js';

interface Channels {
  preferred: string | null;
  channels: { channel: string; contacts: number; responses: number; is_preferred: boolean }[];
}

// The 360 page shows the preferred channel and the per-channel figures with their explanation, in English and French.
describe.skipIf(!HAVE_CHROMIUM)('channels on the customer 360 in Chromium', () => {
  let ui: DashboardInBrowser;
  let company: SeededCompany;
  let server: RunningServer;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ui = await dashboardInBrowser({ customers: 400, seed: 3, height: 1000 });
    ({ company, server, page, errors } = ui);
    await logIn(page, server.url, 'customers', company.user, company.password);
  }, 300_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('shows his preferred channel and each channel with its evidence and expected value, in English then French', async () => {
    // A customer with a preferred channel and SMS contacts in his history.
    const found = await page.evaluate(async () => {
      const list = (await (await fetch('/api/customers?sort=revenue&pageSize=50')).json()) as { rows: { id: string }[] };
      for (const row of list.rows) {
        const c = (await (await fetch(`/api/customers/${encodeURIComponent(row.id)}`)).json()) as { profile: { channels: Channels | null } };
        const ch = c.profile.channels;
        if (ch?.preferred && ch.channels.some((k) => k.channel === 'sms' && k.contacts > 0)) return { id: row.id, channels: ch };
      }
      return null;
    });
    expect(found).not.toBeNull();
    const { id, channels } = found as { id: string; channels: Channels };
    await page.goto(`${server.url}/#/customers/${encodeURIComponent(id)}`);
    await pageReady(page, 'customer');
    const names: Record<string, [string, string]> = { email: ['Email', 'E-mail'], sms: ['SMS', 'SMS'], mail: ['Post', 'Courrier'], phone: ['Phone', 'Téléphone'], push: ['Push', 'Notification push'] };
    const preferred = names[channels.preferred ?? ''] ?? ['', ''];
    expect(await page.getAttribute('[data-field="preferred-channel"]', 'data-channel')).toBe(channels.preferred);
    expect(await page.textContent('[data-field="preferred-channel"]')).toMatch(new RegExp(`^Preferred channel: ${preferred[0]}, the best expected value among the channels he consented to \\(.+ per contact\\)$`));
    const rows = page.locator('[data-table="channels"] tbody tr');
    expect(await rows.count()).toBe(5);
    const sms = channels.channels.findIndex((k) => k.channel === 'sms');
    const smsRow = channels.channels[sms];
    expect(await page.textContent('[data-list="channel-reasons"] li[data-channel="sms"]')).toMatch(
      new RegExp(`^SMS: ${smsRow?.responses} (opens|clicks|conversions) out of ${smsRow?.contacts}; his segment [\\d.]+% — P\\(response\\) [\\d.]+% × .+ expected per contact$`),
    );
    await screenshot(page, 'customer-360-channels');
    await page.selectOption('#lang-switch', 'fr');
    await pageReady(page, 'customer');
    expect(await page.textContent('[data-field="preferred-channel"]')).toMatch(new RegExp(`^Canal préféré : ${preferred[1]}, la meilleure valeur espérée parmi les canaux auxquels il a consenti \\(.+ par contact\\)$`));
    expect(await page.textContent('[data-list="channel-reasons"] li[data-channel="sms"]')).toMatch(
      new RegExp(`^SMS : ${smsRow?.responses} (ouvertures|clics|conversions) sur ${smsRow?.contacts} ; son segment [\\d,]+\\s?% — P\\(réponse\\) [\\d,]+\\s?% × .+ espérés par contact$`),
    );
    expect(await page.textContent('[data-table="channels"] thead')).toContain('Valeur espérée');
    await screenshot(page, 'customer-360-channels-fr');
    expect(errors).toEqual([]);
  });
});
