// Accessibility and small screens, in real Chromium: axe-core (WCAG 2.1 A/AA rules) on every page
// of the dashboard in French and English, page titles and focus on navigation, a text alternative
// for every chart, and at 390 px no page wider than the screen. Screenshots of every page, phone and
// desktop, FR and EN, go to test-results/screenshots/a11y-<page>-<lang>-<device>.png.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './helpers/browser.js';
import { dashboardInBrowser, type DashboardInBrowser } from './helpers/dashboard.js';
import { planOneCampaign } from './helpers/plan.js';
import { consoleErrors, pageReady, screenshot } from './helpers/page.js';

type Lang = 'en' | 'fr';

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[];
}

/** The dashboard's pages: its route, the name its <main> carries, and what its <h1> says. */
interface DashboardPage {
  readonly name: string;
  readonly hash: (customer: string) => string;
  readonly main: string;
}

const PAGES: readonly DashboardPage[] = [
  { name: 'overview', hash: () => '#/overview', main: 'overview' },
  { name: 'customers', hash: () => '#/customers', main: 'customers' },
  { name: 'customer', hash: (id) => `#/customers/${encodeURIComponent(id)}`, main: 'customer' },
  { name: 'segments', hash: () => '#/segments', main: 'segments' },
  { name: 'segment', hash: () => '#/segments?dimension=rfm_segment&value=champions', main: 'segments' },
  { name: 'audiences', hash: () => '#/audiences', main: 'audiences' },
  { name: 'plans', hash: () => '#/plans', main: 'plans' },
  { name: 'pressure', hash: () => '#/pressure', main: 'pressure' },
];

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core (WCAG 2.0/2.1 A and AA, and best practices) on the page; the serious and critical findings, one line each. */
async function seriousViolations(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResult> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${where}: [${v.impact}] ${v.id} (${v.help}) at ${v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)).join(', ')}${v.nodes.length > 5 ? ` and ${v.nodes.length - 5} more` : ''}`);
}

/** Controls whose outline (border or fill) is under 3:1 against what is behind them (WCAG 1.4.11, which axe does not check). */
function faintControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgb = (color: string): number[] | null => {
      const parts = /rgba?\(([^)]+)\)/.exec(color)?.[1]?.split(',').map((x) => Number(x.trim()));
      return parts && (parts[3] === undefined || parts[3] > 0) ? parts.slice(0, 3) : null;
    };
    const luminance = (c: number[]): number => {
      const [r = 0, g = 0, b = 0] = c.map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const behind = (element: Element): number[] => {
      for (let e = element.parentElement; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c) return c;
      }
      return [255, 255, 255];
    };
    const faint: string[] = [];
    for (const control of document.querySelectorAll<HTMLElement>('input:not([type=hidden]), select, textarea, button, .chip, .button')) {
      const style = getComputedStyle(control);
      if (control.offsetParent === null || style.borderTopStyle === 'none' || Number.parseFloat(style.borderTopWidth) === 0) continue;
      const border = rgb(style.borderTopColor);
      if (!border) continue;
      // What outlines the control is its border, or its fill when that stands out (a white button on the blue bar).
      const around = luminance(behind(control));
      const contrast = (c: number[] | null): number => (c ? (Math.max(luminance(c), around) + 0.05) / (Math.min(luminance(c), around) + 0.05) : 1);
      const ratio = Math.max(contrast(border), contrast(rgb(style.backgroundColor)));
      if (ratio < 3) faint.push(`${control.tagName.toLowerCase()}${control.id ? `#${control.id}` : ''}.${control.className}: ${ratio.toFixed(2)}:1`);
    }
    return faint;
  });
}


/** Goes to a route of the open dashboard and waits for its page to be drawn (not the page left). */
async function go(page: Page, hash: string, main: string): Promise<void> {
  await page.evaluate((to) => {
    document.querySelector('main')?.removeAttribute('data-ready');
    // The same route again is no hashchange: the app is told to draw it all the same.
    if (location.hash === to) dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = to;
  }, hash);
  await pageReady(page, main);
}

describe.skipIf(!HAVE_CHROMIUM)('accessibility and small screens in Chromium', () => {
  let ui: DashboardInBrowser;
  let customer: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ui = await dashboardInBrowser({ customers: 300, seed: 21, prepare: planOneCampaign('a11y-1') });
    await ui.page.goto(`${ui.server.url}/#/overview`);
  }, 300_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await ui?.close();
  });

  /**
   * A logged-in page in `lang` at a viewport size. The dashboard's CSP forbids inline scripts, and
   * axe is injected as one: this context bypasses the CSP (the pages are the same).
   */
  async function openDashboard(lang: Lang, width: number, height: number, device: string): Promise<{ page: Page; errors: string[] }> {
    const context = await ui.browser.newContext({ viewport: { width, height }, locale: lang === 'fr' ? 'fr-FR' : 'en-GB', bypassCSP: true });
    contexts.push(context);
    const page = await context.newPage();
    const errors = consoleErrors(page);
    await page.goto(`${ui.server.url}/#/overview`);
    await page.waitForSelector('[data-page="login"]');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
    await screenshot(page, `a11y-login-${lang}-${device}`);
    await page.fill('#login-user', ui.company.admin);
    await page.fill('#login-password', ui.company.password);
    await page.click('#login-submit');
    await pageReady(page, 'overview');
    customer ??= await page.evaluate(async () => ((await (await fetch('/api/customers?pageSize=1')).json()) as { rows: { id: string }[] }).rows[0]?.id ?? '');
    return { page, errors };
  }

  for (const lang of ['en', 'fr'] as const) {
    it(`has no serious or critical axe violation on any page, a title per page and focus on its heading (${lang})`, async () => {
      const context = await ui.browser.newContext({ viewport: { width: 1400, height: 900 }, locale: lang === 'fr' ? 'fr-FR' : 'en-GB', bypassCSP: true });
      contexts.push(context);
      const login = await context.newPage();
      await login.goto(`${ui.server.url}/#/overview`);
      await login.waitForSelector('[data-page="login"]');
      const found = await seriousViolations(login, `login (${lang})`);
      found.push(...(await faintControls(login)).map((control) => `login (${lang}): border of ${control}`));
      const titles = new Map<string, string>([['login', await login.title()]]);
      await login.close();

      const { page, errors } = await openDashboard(lang, 1400, 900, 'desktop');
      for (const target of PAGES) {
        await go(page, target.hash(customer), target.main);
        found.push(...(await seriousViolations(page, `${target.name} (${lang})`)));
        found.push(...(await faintControls(page)).map((control) => `${target.name} (${lang}): border of ${control}`));
        titles.set(target.name, await page.title());
        // Focus is on the new page's heading, so a screen reader starts reading there.
        expect(await page.evaluate(() => document.activeElement?.tagName + '|' + (document.activeElement?.closest('main') ? 'main' : '')), target.name).toBe('H1|main');
        // Every chart has a text alternative: a name, and its data in a table beside it.
        const charts = await page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('.chart')].map((chart) => {
            const table = chart.getAttribute('aria-describedby') ? document.getElementById(chart.getAttribute('aria-describedby') ?? '') : null;
            return { chart: chart.dataset.chart, hidden: chart.getAttribute('aria-hidden') === 'true', label: chart.getAttribute('aria-label') ?? '', rows: table?.querySelectorAll('tbody tr').length ?? 0 };
          }),
        );
        for (const c of charts.filter((c) => !c.hidden)) {
          expect(c.label, `${target.name}: chart ${c.chart}`).not.toBe('');
          expect(c.rows, `${target.name}: chart ${c.chart} data table`).toBeGreaterThan(0);
        }
        if (target.name === 'overview') {
          // The tables hold the charts' figures: a row per month of the trends, the 5 x 5 RFM cells.
          const months = await page.evaluate(async () => ((await (await fetch('/api/overview')).json()) as { trends: unknown[] }).trends.length);
          expect(await page.locator('[data-chart-table="trends"] tbody tr').count()).toBe(months);
          expect(await page.locator('[data-chart-table="rfm"] tbody tr').count()).toBe(5);
          expect(await page.locator('[data-chart-table="rfm"] tbody tr').first().locator('td').count()).toBe(5);
          expect(await page.locator('[data-chart-table="kpi-revenue"]').count()).toBe(0);
          expect(await page.textContent('[data-chart-table="trends"] caption')).toBe(lang === 'fr' ? 'Chiffres du graphique « Tendances mensuelles »' : 'Figures of the chart “Monthly trends”');
        }
        if (target.name === 'customer' && (await page.locator('[data-chart="p-alive"]').count()) > 0) {
          // A long curve is read at evenly spaced points, not counted.
          const rows = await page.locator('[data-chart-table="p-alive"] tbody tr').count();
          expect(rows).toBeGreaterThan(1);
          expect(rows).toBeLessThanOrEqual(62);
          expect(await page.locator('[data-chart-table="p-alive"] tbody tr td').first().textContent()).toMatch(/%$/);
        }
        await screenshot(page, `a11y-${target.name}-${lang}-desktop`);
      }
      expect(found, found.join('\n')).toEqual([]);
      // One title per page, in the page's language.
      expect(new Set(titles.values()).size, JSON.stringify([...titles])).toBe(titles.size - 1); // segments and a segment share a title
      expect(titles.get('overview')).toBe(lang === 'fr' ? "Vue d'ensemble · Fidelis" : 'Overview · Fidelis');
      expect(errors).toEqual([]);
    });

    it(`starts with a skip link to the page's content (${lang})`, async () => {
      const { page } = await openDashboard(lang, 1400, 900, 'desktop');
      // Opened from the address bar (the session is there): no focus moved, the skip link is the first tab stop.
      await page.reload();
      await pageReady(page, 'overview');
      expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.classList.contains('skip-link'))).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(lang === 'fr' ? 'Aller au contenu' : 'Skip to content');
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.closest('main') !== null)).toBe(true);
      expect(await page.evaluate(() => location.hash)).toMatch(/^#\/overview(\?|$)/);
    });

    it(`fits a 390 px phone on every page: nothing scrolls sideways, no serious axe violation, the chosen segment shows at once (${lang})`, async () => {
      const { page, errors } = await openDashboard(lang, 390, 844, 'phone');
      const wide: string[] = [];
      const found: string[] = [];
      for (const target of PAGES) {
        await go(page, target.hash(customer), target.main);
        // On a phone, tables scroll inside their cards: each such box must be reachable by keyboard (axe: scrollable-region-focusable).
        found.push(...(await seriousViolations(page, `${target.name} (${lang}, phone)`)));
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
        if (scrollWidth > innerWidth) wide.push(`${target.name}: ${scrollWidth} px wide in a ${innerWidth} px window`);
        // Legends stay on one line (they scroll) so they never run into the plot below them.
        const legends = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.chart[data-legend]')].map((c) => `${c.dataset.chart}:${c.dataset.legend}`));
        for (const legend of legends) expect(legend, target.name).toMatch(/:scroll$/);
        await screenshot(page, `a11y-${target.name}-${lang}-phone`);
      }
      expect(wide).toEqual([]);
      expect(found, found.join('\n')).toEqual([]);

      // The chosen segment's figures are on the first screen, not below every chip of the picker.
      await go(page, '#/segments?dimension=rfm_segment&value=champions', 'segments');
      const seen = await page.evaluate(() => {
        const heading = document.querySelector('.segment-detail h2')?.getBoundingClientRect();
        const chip = document.querySelector('.chip.active')?.getBoundingClientRect();
        return { scrollY: window.scrollY, heading: heading?.top ?? Infinity, chipLeft: chip?.left ?? -1, chipRight: chip?.right ?? Infinity, height: window.innerHeight, width: window.innerWidth };
      });
      expect(seen.scrollY).toBe(0);
      expect(seen.heading).toBeLessThan(seen.height);
      expect(seen.chipLeft).toBeGreaterThanOrEqual(0);
      expect(seen.chipRight).toBeLessThanOrEqual(seen.width);
      expect(errors).toEqual([]);
    });
  }
});
