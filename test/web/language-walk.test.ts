// Every page of the dashboard walked in French (then in English) in real Chromium, failing on any
// word that belongs to the English messages and not to the French ones (and the other way round).
// The word lists come from the catalogues themselves: the server's (src/messages) and the
// dashboard's (web/src/messages.ts), so a sentence added in one language only is caught here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { FIELDS } from '../../src/activation/audiences/catalogue.js';
import { parseConfig } from '../../src/config/index.js';
import { CATEGORIES } from '../../src/generate/catalogue.js';
import { FEMALE_NAMES, LAST_NAMES, MALE_NAMES, PLACES, STREETS } from '../../src/generate/france.js';
import { CATALOGUE } from '../../src/messages/index.js';
import { valueDefinitions } from '../../src/value/value-definitions.js';
import { CLASS_NAMES, EN, FR } from '../../web/src/messages.js';
import { HAVE_CHROMIUM } from './helpers/browser.js';
import { dashboardInBrowser, type DashboardInBrowser } from './helpers/dashboard.js';
import { pageReady, screenshot } from './helpers/page.js';

type Lang = 'en' | 'fr';

/** The words of a text: letters only, lower-cased, placeholders and markup left out. */
const words = (text: string): string[] =>
  text
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/`[^`]*`/g, ' ')
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter((w) => w.length >= 3);

/**
 * Data, not messages: the demo's categories are English codes ("home", "garden"), its products,
 * people and places French names. The language switch names each language in itself, by design.
 */
const DATA_WORDS = new Set(
  [
    ...CATEGORIES.flatMap((c) => [c.name, ...c.subCategories.flatMap((s) => [s.name, ...s.products])]),
    ...FEMALE_NAMES, ...MALE_NAMES, ...LAST_NAMES, ...PLACES.map((p) => p.city), ...STREETS,
    'English', 'Français',
  ].flatMap((w) => words(String(w))),
);

const config = parseConfig({});

/** Every text of one language in the catalogues (the server's messages, the dashboard's, the value figures' and the audience fields' definitions). */
function texts(lang: Lang): string[] {
  return [
    ...Object.values(CATALOGUE).map((entry) => entry[lang]),
    ...Object.values(lang === 'en' ? EN : FR),
    ...Object.values(CLASS_NAMES[lang]),
    ...valueDefinitions(config.value, { countReferralValue: config.segments.tiers.countReferralValue }).flatMap((d) => [d.label[lang], d.definition[lang]]),
    ...FIELDS.map((f) => f.description[lang]),
  ];
}

/** Words of `lang`'s messages that the other language's messages never use (names, codes and units appear in both and drop out). */
function ownWords(lang: Lang): Set<string> {
  const other = new Set(texts(lang === 'en' ? 'fr' : 'en').flatMap(words));
  return new Set(texts(lang).flatMap(words).filter((w) => !other.has(w) && !DATA_WORDS.has(w)));
}

/**
 * The visible text of the page's header and main, and the tooltips and labels a user reads on
 * hover or with a screen reader. Left out: code (field names of the audience language, file
 * formats: what a user types), the pickers' lists of such codes, and e-mail addresses.
 */
function pageText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const lines = [document.title];
    for (const part of document.querySelectorAll<HTMLElement>('header, main')) {
      const copy = part.cloneNode(true) as HTMLElement;
      for (const code of copy.querySelectorAll('code, kbd, select, .language-switch')) code.remove();
      // innerText of a node outside the document is its textContent: lay the rows and cells out as lines.
      for (const cell of copy.querySelectorAll('td, th, li, p, h1, h2, h3, h4, div, label, option, button, a, span')) cell.append('\n');
      lines.push(...(copy.textContent ?? '').split('\n'));
    }
    for (const e of document.querySelectorAll('main [title], main [aria-label], header [title], header [aria-label]')) {
      lines.push(e.getAttribute('title') ?? '', e.getAttribute('aria-label') ?? '');
    }
    return lines.map((l) => l.replace(/\S+@\S+/g, ' ').trim()).filter((l) => l !== '');
  });
}

/** Goes to a route of the open dashboard and waits for its page to be drawn. */
async function go(page: Page, hash: string, main: string): Promise<void> {
  await page.evaluate((to) => {
    document.querySelector('main')?.removeAttribute('data-ready');
    if (location.hash === to) dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = to;
  }, hash);
  await pageReady(page, main);
}

describe.skipIf(!HAVE_CHROMIUM)('the dashboard in one language throughout', () => {
  let ui: DashboardInBrowser;

  beforeAll(async () => {
    ui = await dashboardInBrowser({ customers: 300, seed: 16 });
  }, 300_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('builds its word lists from the catalogues: English-only words such as "purchase", French-only ones such as "achat"', () => {
    const english = ownWords('en');
    const french = ownWords('fr');
    expect(english.has('purchase')).toBe(true);
    expect(english.has('days')).toBe(true);
    expect(french.has('achat')).toBe(true);
    expect(english.has('rfm')).toBe(false); // a name both languages use
    expect([...english].filter((w) => french.has(w))).toEqual([]);
  });

  /**
   * Logs in with the dashboard in `lang`, then walks every page of the navigation, a chosen
   * segment, the migration card and the 360 of a customer who has every card filled.
   */
  async function walk(lang: Lang): Promise<string[]> {
    const foreign = ownWords(lang === 'fr' ? 'en' : 'fr');
    const context = await ui.browser.newContext({ viewport: { width: 1400, height: 900 }, locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
    try {
      const page = await context.newPage();
      await page.goto(`${ui.server.url}/#/overview`);
      await page.waitForSelector('[data-page="login"]');
      const found: string[] = [];
      /** Strings the data holds (campaign names, order ids, comments in a timeline): data, not messages. */
      const data = new Set<string>();
      const check = async (where: string): Promise<void> => {
        for (const line of await pageText(page)) {
          const leaked = words(line).filter((w) => foreign.has(w) && !data.has(w));
          if (leaked.length > 0) found.push(`${where}: ${[...new Set(leaked)].join(', ')} in "${line.slice(0, 160)}"`);
        }
      };
      await check('login');
      await page.fill('#login-user', ui.company.admin);
      await page.fill('#login-password', ui.company.password);
      await page.click('#login-submit');
      await pageReady(page, 'overview');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
      // A customer with classes, affinities, offers and a timeline: every card of the 360 has content.
      const customer = await page.evaluate(async () => {
        const list = (await (await fetch('/api/customers?pageSize=20')).json()) as { rows: { id: string }[] };
        return list.rows[5]?.id ?? list.rows[0]?.id ?? '';
      });
      const card = await page.evaluate(async (id) => (await (await fetch(`/api/customers/${encodeURIComponent(id)}`)).json()) as { timeline: { message: { params: Record<string, unknown> } }[] }, customer);
      for (const entry of card.timeline) for (const value of Object.values(entry.message.params)) if (typeof value === 'string') for (const w of words(value)) data.add(w);
      const sections = await page.$$eval('header nav a[data-nav]', (links) => links.map((a) => a.getAttribute('data-nav') ?? ''));
      expect(sections.length).toBeGreaterThanOrEqual(6);
      const targets: { name: string; hash: string; main: string }[] = [
        ...sections.map((s) => ({ name: s, hash: `#/${s}`, main: s })),
        { name: 'segment', hash: '#/segments?dimension=rfm_segment&value=champions', main: 'segments' },
        { name: 'segment-tier', hash: '#/segments?dimension=value_tier&value=CPP', main: 'segments' },
        { name: 'customer', hash: `#/customers/${encodeURIComponent(customer)}`, main: 'customer' },
      ];
      for (const target of targets) {
        await go(page, target.hash, target.main);
        await check(target.name);
        await screenshot(page, `language-walk-${target.name}-${lang}`);
      }
      // The 360 shows its class reasons, affinities and offers with their reasons: those are what is checked.
      expect(await page.locator('[data-table="affinities"] tbody tr').count()).toBeGreaterThan(0);
      return found;
    } finally {
      await context.close();
    }
  }

  it('shows no English word of the messages on any page in French', async () => {
    const found = await walk('fr');
    expect(found, found.join('\n')).toEqual([]);
  }, 240_000);

  it('shows no French word of the messages on any page in English', async () => {
    const found = await walk('en');
    expect(found, found.join('\n')).toEqual([]);
  }, 240_000);
});
