import { DIGITAL_TYPES } from '../config/digital-config.js';
import { renderMessage, type Message } from '../messages/index.js';
import { sql, type Dialect, type Engine, type Sql } from '../store/index.js';
import type { CustomerDigitalRow, CustomerStatus, DigitalType, OnlineMove, OnlineServices } from './digital-types.js';

/**
 * Seed 001's "active management of a customer base's migration to the Internet": existing or new
 * customers against the services they use (classic offline, classic online, new online).
 */
export const ONLINE_MOVES: Record<CustomerStatus, Record<OnlineServices, OnlineMove>> = {
  existing: { offline: 'none_existing', classic_online: 'migration', new_online: 'mutation' },
  new: { offline: 'none_new', classic_online: 'conquest', new_online: 'diversification' },
};

/**
 * customer_status, services and online_move over the columns of customer_digital's figures.
 * Existing customers first bought before `existingBefore`; a person who never bought is new.
 */
export function onlineMoveColumns(d: Dialect, existingBefore: Date): Sql {
  const text = sql.raw(d.columnType('string', false));
  const status = sql`CASE WHEN first_order_at < ${existingBefore} THEN 'existing' ELSE 'new' END`;
  const services = sql`CASE WHEN new_channel_orders > 0 THEN 'new_online' WHEN classic_online_orders > 0 THEN 'classic_online' ELSE 'offline' END`;
  const cells = Object.entries(ONLINE_MOVES).flatMap(([s, row]) =>
    Object.entries(row).map(([service, move]) => sql`WHEN ${status} = ${s} AND ${services} = ${service} THEN ${move}`),
  );
  return sql`CAST(${status} AS ${text}) AS customer_status, CAST(${services} AS ${text}) AS services,
    CAST(CASE ${sql.join(cells, ' ')} END AS ${text}) AS online_move`;
}

export interface MigrationCell {
  readonly move: OnlineMove;
  readonly customers: number;
  readonly byType: Readonly<Record<DigitalType, number>>;
}

/** Rows existing / new, columns offline / classic online / new online, with counts per type. */
export type MigrationMatrix = Readonly<Record<CustomerStatus, Readonly<Record<OnlineServices, MigrationCell>>>>;

/** The online-migration matrix of the last digital-maturity run (table customer_digital). */
export async function onlineMigrationMatrix(engine: Engine): Promise<MigrationMatrix> {
  const rows = await engine.query<{ customer_status: CustomerStatus; services: OnlineServices; digital_type: DigitalType; n: number }>(
    sql`SELECT customer_status, services, digital_type, count(*) AS n FROM customer_digital GROUP BY customer_status, services, digital_type`,
  );
  const cell = (status: CustomerStatus, services: OnlineServices): MigrationCell => {
    const mine = rows.filter((r) => r.customer_status === status && r.services === services);
    const byType = Object.fromEntries(DIGITAL_TYPES.map((t) => [t, Number(mine.find((r) => r.digital_type === t)?.n ?? 0)])) as Record<DigitalType, number>;
    return { move: ONLINE_MOVES[status][services], customers: Object.values(byType).reduce((a, b) => a + b, 0), byType };
  };
  const row = (status: CustomerStatus): Record<OnlineServices, MigrationCell> => ({
    offline: cell(status, 'offline'),
    classic_online: cell(status, 'classic_online'),
    new_online: cell(status, 'new_online'),
  });
  return { existing: row('existing'), new: row('new') };
}

type MoveRow = Pick<
  CustomerDigitalRow,
  | 'customer_status'
  | 'services'
  | 'online_move'
  | 'digital_type'
  | 'treatment'
  | 'orders'
  | 'classic_online_orders'
  | 'new_channel_orders'
  | 'first_order_at'
  | 'first_new_channel_at'
  | 'new_channel_launch'
>;

const plural = (n: number): 'one' | 'other' => (n === 1 ? 'one' : 'other');
const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** His move in the online-migration matrix, the figures behind it and his treatment, as a message. */
export function onlineMoveMessage(row: MoveRow): Message {
  const launch: Message = row.new_channel_launch ? { key: 'move.launch', params: { date: iso(row.new_channel_launch) } } : { key: 'move.cutoff', params: {} };
  const who: Message =
    row.customer_status === 'existing'
      ? { key: 'move.existing', params: { first: iso(row.first_order_at), launch } }
      : row.first_order_at
        ? { key: 'move.new', params: { first: iso(row.first_order_at), launch } }
        : { key: 'move.new.no_order', params: {} };
  const what: Message =
    row.services === 'new_online'
      ? { key: `move.new_online.${plural(row.new_channel_orders)}`, params: { orders: row.new_channel_orders, since: iso(row.first_new_channel_at) } }
      : row.services === 'classic_online'
        ? { key: `move.classic_online.${plural(row.orders)}`, params: { online: row.classic_online_orders, orders: row.orders } }
        : row.orders === 0
          ? { key: 'move.offline.none', params: {} }
          : { key: `move.offline.${plural(row.orders)}`, params: { orders: row.orders } };
  const move: Message['params'][string] = row.online_move === 'none_existing' || row.online_move === 'none_new' ? { key: 'move.none', params: {} } : row.online_move;
  const treatment: Message = { key: `treatment.${row.treatment}`, params: {} };
  return { key: 'move.explained', params: { move, who, what, treatment, type: row.digital_type } };
}

/** The same sentence in English. */
export const explainOnlineMove = (row: MoveRow): string => renderMessage(onlineMoveMessage(row), 'en');
