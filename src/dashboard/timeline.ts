import { LINE_REVENUE } from '../value/order-facts.js';
import { sql, type Engine, type Sql } from '../store/index.js';
import type { TimelineEntry } from './schemas.js';
import { timelineMessage, type TimelineMessage } from './timeline-messages.js';

export const TIMELINE_LIMIT = 200;

/** One of his orders (read once for the timeline and the P(alive) curve). */
export type PersonOrder = {
  readonly order_id: string;
  readonly ordered_at: Date;
  readonly channel: string;
  readonly revenue: number;
  readonly lines: number;
};

type Entry = { at: Date; kind: TimelineEntry['kind']; message: TimelineMessage; amount: number | null; channel: string | null };

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
    ...contacts.map((c): Entry => ({ at: c.sent_at, kind: kind(c.channel), message: timelineMessage('timeline.sent', { campaign: c.campaign }), amount: null, channel: c.channel })),
    ...reactions.flatMap((r): Entry[] => {
      const c = byId.get(r.contact_id);
      if (!c) return [];
      const message = timelineMessage(`timeline.reaction.${r.type}`, { campaign: c.campaign, name: `${r.type}: ${c.campaign}` });
      return [{ at: r.at, kind: kind(c.channel), message, amount: null, channel: c.channel }];
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
  type Raw = { at: Date; a: string | null; b: string | null; c: string | null; amount: number | null; channel: string | null };
  // All of a source's rows, sorted and cut below: an ORDER BY ... LIMIT here would push a filter on
  // the time into the scan beside the one on the record, and DuckDB then scans the whole table
  // instead of probing the index (web_events: ~0.5 s against ~5 ms on 1M customers). The
  // sentence is made here from the raw fields (a, b, c), in both languages.
  const read = async (at: Sql, fields: readonly [Sql, Sql, Sql], amount: Sql, channel: Sql, from: Sql, entry: (r: Raw) => Pick<Entry, 'kind' | 'message'>): Promise<Entry[]> => {
    const rows = await engine.query<Raw>(sql`SELECT CAST(${at} AS ${stamp}) AS ${sql.id('at')}, CAST(${fields[0]} AS ${text}) AS a, CAST(${fields[1]} AS ${text}) AS b,
      CAST(${fields[2]} AS ${text}) AS c, CAST(${amount} AS ${float}) AS amount, CAST(${channel} AS ${text}) AS channel FROM ${from}`);
    return rows.map((r) => ({ at: r.at, amount: r.amount, channel: r.channel, ...entry(r) }));
  };
  const none = sql`NULL`;
  const fromOrders = async (): Promise<Entry[]> => {
    const orders = await pendingOrders;
    if (orders.length === 0) return [];
    const returned = await read(sql`returned_at`, [sql`order_id`, sql`reason`, none], sql`refund_amount`, none,
      sql`returns WHERE ${oneOf('order_id', orders.map((o) => o.order_id))}`,
      (r) => ({ kind: 'return', message: r.b ? timelineMessage('timeline.return_reason', { order: r.a ?? '', reason: r.b }) : timelineMessage('timeline.return', { order: r.a ?? '' }) }));
    const ordered = orders.map((o): Entry => ({ at: o.ordered_at, kind: 'order', message: timelineMessage('timeline.order', { order: o.order_id, lines: o.lines }), amount: o.revenue, channel: o.channel }));
    return [...ordered, ...returned];
  };
  const parts = await Promise.all([
    fromOrders(),
    read(sql`${sql.id('at')}`, [sql`type`, sql`coalesce(page, search_term, sku)`, none], none, sql`'web'`, sql`web_events WHERE ${oneOf('customer_id', records)}`,
      (r) => ({ kind: 'web', message: timelineMessage(`timeline.web.${r.a ?? ''}`, { detail: r.b ?? '', name: [r.a, r.b].filter(Boolean).join(' ') }) })),
    contactEntries(engine, records),
    read(sql`opened_at`, [sql`type`, sql`CASE WHEN closed_at IS NULL THEN 'open' END`, sql`satisfaction`], none, sql`channel`, sql`tickets WHERE ${oneOf('customer_id', records)}`,
      (r) => {
        const key = `timeline.ticket${r.b ? '_open' : ''}${r.c !== null ? '_satisfaction' : ''}`;
        return { kind: 'ticket', message: timelineMessage(key, { type: r.a ?? '', ...(r.c !== null ? { satisfaction: Number(r.c) } : {}) }) };
      }),
    read(sql`${sql.id('at')}`, [sql`kind`, sql`score`, sql`comment`], none, none, sql`surveys WHERE ${oneOf('customer_id', records)}`,
      (r) => ({ kind: 'survey', message: timelineMessage(`timeline.survey${r.c ? '_comment' : ''}.${r.a ?? ''}`, { score: Number(r.b), ...(r.c ? { comment: r.c } : {}), name: `${r.a ?? ''} ${r.b ?? ''}` }) })),
  ]);
  const entries: TimelineEntry[] = parts.flat().map((r) => ({
    at: new Date(r.at).toISOString(),
    kind: r.kind,
    label: r.message.text.en,
    message: r.message,
    ...(r.amount === null ? {} : { amount: Number(r.amount) }),
    ...(r.channel === null ? {} : { channel: r.channel }),
  }));
  for (const e of await pendingEvents) {
    const message = timelineMessage('timeline.event', { name: e.event ?? e.type });
    entries.push({ at: new Date(e.timestamp).toISOString(), kind: 'event', label: message.text.en, message });
  }
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, TIMELINE_LIMIT);
}
