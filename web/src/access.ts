import { currentRole } from './api';
import { h } from './dom';
import { t } from './i18n';
import type { MessageKey } from './messages';

/** Said where the server masked identifiers for the viewer's role (the API's `masked: true`). */
export function maskedNotice(): HTMLElement {
  const role = currentRole() ?? 'analyst';
  return h('p', { class: 'notice', id: 'identifiers-masked', 'data-role': role }, t('identifiersMasked', { role: t(`role_${role}` as MessageKey) }));
}
