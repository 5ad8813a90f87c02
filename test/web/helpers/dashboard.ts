// The dashboard as a browser test meets it: a seeded company, `fidelis serve` on it with the
// freshly built web assets, and one Chromium page collecting its console errors.
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../../src/server/index.js';
import { fixtureConfig } from '../../helpers/fixture-config.js';
import { buildDashboard, launchChromium } from './browser.js';
import { seedCompany, type SeededCompany } from './company.js';
import { consoleErrors } from './page.js';

export interface DashboardInBrowser {
  readonly company: SeededCompany;
  readonly server: RunningServer;
  readonly browser: Browser;
  readonly page: Page;
  /** Console errors and uncaught exceptions of the page, from its opening. */
  readonly errors: string[];
  close(): Promise<void>;
}

export interface DashboardOptions {
  readonly customers: number;
  readonly seed: number;
  readonly height?: number;
  readonly acceptDownloads?: boolean;
  /** Work on the company's database before the server opens it (e.g. a plan to show). */
  readonly prepare?: (company: SeededCompany) => Promise<void>;
}

export async function dashboardInBrowser(options: DashboardOptions): Promise<DashboardInBrowser> {
  const [company, assets] = await Promise.all([seedCompany(options.customers, options.seed), buildDashboard()]);
  await options.prepare?.(company);
  const server = await startServer({ config: fixtureConfig({ db: company.db, server: { dashboard: { assets } } }), host: '127.0.0.1', port: 0 });
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1400, height: options.height ?? 900 }, locale: 'en-GB', acceptDownloads: options.acceptDownloads ?? false });
  const page = await context.newPage();
  return {
    company, server, browser, page, errors: consoleErrors(page),
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
