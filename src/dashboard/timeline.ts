import { sql, type Engine, type Sql } from '../store/index.js';
import type { TimelineEntry } from './schemas.js';

export const TIMELINE_LIMIT = 200;

/** One of his orders (read once for the timeline and the P(alive) curve). */
export type PersonOrder = {
  readonly order_id: string;
  readonly ordered_at: Date;
  readonly channel: string;
  readonly revenue: number;
  readonly lines: number;
};

/** Every order of his records. */
export async function personOrders(engine: Engine, records: readonly string[]): Promise<PersonOrder[]> {
  if (records.length === 0) return [];
  const rows = await engine.query<PersonOrder>(sql`SELECT order_id, ordered_at, channel, CAST(revenue AS ${sql.raw(engine.dialect.columnType('float', false))}) AS revenue,
    lines FROM order_facts WHERE customer_id IN (${sql.join(records.map((r) => sql`${r}`))})`);
  return rows.map((o) => ({ ...o, revenue: Number(o.revenue), lines: Number(o.lines) }));
}

/**
 * A person's history across his records, newest first: orders, returns, web events, marketing
 * contacts, tickets and surveys (a query per source, filtered on his record ids, side by side on
 * the read pool), then the collected events the profile already read. Reactions to contacts
 * (responses, the largest table) are left out: without an index on responses.contact_id, finding
 * one person's takes a scan of every reaction (~1 s on 1M customers).
 */
export async function timeline(
  engine: Engine,
  records: readonly string[],
  events: readonly { readonly type: string; readonly event: string | null; readonly timestamp: Date | string }[],
  orders: readonly PersonOrder[],
): Promise<TimelineEntry[]> {
  const d = engine.dialect;
  const text = sql.raw(d.columnType('string', true));
  const float = sql.raw(d.columnType('float', true));
  const stamp = sql.raw(d.columnType('timestamp', true));
  const mine = (column: Sql): Sql => (records.length > 0 ? sql`${column} IN (${sql.join(records.map((r) => sql`${r}`))})` : sql`FALSE`);
  const suffix = (prefix: string, column: Sql): Sql => sql`CASE WHEN ${column} IS NULL THEN '' ELSE concat(${prefix}, CAST(${column} AS ${text})) END`;
  const part = (at: Sql, kind: Sql, label: Sql, amount: Sql, channel: Sql, from: Sql): Sql =>
    sql`SELECT CAST(${at} AS ${stamp}) AS ${sql.id('at')}, CAST(${kind} AS ${text}) AS kind, CAST(${label} AS ${text}) AS label,
      CAST(${amount} AS ${float}) AS amount, CAST(${channel} AS ${text}) AS channel FROM ${from}`;
  type Entry = { at: Date; kind: TimelineEntry['kind']; label: string; amount: number | null; channel: string | null };
  // Each source on its own (they run side by side on the read pool), newest first and cut to the limit.
  const read = (query: Sql): Promise<Entry[]> =>
    engine.query<Entry>(sql`SELECT * FROM (${query}) AS t ORDER BY ${sql.id('at')} DESC LIMIT ${sql.raw(String(TIMELINE_LIMIT))}`);
  const contacts = read(sql`SELECT c.sent_at AS ${sql.id('at')}, CASE WHEN c.channel = 'email' THEN 'email' ELSE 'contact' END AS kind,
    concat('Sent: ', coalesce(k.name, c.campaign_id)) AS label, CAST(NULL AS ${float}) AS amount, c.channel AS channel
    FROM (SELECT * FROM contacts WHERE ${mine(sql`customer_id`)}) AS c LEFT JOIN campaigns AS k ON k.campaign_id = c.campaign_id`);
  const ordered = orders.map((o): Entry => ({ at: o.ordered_at, kind: 'order', label: `Order ${o.order_id}, ${o.lines} line(s)`, amount: o.revenue, channel: o.channel }));
  const returned =
    orders.length === 0
      ? Promise.resolve([])
      : read(part(sql`returned_at`, sql`'return'`, sql`concat('Return on order ', order_id, ${suffix(': ', sql`reason`)})`, sql`refund_amount`, sql`NULL`,
          sql`returns WHERE order_id IN (${sql.join(orders.map((o) => sql`${o.order_id}`))})`));
  const parts = await Promise.all([
    Promise.resolve(ordered),
    returned,
    read(part(sql`${sql.id('at')}`, sql`'web'`, sql`concat(type, ${suffix(' ', sql`coalesce(page, search_term, sku)`)})`, sql`NULL`, sql`'web'`,
      sql`web_events WHERE ${mine(sql`customer_id`)}`)),
    contacts,
    read(part(sql`opened_at`, sql`'ticket'`, sql`concat('Ticket: ', type, CASE WHEN closed_at IS NULL THEN ' (open)' ELSE '' END, ${suffix(', satisfaction ', sql`satisfaction`)})`,
      sql`NULL`, sql`channel`, sql`tickets WHERE ${mine(sql`customer_id`)}`)),
    read(part(sql`${sql.id('at')}`, sql`'survey'`, sql`concat(upper(kind), ' ', CAST(score AS ${text}), ${suffix(': ', sql`comment`)})`, sql`NULL`, sql`NULL`,
      sql`surveys WHERE ${mine(sql`customer_id`)}`)),
  ]);
  const rows = parts.flat();
  const entries: TimelineEntry[] = rows.map((r) => ({
    at: r.at.toISOString(),
    kind: r.kind,
    label: r.label,
    ...(r.amount === null ? {} : { amount: Number(r.amount) }),
    ...(r.channel === null ? {} : { channel: r.channel }),
  }));
  for (const e of events) entries.push({ at: new Date(e.timestamp).toISOString(), kind: 'event', label: e.event ?? e.type });
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, TIMELINE_LIMIT);
}
