import type { z } from '@hono/zod-openapi';
import type { Config } from '../config/index.js';
import { IdentifierNormaliser } from '../identity/index.js';
import { sql, type Engine, type Row, type Sql } from '../store/index.js';
import { DASHBOARD_DIMENSIONS, type DashboardDimension } from './dimensions.js';
import { foldName } from './fold.js';
import { text as str, textOrNull as text } from './text.js';
import type { customerRowSchema, CustomersQuery, customersSchema } from './schemas.js';

export type CustomerRow = z.infer<typeof customerRowSchema>;
export type CustomerPage = z.infer<typeof customersSchema>;

/** The list's columns, as the API names them. */
export const ROW_COLUMNS = sql`person_id, name, email, phone, city, value_tier, value_column, rfm_segment, rfm_cell, grid, digital_type,
  online_move, orders, revenue, gross_margin, net_contribution, clv, predicted_value, p_alive, last_purchase`;

const SORT_COLUMNS: Readonly<Record<CustomersQuery['sort'], string>> = {
  revenue: 'revenue', clv: 'clv', predicted_value: 'predicted_value', orders: 'orders', last_purchase: 'last_purchase',
  net_contribution: 'net_contribution', gross_margin: 'gross_margin', p_alive: 'p_alive', name: 'full_key', id: 'person_id',
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
  };
}

/** The filter on the class columns a query names. */
export function classFilter(filters: Partial<Record<DashboardDimension, string | undefined>>): Sql[] {
  return DASHBOARD_DIMENSIONS.flatMap((d) => (filters[d] === undefined ? [] : [sql`${sql.id(d)} = ${filters[d]}`]));
}

/**
 * What a search text can be: a person or record id, an email or a phone (normalised as identity
 * resolution does, looked up on the indexed identifiers), or the start of a folded name.
 */
async function searchFilter(engine: Engine, config: Config, q: string): Promise<Sql> {
  const normaliser = new IdentifierNormaliser(config.identity);
  const identifiers = (['email', 'phone'] as const).flatMap((type) => {
    const value = q.includes('@') === (type === 'email') ? normaliser.normalise(type, q) : null;
    return value === null ? [] : [sql`(type = ${type} AND value = ${value})`];
  });
  const persons = new Set<string>([q]);
  const [records, holders] = await Promise.all([
    engine.query<{ person_id: string }>(sql`SELECT person_id FROM customer_persons WHERE customer_id = ${q}`),
    identifiers.length > 0 ? engine.query<{ person_id: string }>(sql`SELECT person_id FROM person_identifiers WHERE ${sql.join(identifiers, ' OR ')}`) : [],
  ]);
  for (const r of [...records, ...holders]) persons.add(r.person_id);
  const ids = sql`person_id IN (${sql.join([...persons].map((p) => sql`${p}`))})`;
  const key = foldName(q);
  if (key === '') return ids;
  const prefix = `${key}%`; // folded keys hold only [a-z0-9 ], so no LIKE wildcard can come from the user
  return sql`(${ids} OR first_key LIKE ${prefix} OR last_key LIKE ${prefix} OR full_key LIKE ${prefix})`;
}

/** One page of the customer list: search, class filters, sort on a value, stable order (ties by id). */
export async function customerPage(engine: Engine, config: Config, query: CustomersQuery): Promise<CustomerPage> {
  const conditions = classFilter(query);
  if (query.q !== undefined) conditions.push(await searchFilter(engine, config, query.q));
  const where = conditions.length > 0 ? sql`WHERE ${sql.join(conditions, ' AND ')}` : sql``;
  const direction = sql.raw(query.order === 'asc' ? 'ASC' : 'DESC');
  const column = SORT_COLUMNS[query.sort];
  const order = column === 'person_id' ? sql`person_id ${direction}` : sql`${sql.id(column)} ${direction} NULLS LAST, person_id`;
  const offset = (query.page - 1) * query.pageSize;
  const [[count], rows] = await Promise.all([
    engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM customer_list ${where}`),
    engine.query(sql`SELECT ${ROW_COLUMNS} FROM customer_list ${where} ORDER BY ${order}
      LIMIT ${sql.raw(String(query.pageSize))} OFFSET ${sql.raw(String(offset))}`),
  ]);
  return { total: Number(count?.n ?? 0), page: query.page, pageSize: query.pageSize, sort: query.sort, order: query.order, rows: rows.map(toCustomerRow) };
}
