/**
 * What a screen reader or keyboard user needs from the page frame: a skip link, a title per page,
 * and focus on the new page's heading after a navigation (a single-page app gets none of that from
 * the browser). The few sentences it needs live here, in both languages, so the pages' message
 * table stays theirs.
 */
import { h } from './dom';
import { currentLang, t } from './i18n';

const TEXT = {
  en: {
    skipToContent: 'Skip to content',
    chartLabel: 'Chart: {title}. Its figures are in the table that follows.',
    chartData: 'Figures of the chart “{title}”',
    chartPoints: 'Points',
    chartFrom: 'From',
    chartTo: 'To',
    chartValue: 'Value',
    sortOrder: 'Order',
  },
  fr: {
    skipToContent: 'Aller au contenu',
    chartLabel: 'Graphique : {title}. Ses chiffres sont dans le tableau qui suit.',
    chartData: 'Chiffres du graphique « {title} »',
    chartPoints: 'Points',
    chartFrom: 'De',
    chartTo: 'Vers',
    chartValue: 'Valeur',
    sortOrder: 'Ordre',
  },
} as const;

export type A11yKey = keyof (typeof TEXT)['en'];

/** An accessibility sentence in the current language, with {name} placeholders filled. */
export function a11yText(key: A11yKey, params: Record<string, string> = {}): string {
  return TEXT[currentLang()][key].replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? `{${name}}`);
}

/** The page's heading, made focusable by script only (it is not a control: no tab stop). */
function headingOf(main: HTMLElement): HTMLElement {
  const heading = main.querySelector<HTMLElement>('h1') ?? main;
  heading.setAttribute('tabindex', '-1');
  return heading;
}

/**
 * The first tab stop of every page. It is not a plain href="#page": the hash is the router's, and
 * following it would leave the page.
 */
export function skipLink(): HTMLElement {
  return h(
    'a',
    {
      class: 'skip-link',
      href: '#page',
      onclick: (event: Event) => {
        event.preventDefault();
        const main = document.getElementById('page');
        if (main) headingOf(main).focus();
      },
    },
    a11yText('skipToContent'),
  );
}

/** What had focus before the page was drawn again, to find its twin in the new page (a filter, the language switch). */
export function focusKey(): string | null {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || active === document.body) return null;
  if (active.id) return `#${CSS.escape(active.id)}`;
  const filter = active.getAttribute('data-filter');
  return filter ? `[data-filter="${CSS.escape(filter)}"]` : null;
}

/**
 * Once a page is drawn: its title says which page it is (from its heading), and focus goes to its
 * heading, or back to the control that redrew it (changing a filter redraws the page).
 */
export function announcePage(main: HTMLElement, previousFocus: string | null, navigated: boolean): void {
  const heading = main.querySelector('h1')?.textContent?.trim();
  document.title = heading ? `${heading} · ${t('appName')}` : t('appName');
  reachableScrollers(main);
  // A page opened from the address bar keeps the browser's own start (the skip link comes first).
  if (!navigated) return;
  const twin = previousFocus ? document.querySelector<HTMLElement>(previousFocus) : null;
  if (twin) {
    twin.focus({ preventScroll: true });
    return;
  }
  const target = headingOf(main);
  target.focus({ preventScroll: true });
  // A new page starts at its top, whatever the scroll of the page left.
  if (target.getBoundingClientRect().top < 0) window.scrollTo(0, 0);
}

/**
 * A box that scrolls (the timeline, a wide table on a phone) must be reachable by keyboard to be
 * scrolled: it becomes a named tab stop when it holds nothing focusable of its own.
 */
function reachableScrollers(main: HTMLElement): void {
  for (const box of main.querySelectorAll<HTMLElement>('.timeline, .table-wrap, .matrix-wrap, .card')) {
    const scrolls = box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
    if (!scrolls || box.querySelector('a[href], button, input, select, textarea, [tabindex]') || box.hasAttribute('tabindex')) continue;
    box.tabIndex = 0;
    if (box.tagName === 'DIV') box.setAttribute('role', 'region');
    const title = box.closest('.card')?.querySelector('h2')?.textContent?.trim();
    if (title) box.setAttribute('aria-label', title);
  }
}

/** A chip row that scrolls sideways (on a phone) shows its chosen chip, not only its first ones. */
export function revealActiveChips(main: HTMLElement): void {
  for (const chip of main.querySelectorAll<HTMLElement>('.chips .chip.active')) {
    const row = chip.parentElement;
    if (row && row.scrollWidth > row.clientWidth) row.scrollLeft = chip.offsetLeft - row.offsetLeft - (row.clientWidth - chip.offsetWidth) / 2;
  }
}
