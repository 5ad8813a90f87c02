import type { Config } from '../../config/index.js';
import type { ChannelsConfig } from '../../config/channels-config.js';
import { CONTACT_CHANNELS, sentContact, sql, type Engine, type Sql } from '../../store/index.js';
import { joinBuckets, replaceTable, replaceTableInBuckets } from '../../kernel/index.js';

const DAY_MS = 86_400_000;

/** A contact responded at the configured level: a conversion always counts; clicks imply opens. */
function respondedAt(level: ChannelsConfig['response']): Sql {
  if (level === 'converted') return sql`converted`;
  if (level === 'clicked') return sql`greatest(clicked, converted)`;
  // Two arguments at a time: ClickHouse 18.16's greatest takes no more.
  return sql`greatest(opened, greatest(clicked, converted))`;
}

/** Configured cost of a contact on its channel, for contacts that carry none. */
function configuredCost(channel: Sql, costs: Readonly<Record<string, number>>): Sql {
  const cases = CONTACT_CHANNELS.map((c) => sql`WHEN ${channel} = ${c} THEN ${costs[c] ?? 0}`);
  return sql`CAST(CASE ${sql.join(cases, ' ')} ELSE 0 END AS DOUBLE)`;
}

/**
 * Writes `channel_contact_outcomes`: every contact sent to a person in the history window, with
 * its cost and whether it was opened, clicked, converted (a `converted` response, or an order
 * attributed to it by the configured rule) and responded at the configured level. Then
 * `channel_counts`: per person and channel, contacts, responses, conversions and their cost.
 */
export async function writeContactHistory(engine: Engine, config: Config, asOf: Date): Promise<void> {
  const d = engine.dialect;
  const settings = config.activation.channels;
  const since = new Date(asOf.getTime() - settings.historyDays * DAY_MS);
  await replaceTable(engine, 'channel_contacts', sql`SELECT c.contact_id AS contact_id, p.person_id AS person_id, c.channel AS channel,
      c.campaign_id AS campaign_id, c.sent_at AS sent_at,
      coalesce(${d.cast(sql`c.unit_cost`, 'float')}, ${configuredCost(sql`c.channel`, config.value.costs.contactByChannel)}) AS cost
    FROM contacts AS c JOIN customer_persons AS p ON p.customer_id = c.customer_id
    WHERE ${sentContact('c')} AND c.sent_at <= ${asOf} AND c.sent_at > ${since}`);
  // The joins on the contacts in hash buckets of the contact where joins do not spill to disk
  // (ClickHouse: 2.5 GB for the responses' join at 1M persons); a contact's rows are all in one bucket.
  const buckets = await joinBuckets(engine, sql`channel_contacts`, { textColumns: ['contact_id', 'person_id', 'channel', 'campaign_id'], columns: 6 });
  await replaceTableInBuckets(engine, 'channel_contact_responses', buckets, (inBucket) => sql`SELECT r.contact_id AS contact_id,
      max(${d.flag(sql`r.type = 'opened'`)}) AS opened, max(${d.flag(sql`r.type = 'clicked'`)}) AS clicked,
      max(${d.flag(sql`r.type = 'converted'`)}) AS converted
    FROM (SELECT * FROM responses WHERE ${inBucket(sql`contact_id`)}) AS r JOIN (SELECT * FROM channel_contacts WHERE ${inBucket(sql`contact_id`)}) AS c
      ON c.contact_id = r.contact_id
    WHERE r.type IN ('opened', 'clicked', 'converted') AND r.${sql.id('at')} <= ${asOf} GROUP BY r.contact_id`);
  const { orders, windowDays } = settings.attribution;
  const attributed =
    orders === 'none'
      ? sql`SELECT contact_id, 0 AS attributed FROM channel_contacts WHERE 1 = 0`
      : sql`SELECT c.contact_id AS contact_id, 1 AS attributed
          FROM channel_contacts AS c JOIN (SELECT p.person_id AS person_id, o.campaign_id AS campaign_id, o.ordered_at AS ordered_at
            FROM orders AS o JOIN customer_persons AS p ON p.customer_id = o.customer_id WHERE o.ordered_at <= ${asOf}) AS o
            ON o.person_id = c.person_id
          WHERE o.ordered_at >= c.sent_at AND ${d.daysBetween(sql`c.sent_at`, sql`o.ordered_at`)} <= ${windowDays}
            ${orders === 'campaign' ? sql`AND o.campaign_id = c.campaign_id` : sql``}
          GROUP BY c.contact_id`;
  await replaceTable(engine, 'channel_contact_orders', attributed);
  // One JOIN per SELECT (ClickHouse 18.16), the joined columns named apart from the aliases above them.
  await replaceTableInBuckets(engine, 'channel_contact_outcomes', buckets, (inBucket) => sql`SELECT contact_id, person_id, channel, cost, opened, clicked, converted,
      ${respondedAt(settings.response)} AS responded
    FROM (SELECT cr.contact_id AS contact_id, cr.person_id AS person_id, cr.channel AS channel, cr.cost AS cost,
        cr.was_opened AS opened, cr.was_clicked AS clicked, greatest(cr.was_converted, coalesce(a.attributed, 0)) AS converted
      FROM (SELECT c.contact_id AS contact_id, c.person_id AS person_id, c.channel AS channel, c.cost AS cost,
          coalesce(r.opened, 0) AS was_opened, coalesce(r.clicked, 0) AS was_clicked, coalesce(r.converted, 0) AS was_converted
        FROM (SELECT * FROM channel_contacts WHERE ${inBucket(sql`contact_id`)}) AS c
        LEFT JOIN (SELECT * FROM channel_contact_responses WHERE ${inBucket(sql`contact_id`)}) AS r ON r.contact_id = c.contact_id) AS cr
      LEFT JOIN (SELECT * FROM channel_contact_orders WHERE ${inBucket(sql`contact_id`)}) AS a ON a.contact_id = cr.contact_id) AS flagged`);
  await replaceTable(engine, 'channel_counts', sql`SELECT person_id, channel, count(*) AS contacts,
      CAST(sum(responded) AS BIGINT) AS responses, CAST(sum(converted) AS BIGINT) AS conversions, sum(cost) AS cost
    FROM channel_contact_outcomes GROUP BY person_id, channel`);
}

export const HISTORY_SCRATCH = ['channel_contacts', 'channel_contact_responses', 'channel_contact_orders', 'channel_contact_outcomes', 'channel_counts'];
