import { clvCell } from '../clv-explanation';
import { a11yText } from '../a11y';
import { maskedNotice } from '../access';
import { api, can, query } from '../api';
import { h, mount, table } from '../dom';
import { className, fmt, t } from '../i18n';
import type { MessageKey } from '../messages';
import { href, navigate, type Route } from '../router';
import type { CustomerPage, Segments } from '../types';
import { valueSelect } from '../widgets';

const SORTS: readonly [string, MessageKey][] = [
  ['revenue', 'revenue'],
  ['clv', 'clv'],
  ['predicted_value', 'predictedValue'],
  ['net_contribution', 'netContribution'],
  ['orders', 'orders'],
  ['last_purchase', 'lastPurchase'],
  ['p_alive', 'pAlive'],
  ['name', 'name'],
];
const FILTERS = ['value_tier', 'value_column', 'rfm_segment', 'grid', 'digital_type', 'online_move', 'rfm_cell'];
const PAGE_SIZE = 50;

let segmentsCache: Promise<Segments> | null = null;
/** The class values for the filters (they change only with a new run: fetched once a page load). */
export function segmentList(): Promise<Segments> {
  segmentsCache ??= api<Segments>('/api/segments').catch((error: unknown) => {
    segmentsCache = null;
    throw error;
  });
  return segmentsCache;
}

/** The list's state is the route's query: every search, filter, sort and page is a link. */
function stateOf(route: Route): Record<string, string> {
  const state: Record<string, string> = {};
  for (const [key, value] of route.query) if (value !== '') state[key] = value;
  return state;
}

export function customerTable(rows: CustomerPage['rows']): HTMLElement {
  return table(
    [t('name'), t('email'), t('phone'), t('city'), className('value_tier'), className('value_column'), className('rfm_segment'), className('grid'), t('orders'), t('revenue'), t('clv'), t('clv12m'), t('referralValue'), t('nps'), t('lastPurchase')],
    rows.map((row) => [
      h('a', { href: href(['customers', row.id]), class: 'customer-link', 'data-id': row.id }, row.name ?? row.id),
      row.email ?? '',
      row.phone ?? '',
      row.city ?? '',
      row.value_tier,
      row.value_column,
      className(row.rfm_segment),
      className(row.grid),
      fmt.number(row.orders),
      fmt.money(row.revenue),
      clvCell(row),
      fmt.money(row.clv_12m ?? null),
      fmt.money(row.referral_value ?? null),
      fmt.number(row.latest_nps ?? null),
      fmt.date(row.last_purchase),
    ]),
    { class: 'table customers', 'data-table': 'customers' },
  );
}

export async function renderCustomers(main: HTMLElement, route: Route, isCurrent: () => boolean): Promise<void> {
  const state = stateOf(route);
  const page = Math.max(1, Number(state.page ?? 1) || 1);
  const [list, segments] = await Promise.all([
    api<CustomerPage>(`/api/customers${query({ ...state, page, pageSize: PAGE_SIZE })}`),
    segmentList(),
  ]);
  if (!isCurrent()) return;
  const go = (changes: Record<string, string | undefined>) => navigate(['customers'], { ...state, page: undefined, ...changes });

  // The server refuses a search by name, e-mail or phone to a role without identifiers (403): the box says why instead.
  const searchable = can('identifiers');
  const search = h('input', {
    id: 'customer-search', type: 'search', placeholder: searchable ? t('searchPlaceholder') : t('searchNeedsIdentifiers'), value: state.q ?? '', 'aria-label': t('search'),
    disabled: !searchable, title: searchable ? null : t('searchNeedsIdentifiers'),
  });
  const form = h('form', { class: 'search', id: 'customer-search-form' }, search, h('button', { type: 'submit', disabled: !searchable }, t('search')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go({ q: search.value.trim() || undefined });
  });

  const filters = FILTERS.map((dimension) => {
    const values = segments.dimensions.find((d) => d.dimension === dimension)?.values.map((v) => v.value) ?? [];
    const select = valueSelect({ 'data-filter': dimension, 'aria-label': className(dimension) }, values, state[dimension] ?? null);
    select.addEventListener('change', () => go({ [dimension]: select.value || undefined }));
    return h('label', null, className(dimension), select);
  });
  const sort = h('select', { id: 'customer-sort' }, SORTS.map(([field, label]) => h('option', { value: field }, t(label))));
  sort.value = list.sort;
  sort.addEventListener('change', () => go({ sort: sort.value }));
  const order = h('select', { id: 'customer-order' }, h('option', { value: 'desc' }, t('descending')), h('option', { value: 'asc' }, t('ascending')));
  order.value = list.order;
  order.addEventListener('change', () => go({ order: order.value }));

  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  const pager = h(
    'div',
    { class: 'pager' },
    h('a', { class: page > 1 ? 'button secondary' : 'button secondary disabled', href: page > 1 ? href(['customers'], { ...state, page: page - 1 }) : null, id: 'page-previous' }, t('previous')),
    h('span', { id: 'page-info' }, t('page', { page: fmt.number(page), pages: fmt.number(pages) })),
    h('a', { class: page < pages ? 'button secondary' : 'button secondary disabled', href: page < pages ? href(['customers'], { ...state, page: page + 1 }) : null, id: 'page-next' }, t('next')),
  );

  // Opened from a cell of the migration matrix: say which move the list shows, and how to leave it.
  const move =
    state.moveDimension && state.moveFrom && state.moveTo
      ? h(
          'p',
          { class: 'notice', 'data-filter': 'move' },
          t('movedFilter', {
            dimension: className(state.moveDimension),
            from: className(state.moveFrom),
            to: className(state.moveTo),
            fromDate: fmt.date(state.moveFromDate ?? null),
            toDate: fmt.date(state.moveToDate ?? null),
          }),
          ' ',
          h('a', { href: href(['customers'], { ...state, page: undefined, moveDimension: undefined, moveFrom: undefined, moveTo: undefined, moveFromDate: undefined, moveToDate: undefined }) }, t('clearMoveFilter')),
        )
      : null;
  mount(
    main,
    h('div', { class: 'page-title' }, h('h1', null, t('customers')), h('span', { id: 'customer-total' }, t('results', { count: fmt.number(list.total) }))),
    move,
    h('div', { class: 'toolbar' }, form, h('div', { class: 'filters' }, filters, h('label', null, t('sortBy'), sort), h('label', null, a11yText('sortOrder'), order))),
    list.masked === true ? maskedNotice() : null,
    list.rows.length > 0 ? h('div', { class: 'table-wrap' }, customerTable(list.rows)) : h('p', { class: 'notice' }, t('noCustomers')),
    pager,
  );
}
