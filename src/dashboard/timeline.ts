import { sql, type Engine, type Sql } from '../store/index.js';
import type { TimelineEntry } from './schemas.js';

export const TIMELINE_LIMIT = 200;

/**
 * A person's history across his records, newest first: orders, returns, web events, marketing
 * contacts and the reactions to them, tickets and surveys (one query, each part filtered on his
 * record ids), then the collected events the profile already read.
 */
export async function timeline(
  engine: Engine,
  records: readonly string[],
  events: readonly { readonly type: string; readonly event: string | null; readonly timestamp: Date | string }[],
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
  const emailOr = (channel: Sql): Sql => sql`CASE WHEN ${channel} = 'email' THEN 'email' ELSE 'contact' END`;
  const parts = [
    part(sql`ordered_at`, sql`'order'`, sql`concat('Order ', order_id, ', ', CAST(lines AS ${text}), ' line(s)')`, sql`revenue`, sql`channel`,
      sql`order_facts WHERE ${mine(sql`customer_id`)}`),
    part(sql`r.returned_at`, sql`'return'`, sql`concat('Return on order ', r.order_id, ${suffix(': ', sql`r.reason`)})`, sql`r.refund_amount`, sql`NULL`,
      sql`returns AS r JOIN (SELECT order_id FROM order_facts WHERE ${mine(sql`customer_id`)}) AS o ON o.order_id = r.order_id`),
    part(sql`${sql.id('at')}`, sql`'web'`, sql`concat(type, ${suffix(' ', sql`coalesce(page, search_term, sku)`)})`, sql`NULL`, sql`'web'`,
      sql`web_events WHERE ${mine(sql`customer_id`)}`),
    part(sql`c.sent_at`, emailOr(sql`c.channel`), sql`concat('Sent: ', coalesce(k.name, c.campaign_id))`, sql`NULL`, sql`c.channel`,
      sql`(SELECT * FROM contacts WHERE ${mine(sql`customer_id`)}) AS c LEFT JOIN campaigns AS k ON k.campaign_id = c.campaign_id`),
    part(sql`r.${sql.id('at')}`, emailOr(sql`c.channel`), sql`concat(r.type, ': ', c.campaign_id)`, sql`NULL`, sql`c.channel`,
      sql`responses AS r JOIN (SELECT contact_id, campaign_id, channel FROM contacts WHERE ${mine(sql`customer_id`)}) AS c ON c.contact_id = r.contact_id`),
    part(sql`opened_at`, sql`'ticket'`, sql`concat('Ticket: ', type, CASE WHEN closed_at IS NULL THEN ' (open)' ELSE '' END, ${suffix(', satisfaction ', sql`satisfaction`)})`,
      sql`NULL`, sql`channel`, sql`tickets WHERE ${mine(sql`customer_id`)}`),
    part(sql`${sql.id('at')}`, sql`'survey'`, sql`concat(upper(kind), ' ', CAST(score AS ${text}), ${suffix(': ', sql`comment`)})`, sql`NULL`, sql`NULL`,
      sql`surveys WHERE ${mine(sql`customer_id`)}`),
  ];
  const rows = await engine.query<{ at: Date; kind: TimelineEntry['kind']; label: string; amount: number | null; channel: string | null }>(
    sql`SELECT * FROM (${sql.join(parts, ' UNION ALL ')}) AS t ORDER BY ${sql.id('at')} DESC, kind, label LIMIT ${sql.raw(String(TIMELINE_LIMIT))}`,
  );
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
