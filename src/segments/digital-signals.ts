import type { DigitalConfig } from '../config/digital-config.js';
import { sentContact, sql, type ColumnType, type Dialect, type Engine, type Sql } from '../store/index.js';
import { dropTables, forEachBucket, joinBuckets, replaceTable } from '../kernel/index.js';

/** The per-person figures partial aggregates fill, with how partial rows combine. */
const SIGNAL_COLUMNS: Record<string, { type: ColumnType; merge: 'sum' | 'min' }> = {
  first_seen: { type: 'timestamp', merge: 'min' },
  orders: { type: 'int', merge: 'sum' },
  online_orders: { type: 'int', merge: 'sum' },
  classic_online_orders: { type: 'int', merge: 'sum' },
  new_channel_orders: { type: 'int', merge: 'sum' },
  first_order_at: { type: 'timestamp', merge: 'min' },
  first_new_channel_at: { type: 'timestamp', merge: 'min' },
  web_events: { type: 'int', merge: 'sum' },
  web_sessions: { type: 'int', merge: 'sum' },
  key_pages: { type: 'int', merge: 'sum' },
  searches: { type: 'int', merge: 'sum' },
  email_contacts: { type: 'int', merge: 'sum' },
  email_bounces: { type: 'int', merge: 'sum' },
  email_opens: { type: 'int', merge: 'sum' },
  email_clicks: { type: 'int', merge: 'sum' },
  email_addresses: { type: 'int', merge: 'sum' },
};

const PARTS = 'digital_signal_parts';
const SCRATCH = ['digital_devices', 'digital_email_responses', PARTS];

/** One partial aggregate per customer record, filling some of the signal columns. */
function branch(dialect: Dialect, from: Sql, filled: Record<string, Sql>, groupBy: Sql): Sql {
  const columns = Object.entries(SIGNAL_COLUMNS).map(([name, { type }]) => {
    const value = filled[name] ?? sql`NULL`;
    return sql`${dialect.castToNullable(value, type)} AS ${sql.id(name)}`;
  });
  // The same key type in every branch: ClickHouse's UNION ALL does not unify Nullable(String) and String.
  const key = sql`CAST(${groupBy} AS ${sql.raw(dialect.columnType('string', false))})`;
  // Not named customer_id: ClickHouse would read the branches' `w.customer_id IS NOT NULL` as this
  // alias, converting the NULLs the filter is there to drop.
  return sql`SELECT ${key} AS record_id, ${sql.join(columns)} FROM ${from} GROUP BY ${groupBy}`;
}

function inList(column: Sql, values: readonly string[]): Sql {
  return values.length === 0 ? sql`FALSE` : sql`${column} IN (${sql.join(values.map((v) => sql`${v}`))})`;
}

/**
 * Writes `digital_signals`: per person, as of a date, his orders by kind of channel, his web
 * activity (his logged-in events and those of the devices linked to his records), his email
 * contacts with their opens and clicks, the email addresses he gave, and when he was first seen.
 * Partial aggregates per customer record (no join, or one), written one after the other to a
 * scratch table and merged per person by one join to customer_persons (no CTE, no window
 * function: ClickHouse 18.16 runs it too). One statement per part, and the email contacts' join
 * to their responses in hash buckets of the contact where joins do not spill: in one statement,
 * at 1M persons, ClickHouse needed more than its 2 GB a query (six aggregates and that join at once).
 */
export async function writeDigitalSignals(engine: Engine, config: DigitalConfig, asOf: Date): Promise<void> {
  const d = engine.dialect;
  const { onlineChannels, classicOnlineChannels, newChannel, emailChannels } = config;
  const flagIn = (column: Sql, values: readonly string[]): Sql => d.flag(inList(column, values));
  await replaceTable(engine, 'digital_devices', sql`SELECT DISTINCT value AS anonymous_id, customer_id FROM identifiers
    WHERE type = 'anonymous_id' AND (first_seen_at IS NULL OR first_seen_at <= ${asOf})`);
  await replaceTable(engine, 'digital_email_responses', sql`SELECT r.contact_id AS contact_id,
    max(${d.flag(sql`r.type IN ('opened', 'clicked')`)}) AS opened, max(${d.flag(sql`r.type = 'clicked'`)}) AS clicked,
    max(${d.flag(sql`r.type = 'bounced'`)}) AS bounced
    FROM responses AS r WHERE r.type IN ('opened', 'clicked', 'bounced') AND r.at <= ${asOf} GROUP BY r.contact_id`);
  const web: Record<string, Sql> = {
    first_seen: sql`min(w.at)`,
    web_events: sql`count(*)`,
    web_sessions: sql`count(DISTINCT w.session_id)`,
    key_pages: sql`sum(${d.flag(sql`w.type IN ('key_page', 'quote_started')`)})`,
    searches: sql`sum(${d.flag(sql`w.type = 'search'`)})`,
  };
  const parts = [
    branch(
      d,
      sql`orders AS o WHERE o.ordered_at <= ${asOf}`,
      {
        first_seen: sql`min(o.ordered_at)`,
        orders: sql`count(*)`,
        online_orders: sql`sum(${flagIn(sql`o.channel`, onlineChannels)})`,
        classic_online_orders: sql`sum(${flagIn(sql`o.channel`, classicOnlineChannels)})`,
        new_channel_orders: sql`sum(${flagIn(sql`o.channel`, newChannel.channels)})`,
        first_order_at: sql`min(o.ordered_at)`,
        first_new_channel_at: sql`min(CASE WHEN ${inList(sql`o.channel`, newChannel.channels)} THEN o.ordered_at END)`,
      },
      sql`o.customer_id`,
    ),
    branch(d, sql`web_events AS w WHERE w.customer_id IS NOT NULL AND w.at <= ${asOf}`, web, sql`w.customer_id`),
    branch(
      d,
      sql`web_events AS w JOIN digital_devices AS v ON v.anonymous_id = w.anonymous_id
        WHERE w.customer_id IS NULL AND w.at <= ${asOf}`,
      web,
      sql`v.customer_id`,
    ),
    branch(
      d,
      sql`identifiers AS i WHERE i.type = 'email' AND (i.first_seen_at IS NULL OR i.first_seen_at <= ${asOf})`,
      { email_addresses: sql`count(DISTINCT i.value)` },
      sql`i.customer_id`,
    ),
    branch(d, sql`customers AS c WHERE c.signup_at IS NULL OR c.signup_at <= ${asOf}`, {}, sql`c.customer_id`),
  ];
  await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(PARTS)}`);
  let written = 0;
  const write = async (part: Sql): Promise<void> => {
    await engine.exec(written++ === 0 ? d.createTableAs(PARTS, part) : sql`INSERT INTO ${sql.id(PARTS)} ${part}`);
  };
  for (const part of parts) await write(part);
  // A record's contacts may fall in several buckets: his partial rows are summed per person below.
  const buckets = await joinBuckets(engine, sql.id('digital_email_responses'), { textColumns: ['contact_id'], columns: 4 });
  await forEachBucket(engine, buckets, (inBucket) =>
    write(
      branch(
        d,
        sql`(SELECT * FROM contacts WHERE ${inBucket(sql`contact_id`)}) AS c
          LEFT JOIN (SELECT * FROM digital_email_responses WHERE ${inBucket(sql`contact_id`)}) AS r ON r.contact_id = c.contact_id
          WHERE ${inList(sql`c.channel`, emailChannels)} AND c.sent_at <= ${asOf} AND ${sentContact('c')}`,
        {
          first_seen: sql`min(c.sent_at)`,
          email_contacts: sql`count(*)`,
          email_bounces: sql`sum(coalesce(r.bounced, 0))`,
          email_opens: sql`sum(coalesce(r.opened, 0))`,
          email_clicks: sql`sum(coalesce(r.clicked, 0))`,
        },
        sql`c.customer_id`,
      ),
    ),
  );
  const merged = Object.entries(SIGNAL_COLUMNS).map(([name, { merge }]) =>
    merge === 'sum' ? sql`coalesce(sum(parts.${sql.id(name)}), 0) AS ${sql.id(name)}` : sql`min(parts.${sql.id(name)}) AS ${sql.id(name)}`,
  );
  await replaceTable(engine, 'digital_signals', sql`SELECT p.person_id AS person_id, ${sql.join(merged)}
    FROM ${sql.id(PARTS)} AS parts JOIN customer_persons AS p ON p.customer_id = parts.record_id
    GROUP BY p.person_id`);
  await dropTables(engine, SCRATCH);
}
