import type { z } from '@hono/zod-openapi';
import type { Config } from '../config/index.js';
import { IdentifierNormaliser } from '../identity/index.js';
import { InvalidRequestError } from '../errors.js';
import { movedPersons, type SnapshotDimension } from '../segments/index.js';
import { sql, type Engine, type Row, type Sql } from '../store/index.js';
import { P_ALIVE_NO_REPEAT_UNDER_BGNBD } from '../value/clv-model-choice.js';
import { DASHBOARD_DIMENSIONS, type DashboardDimension } from './dimensions.js';
import { withClvExplanations } from './clv-explanations.js';
import { foldName } from './fold.js';
import { snapshotPair } from './migration.js';
import { text as str, textOrNull as text } from './text.js';
import type { customerRowSchema, CustomersQuery, customersSchema } from './schemas.js';

export type CustomerRow = z.infer<typeof customerRowSchema>;
export type CustomerPage = z.infer<typeof customersSchema>;

/** The list's columns, as the API names them. */
export const ROW_COLUMNS = sql`person_id, name, email, phone, city, value_tier, value_column, rfm_segment, rfm_cell, grid, digital_type,
  online_move, orders, revenue, gross_margin, net_contribution, clv, predicted_value, p_alive, last_purchase,
  clv_12m, clv_basis, referral_value, latest_nps, latest_csat, complaints, p_alive_reason`;

const SORT_COLUMNS: Readonly<Record<CustomersQuery['sort'], string>> = {
  revenue: 'revenue', clv: 'clv', predicted_value: 'predicted_value', orders: 'orders', last_purchase: 'last_purchase',
  net_contribution: 'net_contribution', gross_margin: 'gross_margin', p_alive: 'p_alive', name: 'full_key', id: 'person_id',
  clv_12m: 'clv_12m',
};

const numberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function toCustomerRow(r: Row): CustomerRow {
  return {
    id: str(r.person_id),
    name: text(r.name) || null,
    email: text(r.email),
    phone: text(r.phone),
    city: text(r.city),
    value_tier: str(r.value_tier),
    value_column: str(r.value_column),
    rfm_segment: str(r.rfm_segment),
    rfm_cell: str(r.rfm_cell),
    grid: str(r.grid),
    digital_type: str(r.digital_type),
    online_move: str(r.online_move),
    orders: Number(r.orders ?? 0),
    revenue: Number(r.revenue ?? 0),
    gross_margin: Number(r.gross_margin ?? 0),
    net_contribution: Number(r.net_contribution ?? 0),
    clv: numberOrNull(r.clv),
    predicted_value: numberOrNull(r.predicted_value),
    p_alive: numberOrNull(r.p_alive),
    last_purchase: text(r.last_purchase),
    clv_12m: numberOrNull(r.clv_12m),
    clv_basis: text(r.clv_basis),
    referral_value: numberOrNull(r.referral_value),
    latest_nps: numberOrNull(r.latest_nps),
    latest_csat: numberOrNull(r.latest_csat),
    complaints: Number(r.complaints ?? 0),
    p_alive_reason: r.p_alive_reason === P_ALIVE_NO_REPEAT_UNDER_BGNBD ? P_ALIVE_NO_REPEAT_UNDER_BGNBD : null,
  };
}

/** The filter on the class columns a query names. */
export function classFilter(filters: Partial<Record<DashboardDimension, string | undefined>>): Sql[] {
  return DASHBOARD_DIMENSIONS.flatMap((d) => (filters[d] === undefined ? [] : [sql`${sql.id(d)} = ${filters[d]}`]));
}

/**
 * What a search text can be: a person or record id, an email or a phone (normalised as identity
 * resolution does), each an indexed point lookup; else the start of a folded name. An exact
 * match wins: no name is scanned for a text that found its person.
 */
async function searchFilter(engine: Engine, config: Config, q: string): Promise<Sql> {
  const type = q.includes('@') ? 'email' : 'phone';
  const value = new IdentifierNormaliser(config.identity).normalise(type, q);
  const [own, records, holders] = await Promise.all([
    engine.query<{ person_id: string }>(sql`SELECT person_id FROM customer_list WHERE person_id = ${q}`),
    engine.query<{ person_id: string }>(sql`SELECT person_id FROM customer_persons WHERE customer_id = ${q}`),
    // On the value alone, which the lookup index serves (with the type beside it, DuckDB scans); the type is checked here.
    value === null ? [] : engine.query<{ person_id: string; type: string }>(sql`SELECT person_id, type FROM person_identifiers WHERE value = ${value}`),
  ]);
  const persons = [...new Set([...own, ...records, ...holders.filter((h) => h.type === type)].map((r) => r.person_id))];
  if (persons.length === 1) return sql`person_id = ${persons[0] ?? ''}`;
  if (persons.length > 1) return sql`person_id IN (${sql.join(persons.map((p) => sql`${p}`))})`;
  const key = foldName(q);
  if (key === '' || /\d|@/.test(q)) return sql`1 = 0`; // an identifier nobody holds; names have no digits
  const prefix = `${key}%`; // folded keys hold only [a-z0-9 ], so no LIKE wildcard can come from the user
  // One word: the start of the first or last name (full_key would only repeat them); several: also "first last".
  const names = sql`first_key LIKE ${prefix} OR last_key LIKE ${prefix}`;
  return key.includes(' ') ? sql`(${names} OR full_key LIKE ${prefix})` : sql`(${names})`;
}

/**
 * Values descending or ascending, customers without the value last, ties in a fixed order. On the
 * precomputed ranks (one integer per row, nulls first) where the engine could number them.
 */
function orderBy(engine: Engine, sort: CustomersQuery['sort'], order: CustomersQuery['order']): Sql {
  const column = sql.id(SORT_COLUMNS[sort]);
  if (engine.dialect.supportsWindowFunctions) {
    const rank = sql.id(`rank_${sort}`);
    return order === 'desc' ? sql`${rank} DESC` : sql`(${column} IS NULL), ${rank}`;
  }
  return sql`${column} ${sql.raw(order === 'asc' ? 'ASC' : 'DESC')} NULLS LAST, person_id`;
}

/**
 * The unfiltered list's page as rank ranges: positions map to ranks directly (nulls hold the lowest
 * ranks: last when descending, after the others when ascending), so a deep page reads 50 rows.
 */
export function rankRange(sort: CustomersQuery['sort'], order: CustomersQuery['order'], total: number, nulls: number, offset: number, size: number): Sql {
  const rank = sql.id(`rank_${sort}`);
  const between = (from: number, to: number): Sql => sql`${rank} BETWEEN ${sql.raw(String(from))} AND ${sql.raw(String(to))}`;
  if (order === 'desc') return between(total - offset - size + 1, total - offset);
  const valued = total - nulls;
  const ranges = [between(nulls + 1 + offset, Math.min(total, nulls + offset + size))];
  if (offset + size > valued) ranges.push(between(Math.max(0, offset - valued) + 1, Math.min(nulls, offset + size - valued)));
  return sql`(${sql.join(ranges, ' OR ')})`;
}

/** The customers of one cell of the migration matrix (moveDimension, moveFrom, moveTo, and the two snapshots), or null. */
async function moveFilter(engine: Engine, query: ListFilters): Promise<Sql | null> {
  const named = (['moveDimension', 'moveFrom', 'moveTo'] as const).filter((k) => query[k] !== undefined);
  if (named.length === 0 && query.moveFromDate === undefined && query.moveToDate === undefined) return null;
  const missing = (['moveDimension', 'moveFrom', 'moveTo'] as const).filter((k) => query[k] === undefined);
  if (missing.length > 0) {
    throw new InvalidRequestError(`${missing.join(', ')}: a move between snapshots needs moveDimension, moveFrom and moveTo together`, {
      issues: missing.map((field) => ({ field, reason: 'required with the other move parameters' })),
    });
  }
  const { from, to } = await snapshotPair(engine, { from: query.moveFromDate, to: query.moveToDate }, { from: 'moveFromDate', to: 'moveToDate' });
  if (!from || !to) return sql`1 = 0`; // fewer than two snapshots: nobody moved
  const dimension = query.moveDimension as SnapshotDimension;
  return sql`person_id IN (${movedPersons(dimension, { from, to, fromClass: query.moveFrom ?? '', toClass: query.moveTo ?? '' })})`;
}

/** What filters the list (and its export): the list query without its sort and paging. */
export type ListFilters = Omit<CustomersQuery, 'sort' | 'order' | 'page' | 'pageSize'>;

/** The list's filters a query names (class filters, search, a move between snapshots): the page and its export read the same. */
export async function listConditions(engine: Engine, config: Config, query: ListFilters): Promise<Sql[]> {
  const conditions = classFilter(query);
  if (query.q !== undefined) conditions.push(await searchFilter(engine, config, query.q));
  const moved = await moveFilter(engine, query);
  if (moved !== null) conditions.push(moved);
  return conditions;
}

/**
 * The list's order as a column, a direction and the direction of the tie-break on person_id, which
 * is the page's: descending ranks read ties by id ascending, ascending ranks (numbered with ties by
 * id descending) read them by id descending; without ranks ties go by id ascending. Customers
 * without the value come last either way. An export walks the list in this order (export.ts).
 */
export function listOrder(engine: Engine, sort: CustomersQuery['sort'], order: CustomersQuery['order']): ListOrder {
  return { column: SORT_COLUMNS[sort], descending: order === 'desc', idDescending: engine.dialect.supportsWindowFunctions && order === 'asc' };
}

export interface ListOrder {
  readonly column: string;
  readonly descending: boolean;
  readonly idDescending: boolean;
}

/** One page of the customer list: search, class filters, a move between snapshots, sort on a value, stable order (ties by id). */
export async function customerPage(engine: Engine, config: Config, query: CustomersQuery): Promise<CustomerPage> {
  const conditions = await listConditions(engine, config, query);
  const offset = (query.page - 1) * query.pageSize;
  const answer = async (total: number, rows: Row[]): Promise<CustomerPage> => ({
    total, page: query.page, pageSize: query.pageSize, sort: query.sort, order: query.order, rows: await withClvExplanations(engine, config, rows.map(toCustomerRow)),
  });
  const order = orderBy(engine, query.sort, query.order);
  if (conditions.length === 0 && engine.dialect.supportsWindowFunctions) {
    const column = sql.id(SORT_COLUMNS[query.sort]);
    const [counts] = await engine.query<{ n: number; nulls: number }>(sql`SELECT count(*) AS n, count(*) - count(${column}) AS nulls FROM customer_list`);
    const total = Number(counts?.n ?? 0);
    if (offset >= total) return answer(total, []);
    const rows = await engine.query(sql`SELECT ${ROW_COLUMNS} FROM customer_list
      WHERE ${rankRange(query.sort, query.order, total, Number(counts?.nulls ?? 0), offset, query.pageSize)} ORDER BY ${order}`);
    return answer(total, rows);
  }
  const where = conditions.length > 0 ? sql`WHERE ${sql.join(conditions, ' AND ')}` : sql``;
  const [[count], rows] = await Promise.all([
    engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM customer_list ${where}`),
    engine.query(sql`SELECT ${ROW_COLUMNS} FROM customer_list ${where} ORDER BY ${order}
      LIMIT ${sql.raw(String(query.pageSize))} OFFSET ${sql.raw(String(offset))}`),
  ]);
  return answer(Number(count?.n ?? 0), rows);
}
