// The segment page a marketer reads (issue 16 "Segment page"), in headless Chromium, in English
// then French: the segment's size at each snapshot, the segment beside the whole base on figures
// the test computes itself in SQL, members sorted by clicking (or keying) their headers, the P(alive)
// column saying "not estimable" as the 360 does, and the export of a migration drill-down list.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseConfig } from '../../src/config/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { sql } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import type { RunningServer } from '../../src/server/index.js';
import { HAVE_CHROMIUM } from './helpers/browser.js';
import type { SeededCompany } from './helpers/company.js';
import { dashboardInBrowser, type DashboardInBrowser } from './helpers/dashboard.js';
import { logIn, pageReady, screenshot } from './helpers/page.js';

/** What the test computes from the database itself, before the server opens it. */
interface Truth {
  sizes: { asOf: string; customers: number }[];
  members: number;
  avgOrders: number;
  emailConsent: number;
  notEstimable: number;
  baseNotEstimable: number;
  ordersAscending: string[];
  optedIn: Set<string>;
  flawed: string;
}

const SEGMENT = 'CCM';

describe.skipIf(!HAVE_CHROMIUM)('the segment page in Chromium', () => {
  let ui: DashboardInBrowser;
  let company: SeededCompany;
  let server: RunningServer;
  let page: Page;
  let errors: string[];
  const truth = {} as Truth;

  beforeAll(async () => {
    ui = await dashboardInBrowser({
      customers: 400,
      seed: 5,
      height: 1200,
      acceptDownloads: true,
      prepare: async (seeded) => {
        const engine = await openStore(seeded.db);
        try {
          // BG/NBD, whose P(alive) of a one-time buyer is not an estimate: the column must say so.
          await runPipeline(engine, parseConfig({ db: seeded.db, value: { clv: { model: 'bgnbd' } } }), { from: 'clv' });
          const sizes = await engine.query<{ as_of: Date; n: number }>(sql`SELECT as_of, sum(CASE WHEN value_tier = ${SEGMENT} THEN 1 ELSE 0 END) AS n
            FROM customer_snapshots GROUP BY as_of ORDER BY as_of`);
          truth.sizes = sizes.map((s) => ({ asOf: s.as_of.toISOString(), customers: Number(s.n) }));
          const [figures] = await engine.query<Record<string, number>>(sql`SELECT count(*) AS n, avg(coalesce(orders, 0)) AS orders,
            avg(CASE WHEN pc.status = 'opt_in' THEN 1.0 ELSE 0.0 END) AS consent, count(p_alive_reason) AS not_estimable
            FROM customer_classes AS c LEFT JOIN person_consents AS pc ON pc.person_id = c.person_id AND pc.channel = 'email' WHERE value_tier = ${SEGMENT}`);
          Object.assign(truth, { members: Number(figures?.n), avgOrders: Number(figures?.orders), emailConsent: Number(figures?.consent), notEstimable: Number(figures?.not_estimable) });
          const [base] = await engine.query<{ n: number }>(sql`SELECT count(p_alive_reason) AS n FROM customer_classes`);
          truth.baseNotEstimable = Number(base?.n);
          // The list's ascending order: the value, then ties by id descending (the ranks' order), customers without it last.
          truth.ordersAscending = (await engine.query<{ person_id: string }>(sql`SELECT person_id FROM customer_classes WHERE value_tier = ${SEGMENT}
            ORDER BY coalesce(orders, 0) ASC, person_id DESC LIMIT 20`)).map((r) => r.person_id);
          truth.optedIn = new Set((await engine.query<{ person_id: string }>(sql`SELECT person_id FROM person_consents WHERE channel = 'email' AND status = 'opt_in'`)).map((r) => r.person_id));
          const [flawed] = await engine.query<{ person_id: string }>(sql`SELECT person_id FROM customer_classes WHERE p_alive_reason IS NOT NULL ORDER BY person_id LIMIT 1`);
          truth.flawed = flawed?.person_id ?? '';
        } finally {
          await engine.close();
        }
      },
    });
    ({ company, server, page, errors } = ui);
    await logIn(page, server.url, 'overview', company.admin, company.password);
  }, 300_000);

  afterAll(async () => {
    await ui?.close();
  });

  const openSegment = async (): Promise<void> => {
    await page.goto(`${server.url}/#/segments?dimension=value_tier&value=${SEGMENT}`);
    await pageReady(page, 'segments');
  };

  it('draws the size at each snapshot as a chart with its table, and the segment beside the whole base on figures equal to SQL', async () => {
    await openSegment();
    expect(truth.sizes).toHaveLength(2);
    const rows = page.locator('[data-table="segment-sizes"] tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-as-of'), Number(tr.getAttribute('data-customers'))]))).toEqual(
      truth.sizes.map((s) => [s.asOf, s.customers]),
    );
    // The chart's text alternative (its data table) has one row per snapshot.
    expect(await page.locator('[data-chart-table="segment-sizes"] tbody tr').count()).toBe(2);
    expect(await page.textContent('[data-table="segment-sizes"] tbody tr:last-child td')).toBe(truth.sizes[1]!.customers.toLocaleString('en-GB'));

    const figure = async (key: string, side: 'segment' | 'base'): Promise<number> => Number(await page.getAttribute(`[data-figure="${key}"]`, `data-${side}`));
    expect(await figure('customers', 'segment')).toBe(truth.members);
    expect(await figure('orders', 'segment')).toBeCloseTo(truth.avgOrders, 9);
    expect(await figure('email-consent', 'segment')).toBeCloseTo(truth.emailConsent, 9);
    expect(await page.textContent('[data-figure="p-alive"] td:nth-child(2)')).toContain(`${truth.notEstimable} not estimable`);
    expect(await page.textContent('[data-figure="p-alive"] td:nth-child(3)')).toContain(`${truth.baseNotEstimable.toLocaleString('en-GB')} not estimable`);
    // Value figures say their basis and discounting, as the value labels do.
    expect(await page.textContent('[data-figure="avg-clv-12m"] th')).toMatch(/^Mean per customer: 12-month value \(margin, discounted 10%\/yr\)Expected margin/);
    expect(await page.textContent('[data-figure="mix-digital_type"] th')).toBe('Digital maturity mix');
    await screenshot(page, 'segment-page-en');
    expect(errors).toEqual([]);
  });

  it('sorts the members by clicking a header, then the other way by clicking again or pressing Enter on it, with aria-sort saying so', async () => {
    await openSegment();
    expect(await page.getAttribute('th:has(#sort-predicted_value)', 'aria-sort')).toBe('descending');
    await page.click('#sort-orders');
    await page.waitForFunction(() => location.hash.includes('sort=orders'));
    await pageReady(page, 'segments');
    expect(await page.getAttribute('th:has(#sort-orders)', 'aria-sort')).toBe('descending');
    expect(await page.getAttribute('th:has(#sort-predicted_value)', 'aria-sort')).toBe('none');
    const descending = (await page.locator('[data-table="customers"] tbody tr td:nth-child(9)').allTextContents()).map(Number);
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    // Focus comes back to the header after the redraw: a keyboard user presses Enter again on it.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sort-orders');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.includes('order=asc'));
    await pageReady(page, 'segments');
    expect(await page.getAttribute('th:has(#sort-orders)', 'aria-sort')).toBe('ascending');
    expect(await page.locator('[data-table="customers"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')))).toEqual(truth.ordersAscending);
    expect(errors).toEqual([]);
  });

  it('shows P(alive) per member, "not estimable" where the model cannot say, as the 360 does', async () => {
    expect(truth.flawed).not.toBe('');
    await page.goto(`${server.url}/#/customers?q=${encodeURIComponent(truth.flawed)}`);
    await pageReady(page, 'customers');
    const cell = page.locator(`[data-table="customers"] tr[data-id="${truth.flawed}"] [data-p-alive-reason]`);
    expect(await cell.textContent()).toBe('not estimable');
    expect(await cell.getAttribute('data-p-alive-reason')).toBe('bgnbd_no_repeat_purchase');
    await openSegment();
    const percent = await page.locator('[data-table="customers"] tbody tr td:last-child').first().textContent();
    expect(percent).toMatch(/^(\d+%|not estimable|–)$/);
    expect(errors).toEqual([]);
  });

  it('exports a migration drill-down list from the customers page: exactly the persons listed who opted in to e-mail', async () => {
    const m = await page.evaluate(async () => (await (await fetch('/api/migration?dimension=value_tier')).json()) as { rows: { from: string; to: string; customers: number }[] });
    const cell = m.rows.filter((r) => r.from !== r.to && r.from !== '(none)' && r.to !== '(none)').sort((a, b) => b.customers - a.customers)[0];
    expect(cell).toBeDefined();
    const filter = `moveDimension=value_tier&moveFrom=${encodeURIComponent(cell!.from)}&moveTo=${encodeURIComponent(cell!.to)}`;
    await page.goto(`${server.url}/#/customers?${filter}&sort=revenue&order=asc`);
    await pageReady(page, 'customers');
    const listed = await page.evaluate(async (f) => {
      const ids: string[] = [];
      for (let p = 1; ; p++) {
        const list = (await (await fetch(`/api/customers?${f}&sort=revenue&order=asc&pageSize=200&page=${p}`)).json()) as { total: number; rows: { id: string }[] };
        ids.push(...list.rows.map((r) => r.id));
        if (ids.length >= list.total || list.rows.length === 0) return ids;
      }
    }, filter);
    expect(listed).toHaveLength(cell!.customers);
    await page.selectOption('#export-dialect', 'plain');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const path = await download.path();
    const ids = readFileSync(path, 'utf8').split('\r\n').slice(1).filter((l) => l !== '').map((l) => l.split(',')[0]);
    expect(ids).toEqual(listed.filter((id) => truth.optedIn.has(id)));
    await page.waitForFunction(() => document.querySelector('#export-summary')?.getAttribute('data-left-out') !== undefined && document.querySelector('#export-summary')?.textContent?.includes('exported'));
    expect(Number(await page.getAttribute('#export-summary', 'data-left-out'))).toBe(listed.length - ids.length);
    await screenshot(page, 'customers-list-export-en');
    expect(errors).toEqual([]);
  });

  it('says all of it in French', async () => {
    await openSegment();
    await page.selectOption('#lang-switch', 'fr');
    await pageReady(page, 'segments');
    expect(await page.locator('.card h2', { hasText: 'Taille au fil des instantanés' }).count()).toBe(1);
    expect(await page.locator('.card h2', { hasText: 'Comparé à toute la base' }).count()).toBe(1);
    expect(await page.textContent('[data-table="segment-comparison"] thead')).toBe('IndicateurCe segmentToute la base');
    expect(await page.textContent('[data-figure="p-alive"] td:nth-child(2)')).toContain(`${truth.notEstimable} non estimables`);
    expect(await page.textContent('[data-figure="avg-clv-12m"] th')).toMatch(/^Moyenne par client : Valeur à 12 mois \(marge, actualisée 10\s%\/an\)/);
    expect(await page.getAttribute('#sort-orders', 'title')).toBe('Trier par Commandes');
    await page.click('#sort-p_alive');
    await page.waitForFunction(() => location.hash.includes('sort=p_alive'));
    await pageReady(page, 'segments');
    expect(await page.getAttribute('th:has(#sort-p_alive)', 'aria-sort')).toBe('descending');
    await screenshot(page, 'segment-page-fr');
    await page.goto(`${server.url}/#/customers?q=${encodeURIComponent(truth.flawed)}`);
    await pageReady(page, 'customers');
    expect(await page.textContent(`[data-table="customers"] tr[data-id="${truth.flawed}"] [data-p-alive-reason]`)).toBe('non estimable');
    expect(await page.getAttribute('.list-export', 'aria-label')).toBe('Exporter cette liste');
    await page.selectOption('#lang-switch', 'en');
    expect(errors).toEqual([]);
  });
});
