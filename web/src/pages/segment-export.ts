import { can } from '../api';
import { h, saveBlob } from '../dom';
import { fmt, t } from '../i18n';
import type { MessageKey } from '../messages';

/** Contact channels (src/store/schema.ts CONTACT_CHANNELS): an export is made for one of them. */
const CHANNELS = ['email', 'sms', 'mail', 'phone', 'push'] as const;

/** CSV dialects (src/dashboard/csv-dialect.ts CSV_DIALECTS). */
const DIALECTS = ['plain', 'excel-fr'] as const;

/** The CSV dialect choice: the French Excel one first in French, where it is what a double click opens right. */
export function dialectSelect(id: string): HTMLSelectElement {
  const order = document.documentElement.lang === 'fr' ? [...DIALECTS].reverse() : DIALECTS;
  return h('select', { id, 'aria-label': t('exportDialect'), title: t('exportDialect') }, order.map((d) => h('option', { value: d }, t(`dialect_${d}` as MessageKey))));
}

async function errorText(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    return body.error?.message ?? `${response.status} ${response.statusText}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

/**
 * An export (a segment's, or any customer list's): a channel, a button, and what the server says it
 * left out for want of consent (its X-Fidelis-* headers), shown once the file is downloaded. The
 * file is fetched, not followed as a link, so that those headers can be read; it is then handed to
 * the browser as a blob. `url` is the export's address, with or without a query of its own.
 */
export function exportControl(url: string, file: string): HTMLElement {
  const select = h('select', { id: 'export-channel', 'aria-label': t('exportFor') }, CHANNELS.map((c) => h('option', { value: c }, t(`channel_${c}` as MessageKey))));
  const dialect = dialectSelect('export-dialect');
  const summary = h('p', { id: 'export-summary', class: 'hint', 'aria-live': 'polite' }, t('exportRule'));
  const button = h('button', { type: 'button', id: 'export-csv' }, t('exportCsv'));
  const run = async (): Promise<void> => {
    button.disabled = true;
    try {
      const channel = select.value;
      const options = `channel=${encodeURIComponent(channel)}&dialect=${encodeURIComponent(dialect.value)}`;
      const response = await fetch(`${url}${url.includes('?') ? '&' : '?'}${options}`, { credentials: 'same-origin' });
      if (!response.ok) {
        summary.textContent = `${t('error')}: ${await errorText(response)}`;
        return;
      }
      const blob = await response.blob();
      const count = (header: string): string => fmt.number(Number(response.headers.get(header) ?? 0));
      summary.textContent = t('exportSummary', {
        exported: count('x-fidelis-exported'),
        channel: t(`channel_${channel}` as MessageKey),
        leftOut: count('x-fidelis-left-out'),
        optedOut: count('x-fidelis-left-out-opted-out'),
        unknown: count('x-fidelis-left-out-unknown'),
      });
      summary.dataset.leftOut = response.headers.get('x-fidelis-left-out') ?? '';
      saveBlob(blob, `${file}-${channel}.csv`);
    } finally {
      button.disabled = false;
    }
  };
  button.addEventListener('click', () => void run());
  return h('div', { class: 'export-control' }, h('div', { class: 'export-row' }, select, dialect, button), summary);
}

/**
 * The export control for a viewer who may export; for the others (analyst and read roles, whom the
 * server refuses with a 403) a disabled button that says why.
 */
export function exportOrReason(url: string, file: string): HTMLElement {
  if (can('export')) return exportControl(url, file);
  return h(
    'div',
    { class: 'export-control' },
    h('span', { title: t('exportNeedsAdmin') }, h('span', { class: 'button disabled', id: 'export-csv', 'aria-disabled': 'true', 'aria-describedby': 'export-closed' }, t('exportCsv'))),
    h('p', { class: 'hint', id: 'export-closed' }, t('exportNeedsAdmin')),
  );
}
