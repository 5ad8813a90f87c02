import { LINE_REVENUE } from '../pipeline/order-facts.js';
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

type Entry = { at: Date; kind: TimelineEntry['kind']; label: string; amount: number | null; channel: string | null };

/**
 * `column IN (values)`: the one filter shape DuckDB answers from the column's lookup index
 * (src/profiles/lookup-indexes.ts), so each read below filters on that column alone.
 */
function oneOf(column: string, values: readonly string[]): Sql {
  return values.length > 0 ? sql`${sql.id(column)} IN (${sql.join(values.map((v) => sql`${v}`))})` : sql`FALSE`;
}

/**
 * Every order of his records, from the collected orders rather than the run's order facts, so an
 * order loaded since the run is there; revenue and line count from its lines, counted as the
 * order facts count them.
 */
export async function personOrders(engine: Engine, records: readonly string[]): Promise<PersonOrder[]> {
  if (records.length === 0) return [];
  const orders = await engine.query<{ order_id: string; ordered_at: Date; channel: string }>(sql`SELECT order_id, ordered_at, channel FROM orders
    WHERE ${oneOf('customer_id', records)}`);
  if (orders.length === 0) return [];
  const float = sql.raw(engine.dialect.columnType('float', false));
  const totals = await engine.query<{ order_id: string; revenue: number; lines: number }>(sql`SELECT order_id,
    CAST(sum(${LINE_REVENUE}) AS ${float}) AS revenue, count(*) AS lines FROM order_lines
    WHERE ${oneOf('order_id', orders.map((o) => o.order_id))} GROUP BY order_id`);
  const byOrder = new Map(totals.map((t) => [t.order_id, t]));
  return orders.map((o) => ({ ...o, revenue: Number(byOrder.get(o.order_id)?.revenue ?? 0), lines: Number(byOrder.get(o.order_id)?.lines ?? 0) }));
}

/** Marketing contacts and the reactions to them (delivered, opened, clicked...), under the contact's kind. */
async function contactEntries(engine: Engine, records: readonly string[]): Promise<Entry[]> {
  if (records.length === 0) return [];
  const contacts = await engine.query<{ contact_id: string; sent_at: Date; channel: string; campaign: string }>(sql`SELECT c.contact_id AS contact_id,
    c.sent_at AS sent_at, c.channel AS channel, coalesce(k.name, c.campaign_id) AS campaign
    FROM (SELECT * FROM contacts WHERE ${oneOf('customer_id', records)}) AS c LEFT JOIN campaigns AS k ON k.campaign_id = c.campaign_id`);
  if (contacts.length === 0) return [];
  // Every contact's reactions, not only the newest contacts': a reaction can be newer than later contacts.
  const reactions = await engine.query<{ contact_id: string; type: string; at: Date }>(sql`SELECT contact_id, type, ${sql.id('at')} AS ${sql.id('at')}
    FROM responses WHERE ${oneOf('contact_id', contacts.map((c) => c.contact_id))}`);
  const byId = new Map(contacts.map((c) => [c.contact_id, c]));
  const kind = (channel: string): Entry['kind'] => (channel === 'email' ? 'email' : 'contact');
  return [
    ...contacts.map((c): Entry => ({ at: c.sent_at, kind: kind(c.channel), label: `Sent: ${c.campaign}`, amount: null, channel: c.channel })),
    ...reactions.flatMap((r): Entry[] => {
      const c = byId.get(r.contact_id);
      if (!c) return [];
      const verb = r.type.charAt(0).toUpperCase() + r.type.slice(1);
      return [{ at: r.at, kind: kind(c.channel), label: `${verb}: ${c.campaign}`, amount: null, channel: c.channel }];
    }),
  ];
}

/**
 * A person's history across his records, newest first: orders, returns, web events, marketing
 * contacts and the reactions to them, tickets and surveys (each source read through its index on
 * his record ids, side by side on the read pool), then the collected events the profile already
 * read. Collected tables are read as they are now, so what the server loaded since the run shows.
 */
export async function timeline(
  engine: Engine,
  records: readonly string[],
  /** His last collected events, as the profile reads them. */
  pendingEvents: Promise<readonly { readonly type: string; readonly event: string | null; readonly timestamp: Date | string }[]>,
  /** His orders, as they are being read (the other sources need not wait for them). */
  pendingOrders: Promise<readonly PersonOrder[]>,
): Promise<TimelineEntry[]> {
  const d = engine.dialect;
  const text = sql.raw(d.columnType('string', true));
  const float = sql.raw(d.columnType('float', true));
  const stamp = sql.raw(d.columnType('timestamp', true));
  const suffix = (prefix: string, column: Sql): Sql => sql`CASE WHEN ${column} IS NULL THEN '' ELSE concat(${prefix}, CAST(${column} AS ${text})) END`;
  // All of a source's rows, sorted and cut below: an ORDER BY ... LIMIT here would push a filter on
  // the time into the scan beside the one on the record, and DuckDB then scans the whole table
  // instead of probing the index (web_events: ~0.5 s against ~5 ms on 1M customers).
  const read = (at: Sql, kind: Sql, label: Sql, amount: Sql, channel: Sql, from: Sql): Promise<Entry[]> =>
    engine.query<Entry>(sql`SELECT CAST(${at} AS ${stamp}) AS ${sql.id('at')}, CAST(${kind} AS ${text}) AS kind, CAST(${label} AS ${text}) AS label,
      CAST(${amount} AS ${float}) AS amount, CAST(${channel} AS ${text}) AS channel FROM ${from}`);
  const fromOrders = async (): Promise<Entry[]> => {
    const orders = await pendingOrders;
    if (orders.length === 0) return [];
    const returned = await read(sql`returned_at`, sql`'return'`, sql`concat('Return on order ', order_id, ${suffix(': ', sql`reason`)})`,
      sql`refund_amount`, sql`NULL`, sql`returns WHERE ${oneOf('order_id', orders.map((o) => o.order_id))}`);
    const ordered = orders.map((o): Entry => ({ at: o.ordered_at, kind: 'order', label: `Order ${o.order_id}, ${o.lines} line(s)`, amount: o.revenue, channel: o.channel }));
    return [...ordered, ...returned];
  };
  const parts = await Promise.all([
    fromOrders(),
    read(sql`${sql.id('at')}`, sql`'web'`, sql`concat(type, ${suffix(' ', sql`coalesce(page, search_term, sku)`)})`, sql`NULL`, sql`'web'`,
      sql`web_events WHERE ${oneOf('customer_id', records)}`),
    contactEntries(engine, records),
    read(sql`opened_at`, sql`'ticket'`, sql`concat('Ticket: ', type, CASE WHEN closed_at IS NULL THEN ' (open)' ELSE '' END, ${suffix(', satisfaction ', sql`satisfaction`)})`,
      sql`NULL`, sql`channel`, sql`tickets WHERE ${oneOf('customer_id', records)}`),
    read(sql`${sql.id('at')}`, sql`'survey'`, sql`concat(upper(kind), ' ', CAST(score AS ${text}), ${suffix(': ', sql`comment`)})`, sql`NULL`, sql`NULL`,
      sql`surveys WHERE ${oneOf('customer_id', records)}`),
  ]);
  const entries: TimelineEntry[] = parts.flat().map((r) => ({
    at: new Date(r.at).toISOString(),
    kind: r.kind,
    label: r.label,
    ...(r.amount === null ? {} : { amount: Number(r.amount) }),
    ...(r.channel === null ? {} : { channel: r.channel }),
  }));
  for (const e of await pendingEvents) entries.push({ at: new Date(e.timestamp).toISOString(), kind: 'event', label: e.event ?? e.type });
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, TIMELINE_LIMIT);
}
