import { clvCell } from '../clv-explanation';
import { a11yText } from '../a11y';
import { maskedNotice } from '../access';
import { api, can, query } from '../api';
import { h, mount } from '../dom';
import { className, fmt, t } from '../i18n';
import type { MessageKey } from '../messages';
import { href, navigate, type Route } from '../router';
import type { CustomerPage, Segments } from '../types';
import { valueSelect } from '../widgets';
import { exportOrReason } from './segment-export';

const SORTS: readonly [string, MessageKey][] = [
  ['revenue', 'revenue'],
  ['clv', 'clv'],
  ['predicted_value', 'predictedValue'],
  ['net_contribution', 'netContribution'],
  ['orders', 'orders'],
  ['last_purchase', 'lastPurchase'],
  ['p_alive', 'pAlive'],
  ['clv_12m', 'clv12m'],
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

/** The list's filters and sort, without its page: what an export of the list takes. */
function exportState(state: Record<string, string>): Record<string, string> {
  const { page: _page, ...rest } = state;
  return rest;
}

/** The list's state is the route's query: every search, filter, sort and page is a link. */
function stateOf(route: Route): Record<string, string> {
  const state: Record<string, string> = {};
  for (const [key, value] of route.query) if (value !== '') state[key] = value;
  return state;
}

/** The list's sort as the route holds it, and where a header click takes it. */
export interface TableSort {
  readonly sort: string;
  readonly order: 'asc' | 'desc';
  /** Redraws the list in that order (the route changes: the sort is a link like every filter). */
  readonly onSort: (sort: string, order: 'asc' | 'desc') => void;
}

type Row = CustomerPage['rows'][number];

/** P(alive), or why there is none: "not estimable" where the model cannot say (as the 360 says it). */
function pAliveCell(row: Row): HTMLElement | string {
  if (row.p_alive_reason) return h('span', { title: t('pAliveNotEstimable'), 'data-p-alive-reason': row.p_alive_reason }, t('notEstimable'));
  return fmt.percent(row.p_alive ?? null);
}

/** The columns, each with the sort field of the list API it orders on (SORT_FIELDS), where it has one. */
const COLUMNS: readonly { label: () => string; sort: string | null; cell: (row: Row) => HTMLElement | string }[] = [
  { label: () => t('name'), sort: 'name', cell: (row) => h('a', { href: href(['customers', row.id]), class: 'customer-link', 'data-id': row.id }, row.name ?? row.id) },
  { label: () => t('email'), sort: null, cell: (row) => row.email ?? '' },
  { label: () => t('phone'), sort: null, cell: (row) => row.phone ?? '' },
  { label: () => t('city'), sort: null, cell: (row) => row.city ?? '' },
  { label: () => className('value_tier'), sort: null, cell: (row) => row.value_tier },
  { label: () => className('value_column'), sort: null, cell: (row) => row.value_column },
  { label: () => className('rfm_segment'), sort: null, cell: (row) => className(row.rfm_segment) },
  { label: () => className('grid'), sort: null, cell: (row) => className(row.grid) },
  { label: () => t('orders'), sort: 'orders', cell: (row) => fmt.number(row.orders) },
  { label: () => t('revenue'), sort: 'revenue', cell: (row) => fmt.money(row.revenue) },
  { label: () => t('clv'), sort: 'clv', cell: clvCell },
  { label: () => t('clv12m'), sort: 'clv_12m', cell: (row) => fmt.money(row.clv_12m ?? null) },
  { label: () => t('referralValue'), sort: null, cell: (row) => fmt.money(row.referral_value ?? null) },
  { label: () => t('nps'), sort: null, cell: (row) => fmt.number(row.latest_nps ?? null) },
  { label: () => t('lastPurchase'), sort: 'last_purchase', cell: (row) => fmt.date(row.last_purchase) },
  { label: () => t('predictedValue'), sort: 'predicted_value', cell: (row) => fmt.money(row.predicted_value) },
  { label: () => t('pAlive'), sort: 'p_alive', cell: pAliveCell },
];

/**
 * A header that sorts: a button (keyboard operable) whose click orders the list on its column,
 * descending first (the largest values, the latest purchase), ascending on a second click; names
 * ascending first. The header says the current order (aria-sort) and the arrow is drawn by CSS,
 * so the header's text stays its label.
 */
function sortHeader(label: string, field: string, sorting: TableSort): HTMLElement {
  const current = sorting.sort === field;
  const first: 'asc' | 'desc' = field === 'name' ? 'asc' : 'desc';
  const next: 'asc' | 'desc' = current ? (sorting.order === 'desc' ? 'asc' : 'desc') : first;
  const button = h('button', { type: 'button', class: 'sort-header', id: `sort-${field}`, 'data-sort': field, title: t('sortByColumn', { column: label }) }, label);
  button.addEventListener('click', () => sorting.onSort(field, next));
  return h('th', { scope: 'col', 'aria-sort': current ? (sorting.order === 'asc' ? 'ascending' : 'descending') : 'none' }, button);
}

export function customerTable(rows: CustomerPage['rows'], sorting?: TableSort): HTMLElement {
  const headers = COLUMNS.map((c) => (sorting && c.sort ? sortHeader(c.label(), c.sort, sorting) : h('th', { scope: 'col' }, c.label())));
  return h(
    'table',
    { class: 'table customers', 'data-table': 'customers' },
    h('thead', null, h('tr', null, headers)),
    h('tbody', null, rows.map((row) => h('tr', { 'data-id': row.id }, COLUMNS.map((c) => h('td', null, c.cell(row)))))),
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
    h(
      'div',
      { class: 'page-title' },
      h('h1', null, t('customers')),
      h('span', { id: 'customer-total' }, t('results', { count: fmt.number(list.total) })),
      // The list as it stands (filters, search, move, sort) as a file: the export reads the list API's own parameters.
      h('section', { class: 'list-export', 'aria-label': t('exportList') }, exportOrReason(`/api/customers/export.csv${query(exportState(state))}`, 'customers')),
    ),
    move,
    h('div', { class: 'toolbar' }, form, h('div', { class: 'filters' }, filters, h('label', null, t('sortBy'), sort), h('label', null, a11yText('sortOrder'), order))),
    list.masked === true ? maskedNotice() : null,
    list.rows.length > 0
      ? h('div', { class: 'table-wrap' }, customerTable(list.rows, { sort: list.sort, order: list.order, onSort: (field, direction) => go({ sort: field, order: direction }) }))
      : h('p', { class: 'notice' }, t('noCustomers')),
    pager,
  );
}
