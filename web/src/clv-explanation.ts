import { h } from './dom';
import { currentLang, fmt } from './i18n';
import type { CustomerRow, ValueMessage } from './types';

/** The sentence of a CLV that contradicts the RFM segment, in the page's language (null: nothing to explain). */
export function clvExplanationText(explanation: ValueMessage | null | undefined): string | null {
  return explanation ? explanation.text[currentLang()] : null;
}

/**
 * A member table's CLV cell: the amount, and where his RFM segment says a valuable past while the
 * CLV says little future value, a marker whose tooltip says why (any table of customer rows may call it).
 */
export function clvCell(row: Pick<CustomerRow, 'clv' | 'clv_explanation'>): HTMLElement | string {
  const amount = fmt.money(row.clv);
  const why = clvExplanationText(row.clv_explanation);
  if (why === null || !row.clv_explanation) return amount;
  return h('span', { class: 'clv-explained', title: why, 'data-clv-explanation': row.clv_explanation.key }, amount,
    h('sup', { class: 'clv-explained-mark', 'aria-hidden': 'true' }, '?'),
    // The tooltip is for a mouse; a screen reader reads the sentence itself.
    h('span', { class: 'visually-hidden' }, ` ${why}`));
}
