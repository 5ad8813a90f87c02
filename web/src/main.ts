import './style.css';
import { announcePage, focusKey, revealActiveChips, skipLink } from './a11y';
import { ApiFailure, currentSession, logOut, Unauthorized, type SessionInfo } from './api';
import { disposeCharts } from './charts';
import { h, mount } from './dom';
import { currentLang, onLangChange, t } from './i18n';
import { renderAudiences } from './pages/audiences';
import { renderCustomer } from './pages/customer';
import { renderCustomers } from './pages/customers';
import { renderLogin } from './pages/login';
import { renderOverview } from './pages/overview';
import { renderPlans } from './pages/plans';
import { renderPressure } from './pages/pressure';
import { renderSegments } from './pages/segments';
import { currentRoute, href, type Route } from './router';
import { languageSwitch } from './widgets';

const root = document.getElementById('app') as HTMLElement;
let session: SessionInfo | null = null;
/** Each render gets a number: a slow page that finishes after the user moved on draws nothing. */
let renderCount = 0;

function header(route: Route, user: SessionInfo): HTMLElement {
  const section = route.path[0] ?? 'overview';
  const link = (name: 'overview' | 'customers' | 'segments' | 'audiences' | 'plans' | 'pressure') =>
    h('a', { href: href([name]), class: section === name ? 'active' : null, 'data-nav': name }, t(name));
  return h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: href(['overview']) }, t('appName')),
    h('nav', null, link('overview'), link('customers'), link('segments'), link('audiences'), link('plans'), link('pressure')),
    h(
      'div',
      { class: 'session' },
      languageSwitch(),
      h('span', { class: 'user', 'data-role': user.role }, `${user.user} (${user.role})`),
      h('button', { id: 'logout', class: 'secondary', onclick: () => void signOut() }, t('logout')),
    ),
  );
}

async function signOut(): Promise<void> {
  await logOut().catch(() => undefined);
  session = null;
  if (location.hash !== '#/login') location.hash = '#/login'; // hashchange draws the login page
  else await render();
}

async function page(route: Route, main: HTMLElement, isCurrent: () => boolean): Promise<void> {
  const [section = 'overview', id] = route.path;
  if (section === 'customers' && id !== undefined) return renderCustomer(main, id, isCurrent);
  if (section === 'customers') return renderCustomers(main, route, isCurrent);
  if (section === 'segments') return renderSegments(main, route, isCurrent);
  if (section === 'audiences') return renderAudiences(main, isCurrent);
  if (section === 'plans') return renderPlans(main, isCurrent);
  if (section === 'pressure') return renderPressure(main, route, isCurrent);
  return renderOverview(main, route, isCurrent);
}

/** Draws the page of the current route; the login page when there is no session. */
export async function render(): Promise<void> {
  const count = ++renderCount;
  const previousFocus = focusKey();
  const isCurrent = (): boolean => count === renderCount;
  disposeCharts();
  document.documentElement.lang = currentLang();
  const route = currentRoute();
  try {
    session ??= await currentSession();
  } catch (error) {
    mount(root, h('p', { class: 'error', role: 'alert' }, `${t('error')}: ${error instanceof Error ? error.message : String(error)}`));
    return;
  }
  if (!isCurrent()) return;
  if (!session) {
    // A shared link survives the login: the page asked for is drawn once logged in.
    renderLogin(root, (opened) => {
      session = opened;
      if (route.path[0] === 'login') location.hash = '#/overview';
      else void render();
    });
    document.title = t('loginTitle');
    return;
  }
  if (route.path[0] === 'login') {
    location.hash = '#/overview';
    return;
  }
  const main = h('main', { id: 'page', 'data-page': route.path[1] !== undefined && route.path[0] === 'customers' ? 'customer' : (route.path[0] ?? 'overview') }, h('p', { class: 'loading' }, t('loading')));
  mount(root, skipLink(), header(route, session), main);
  try {
    await page(route, main, isCurrent);
  } catch (error) {
    if (!isCurrent()) return;
    if (error instanceof Unauthorized) {
      session = null;
      await render();
      return;
    }
    const message = error instanceof ApiFailure && error.status === 503 ? t('notReady') : `${t('error')}: ${error instanceof Error ? error.message : String(error)}`;
    mount(main, h('p', { class: 'error', role: 'alert' }, message));
  }
  if (!isCurrent()) return;
  revealActiveChips(main);
  // The first page drawn since the document loaded is not a navigation: focus stays where the browser put it.
  announcePage(main, previousFocus, count > 1);
  main.setAttribute('data-ready', 'true');
}

addEventListener('hashchange', () => void render());
onLangChange(() => void render());
void render();
