import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parseConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { buildDashboard, HAVE_CHROMIUM, launchChromium } from './helpers/browser.js';
import { seedCompany, type SeededCompany } from './helpers/company.js';
import { consoleErrors, pageReady, paintedPixels, screenshot } from './helpers/page.js';

interface Segment {
  customers: number;
}
interface CustomerPage {
  total: number;
  rows: { id: string; name: string | null; email: string | null }[];
}

describe.skipIf(!HAVE_CHROMIUM)('the dashboard in Chromium', () => {
  let company: SeededCompany;
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    let start = Date.now();
    const [seeded, assets] = await Promise.all([seedCompany(500, 3), buildDashboard()]);
    company = seeded;
    timings.seedAndBuild = Date.now() - start;
    start = Date.now();
    server = await startServer({ config: parseConfig({ db: company.db, server: { dashboard: { assets } } }), host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-GB' });
    page = await context.newPage();
    errors = consoleErrors(page);
    timings.startServerAndBrowser = Date.now() - start;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    process.stderr.write(`[test/web] timings (ms): ${JSON.stringify(timings)}\n`);
  });

  /** Runs a step and keeps how long it took. */
  async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
    const start = Date.now();
    try {
      return await step();
    } finally {
      timings[name] = Date.now() - start;
    }
  }

  /** Goes to a route and checks the page drew every chart, without a console error. */
  async function visit(hash: string, name: string): Promise<Record<string, number>> {
    errors.length = 0;
    await page.goto(`${server.url}/${hash}`);
    await pageReady(page, name);
    const painted = await paintedPixels(page);
    for (const [chart, pixels] of Object.entries(painted)) expect(pixels, `chart ${chart} of ${name} is blank`).toBeGreaterThan(150);
    expect(errors, `console errors on ${name}`).toEqual([]);
    return painted;
  }

  it('shows an unauthenticated browser the login page and no data', async () => {
    await timed('anonymous', async () => {
      const anonymous = await browser.newContext();
      const fresh = await anonymous.newPage();
      const apiAnswers: { url: string; status: number }[] = [];
      fresh.on('response', (response) => {
        if (new URL(response.url()).pathname.startsWith('/api/')) apiAnswers.push({ url: response.url(), status: response.status() });
      });
      await fresh.goto(`${server.url}/#/overview`);
      await fresh.waitForSelector('#login-form');
      expect(await fresh.locator('main').count()).toBe(0);
      expect(apiAnswers.map((a) => new URL(a.url).pathname)).toEqual(['/api/session']);
      // Asked directly, every data route refuses the page.
      const statuses = await fresh.evaluate(async () =>
        Promise.all(['/api/overview', '/api/customers', '/api/segments', '/api/migration', '/api/segments/value_tier/CPP/export.csv'].map(async (path) => (await fetch(path)).status)),
      );
      expect(statuses).toEqual([401, 401, 401, 401, 401]);
      await screenshot(fresh, 'login');
      await anonymous.close();
    });
  });

  it('refuses a wrong password, then logs in and opens the page the link asked for', async () => {
    await timed('login', async () => {
      await page.goto(`${server.url}/#/customers?value_tier=CPP`);
      await page.fill('#login-user', company.user);
      await page.fill('#login-password', 'not the password');
      await page.click('#login-submit');
      await page.waitForSelector('#login-error:not([hidden])');
      expect(await page.textContent('#login-error')).toMatch(/wrong/i);
      expect(await page.locator('main').count()).toBe(0);

      await page.fill('#login-password', company.password);
      await page.click('#login-submit');
      await pageReady(page, 'customers');
      expect(await page.inputValue('[data-filter="value_tier"]')).toBe('CPP');
      expect(await page.locator('[data-table="customers"] tbody tr').first().locator('td').nth(4).textContent()).toBe('CPP');
      const cookies = await context.cookies();
      expect(cookies.find((c) => c.name === 'fidelis_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    });
  });

  it('draws the overview: KPIs, trends, Pareto, tiers, grid, RFM heatmap, CLV, digital types and the migration Sankey', async () => {
    await timed('overview', async () => {
      const painted = await visit('#/overview', 'overview');
      expect(Object.keys(painted).sort()).toEqual(
        ['clv', 'digital', 'grid', 'kpi-active', 'kpi-customers', 'kpi-margin', 'kpi-revenue', 'pareto', 'rfm', 'sankey', 'tiers', 'trends'].sort(),
      );
      expect(await page.locator('[data-table="migration"] td').count()).toBeGreaterThan(4);
      await screenshot(page, 'overview');
      // Another dimension redraws the matrix and the Sankey, and the link keeps it.
      await page.selectOption('#migration-dimension', 'grid');
      await page.waitForFunction(() => location.hash.includes('dimension=grid'));
      await page.waitForFunction(() => document.querySelector('[data-chart="sankey"] canvas') !== null);
      expect(errors).toEqual([]);
    });
  });

  /**
   * Logs the page's session in as `user` (the cookie is replaced) and loads the document afresh, so
   * the pages read his role. The fresh load goes through a blank page: a reload would first draw the
   * page the tab was on (the overview's dozen queries) and the next page would wait behind it.
   */
  async function switchUser(user: string): Promise<void> {
    const login = { user, password: company.password };
    // The context's request client shares the tab's cookie jar: the new session cookie replaces the old one.
    const answer = await context.request.post(`${server.url}/api/session`, { data: login, headers: { origin: server.url } });
    expect(answer.status()).toBe(200);
    await page.goto('about:blank');
  }

  it('finds a customer by email and opens his 360', async () => {
    await timed('customers', async () => {
      // marie has the read role, which sees no identifiers and may not search by them (test/web/exports-access.test.ts): an admin searches.
      await switchUser(company.admin);
      await visit('#/customers', 'customers');
      const list = await page.evaluate(async () => (await (await fetch('/api/customers?sort=revenue&pageSize=5')).json()) as CustomerPage);
      const target = list.rows.find((r) => r.email !== null);
      expect(target).toBeDefined();
      expect(await page.locator('[data-table="customers"] tbody tr').count()).toBe(Math.min(50, list.total));
      await screenshot(page, 'customers');

      await page.fill('#customer-search', target!.email!);
      await page.press('#customer-search', 'Enter');
      await page.waitForFunction(() => location.hash.includes('q='));
      await pageReady(page, 'customers');
      const link = page.locator(`a.customer-link[data-id="${target!.id}"]`);
      await link.click();
      await pageReady(page, 'customer');
      expect(await page.textContent('#customer-name')).toBe(target!.name ?? target!.id);
      for (const table of ['golden-record', 'identifiers']) expect(await page.locator(`[data-table="${table}"] tbody tr`).count(), table).toBeGreaterThan(0);
      expect(await page.locator('[data-list="timeline"] li').count()).toBeGreaterThan(0);
      const painted = await paintedPixels(page);
      expect(painted['p-alive'] ?? 0).toBeGreaterThan(150);
      expect(errors).toEqual([]);
      await screenshot(page, 'customer-360');
    });
  });

  it("explores a segment; a read user cannot export it, an admin's CSV has the API's count of lines", async () => {
    await timed('segments', async () => {
      // marie, whatever the test before left the page logged in as.
      await switchUser(company.user);
      await visit('#/segments', 'segments');
      await page.click('[data-segment="value_tier/CPP"]');
      await pageReady(page, 'segments');
      await page.waitForSelector('.segment-detail[data-value="CPP"]');
      // marie has the read role: the export is greyed out, and the server refuses it anyway.
      expect(await page.getAttribute('#export-csv', 'aria-disabled')).toBe('true');
      expect(await page.evaluate(async () => (await fetch('/api/segments/value_tier/CPP/export.csv')).status)).toBe(403);
      errors.length = 0; // the browser logs that refusal, which was asked for
      // An admin, logged in on the same page, gets the export control.
      const login = { user: company.admin, password: company.password };
      expect(await page.evaluate(async (body) => (await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status, login)).toBe(200);
      await page.reload();
      await pageReady(page, 'segments');
      await page.waitForSelector('.segment-detail[data-value="CPP"] button#export-csv');
      const painted = await paintedPixels(page);
      for (const chart of ['channels', 'categories']) expect(painted[chart] ?? 0, chart).toBeGreaterThan(150);
      const shown = Number(await page.getAttribute('#segment-size', 'data-customers'));
      const api = await page.evaluate(async () => ((await (await fetch('/api/segments/value_tier/CPP')).json()) as Segment).customers);
      expect(api).toBeGreaterThan(0);
      expect(shown).toBe(api);
      // The export is for one channel (email first): the file holds those opted in, the page says how many were left out.
      expect(await page.inputValue('#export-channel')).toBe('email');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
      expect(download.suggestedFilename()).toBe('value_tier-CPP-email.csv');
      const csv = readFileSync(await download.path(), 'utf8');
      const leftOut = Number(await page.getAttribute('#export-summary', 'data-left-out'));
      expect(csv.trimEnd().split(/\r?\n/).length - 1 + leftOut).toBe(api);
      expect(await page.textContent('#export-summary')).toMatch(/^[\d,]+ customers exported for Email; [\d,]+ left out \([\d,]+ opted out, [\d,]+ without any consent\)\.$/);
      expect(errors).toEqual([]);
      await screenshot(page, 'segments');
      // An RFM cell is a segment too.
      await visit('#/segments?dimension=rfm_cell&value=r5f1', 'segments');
    });
  });

  it('switches to French: labels and number formats change, and the choice is kept', async () => {
    await timed('language', async () => {
      await visit('#/overview', 'overview');
      const englishCustomers = await page.textContent('[data-kpi="customers"] .stat-value');
      expect(await page.textContent('[data-nav="overview"]')).toBe('Overview');
      await page.selectOption('#lang-switch', 'fr');
      await pageReady(page, 'overview');
      expect(await page.textContent('[data-nav="overview"]')).toBe("Vue d'ensemble");
      expect(await page.textContent('[data-kpi="revenue"] .stat-value')).toMatch(/€$/);
      // The CLV figure says what it is, in French: lifetime value, basis and discounting.
      expect(await page.textContent('[data-kpi="clv"] .stat-label')).toMatch(/^Valeur vie \(marge/);
      expect(await page.textContent('[data-definition="clv"]')).toBeTruthy();
      const frenchCustomers = await page.textContent('[data-kpi="customers"] .stat-value');
      // 1,234 in English is 1 234 (narrow no-break space) in French.
      expect(englishCustomers).toMatch(/^\d{1,3}(,\d{3})*$/);
      expect(frenchCustomers).toBe(englishCustomers!.replace(/,/g, '\u202f'));
      await page.reload();
      await pageReady(page, 'overview');
      expect(await page.textContent('[data-nav="overview"]')).toBe("Vue d'ensemble");
      await screenshot(page, 'overview-fr');
      expect(errors).toEqual([]);
      await page.selectOption('#lang-switch', 'en');
      await pageReady(page, 'overview');
    });
  });

  it("shows a customer's consent now on every channel and its history, and the export's summary, in French", async () => {
    await timed('consent', async () => {
      // A customer with both a consent given or withdrawn and a channel without any event.
      const id = await page.evaluate(async () => {
        const list = (await (await fetch('/api/customers?sort=revenue&pageSize=30')).json()) as { rows: { id: string }[] };
        for (const row of list.rows) {
          const c = (await (await fetch(`/api/customers/${encodeURIComponent(row.id)}`)).json()) as { profile: { currentConsents: { status: string }[] } };
          const statuses = c.profile.currentConsents.map((k) => k.status);
          if (statuses.includes('unknown') && statuses.some((s) => s !== 'unknown')) return row.id;
        }
        return null;
      });
      expect(id).not.toBeNull();
      const current = await page.evaluate(async (who) => {
        const c = (await (await fetch(`/api/customers/${encodeURIComponent(who ?? '')}`)).json()) as { profile: { currentConsents: { channel: string; status: string }[] } };
        return c.profile.currentConsents;
      }, id);
      await page.selectOption('#lang-switch', 'fr');
      await visit(`#/customers/${encodeURIComponent(id ?? '')}`, 'customer');
      const rows = page.locator('[data-table="current-consents"] tbody tr');
      expect(await rows.count()).toBe(5);
      const french: Record<string, string> = { opt_in: 'Consentement donné', opt_out: 'Consentement retiré', unknown: 'Inconnu (sans consentement)' };
      const channels: Record<string, string> = { email: 'E-mail', sms: 'SMS', mail: 'Courrier', phone: 'Téléphone', push: 'Notification push' };
      for (const [i, k] of current.entries()) {
        expect(await rows.nth(i).locator('td').nth(0).textContent()).toBe(channels[k.channel]);
        expect(await rows.nth(i).locator('td').nth(1).textContent()).toBe(french[k.status]);
      }
      expect(await page.textContent('[data-table="current-consents"] thead')).toContain('Canal');
      // The golden record and identifiers name fields, types and sources in French, never by column or record id.
      const golden = await page.locator('[data-table="golden-record"] tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
      expect(golden.length).toBeGreaterThan(0);
      const records = await page.evaluate(async (who) => {
        const c = (await (await fetch(`/api/customers/${encodeURIComponent(who ?? '')}`)).json()) as { recordSystems: Record<string, string> };
        return Object.keys(c.recordSystems);
      }, id);
      expect(records.length).toBeGreaterThan(0);
      for (const [attribute, , source] of golden) {
        expect(attribute).not.toMatch(/_/);
        expect(records).not.toContain(source);
      }
      expect(golden.map(([attribute]) => attribute)).toContain('Prénom');
      expect(golden.map(([, , source]) => source).filter(Boolean).every((s) => ['Magasin', 'Web', 'Centre d’appels', 'Partenaire', 'Événements collectés'].includes(s ?? ''))).toBe(true);
      // The timeline in French: each entry is the API's French text of its message, none of the English sentences.
      const timeline = await page.evaluate(async (who) => {
        const c = (await (await fetch(`/api/customers/${encodeURIComponent(who ?? '')}`)).json()) as { timeline: { message: { text: { fr: string } } }[] };
        return c.timeline.map((e) => e.message.text.fr);
      }, id);
      const labels = await page.locator('[data-list="timeline"] li .label').allTextContents();
      expect(labels.length).toBeGreaterThan(0);
      expect(labels).toEqual(timeline.slice(0, labels.length));
      for (const label of labels) expect(label).not.toMatch(/^(Order |Return on order|Sent: |Opened: |Clicked: |Delivered: |Ticket: \w+ \(open\)|Page viewed|Added to cart|Event: )|line\(s\)/);
      expect(await page.locator('[data-table="consents"] tbody tr').count()).toBeGreaterThan(0);
      expect(await page.textContent('[data-table="consents"] tbody')).not.toMatch(/opt_in|opt_out/);
      await screenshot(page, 'customer-360-consent-fr');
      expect(errors).toEqual([]);
      // The export's summary in French, for SMS.
      await visit('#/segments?dimension=value_tier&value=CPP', 'segments');
      await page.selectOption('#export-channel', 'sms');
      await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
      expect(await page.textContent('#export-summary')).toMatch(
        /^[\d\u202f]+ clients exportés pour le canal SMS ; [\d\u202f]+ écartés \([\d\u202f]+ ont retiré leur consentement, [\d\u202f]+ sans aucun consentement\)\.$/,
      );
      await page.selectOption('#lang-switch', 'en');
      await pageReady(page, 'segments');
    });
  });

  it('refuses a state-changing request that has the session cookie but no CSRF token', async () => {
    await timed('csrf', async () => {
      const answers = await page.evaluate(async () => {
        const bare = await fetch('/api/session', { method: 'DELETE' });
        const post = await fetch('/api/customers', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        const still = (await (await fetch('/api/session')).json()) as { authenticated: boolean };
        return { bare: bare.status, post: post.status, still: still.authenticated };
      });
      expect(answers).toEqual({ bare: 403, post: 403, still: true });
      // The app's own logout carries the token.
      await page.click('#logout');
      await page.waitForSelector('#login-form');
      expect(await page.evaluate(async () => (await fetch('/api/overview')).status)).toBe(401);
    });
  });
});
