// What the browser tests look at in a page: its console errors, its charts' pixels, a screenshot.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

/** Console errors and uncaught exceptions of a page, collected from now on. */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}

/** Waits for the page's data to be drawn: main[data-ready], and a canvas in every chart. */
export async function pageReady(page: Page, name: string): Promise<void> {
  // Generous: beside the ClickHouse suites on a loaded two-core CI machine a page's queries can
  // queue for seconds. This is no latency test (the timing project holds those); on a timeout the
  // error says what the page showed instead, which tells a slow page from a wrong one.
  try {
    await page.waitForSelector(`main[data-page="${name}"][data-ready="true"]`, { timeout: 60_000 });
    await page.waitForFunction(() => [...document.querySelectorAll('.chart')].every((chart) => chart.querySelector('canvas') !== null), undefined, { timeout: 30_000 });
  } catch (error) {
    const shown = await page
      .evaluate(() => {
        const main = document.querySelector('main');
        const text = (document.querySelector('main, #app')?.textContent ?? '').replace(/\s+/g, ' ').slice(0, 300);
        return `${location.hash} main[data-page=${main?.getAttribute('data-page') ?? '-'}][data-ready=${main?.getAttribute('data-ready') ?? '-'}] "${text}"`;
      })
      .catch((reason: unknown) => `(page not readable: ${String(reason)})`);
    throw new Error(`page ${name} not ready; the page shows ${shown}`, { cause: error });
  }
}

/** Per chart, how many pixels of its canvas are painted (ECharts' background is transparent). */
export function paintedPixels(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const counts: Record<string, number> = {};
    for (const chart of document.querySelectorAll<HTMLElement>('.chart')) {
      let painted = 0;
      for (const canvas of chart.querySelectorAll('canvas')) {
        const context = canvas.getContext('2d');
        if (!context || canvas.width === 0 || canvas.height === 0) continue;
        const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
      }
      counts[chart.dataset.chart ?? '?'] = painted;
    }
    return counts;
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Opens the dashboard's `section` at `url`, logs in on the login page it shows, and waits for the section. */
export async function logIn(page: Page, url: string, section: string, user: string, password: string): Promise<void> {
  await page.goto(`${url}/#/${section}`);
  await page.fill('#login-user', user);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await pageReady(page, section);
}
