import { ApiFailure, logIn, type SessionInfo } from '../api';
import { h, mount } from '../dom';
import { t } from '../i18n';
import { languageSwitch } from '../widgets';

/** The login form: the only thing an unauthenticated browser sees. */
export function renderLogin(root: HTMLElement, opened: (session: SessionInfo) => void): void {
  const user = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const message = h('p', { class: 'error', role: 'alert', id: 'login-error', hidden: true });
  const button = h('button', { type: 'submit', id: 'login-submit' }, t('login'));
  const form = h(
    'form',
    { class: 'login-form', id: 'login-form' },
    h('h1', null, t('loginTitle')),
    h('label', null, t('user'), user),
    h('label', null, t('password'), password),
    message,
    button,
    h('p', { class: 'hint' }, t('loginHint')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    button.disabled = true;
    message.hidden = true;
    logIn(user.value, password.value)
      .then(opened)
      .catch((error: unknown) => {
        message.textContent = loginFailure(error);
        message.hidden = false;
        button.disabled = false;
        password.select();
      });
  });
  mount(root, h('div', { class: 'login-page', 'data-page': 'login' }, h('div', { class: 'login-lang' }, languageSwitch()), form));
}

/** What the login page says when the server refuses: a 429 says how long to wait, when it knows. */
function loginFailure(error: unknown): string {
  if (!(error instanceof ApiFailure)) return String(error);
  if (error.status === 429) return error.retryAfter !== null ? t('tooManyLoginsWait', { seconds: error.retryAfter }) : t('tooManyLogins');
  return error.status === 401 ? t('wrongPassword') : error.message;
}
