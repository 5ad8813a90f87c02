// Stand-ins for the two tables the planner reads, built with plain SQL until the channels part
// (customer_channels) and the pressure part (contact_allowance) are merged: same contract columns
// (docs: /work/shared common brief), simple documented estimates. The coordinator replaces the call
// to createPlannerInputs by the real steps (channels pipeline step, contactAllowance) at merge.
import { sql, type Engine } from '../../../src/store/index.js';

/** EUR per contact (the stand-in's channel costs). */
export const STAND_IN_UNIT_COST = { email: 0.02, sms: 0.07, mail: 0.9, phone: 3.5, push: 0.01 } as const;
/** Contacts allowed per rolling 30 days (the stand-in pressure policy). */
export const STAND_IN_CAPS = { email: 2, sms: 1, mail: 1, phone: 1, push: 2, all: 4 } as const;

/**
 * customer_channels: per person and channel, P(response) = (responses + 10 x segment rate) /
 * (contacts + 10) from his sent contacts (a response is a conversion or an order attributed to the
 * campaign), i.e. shrunk toward his segment's rate (segment = digital type x value tier, per
 * channel) with a weight of 10 contacts; response_value = his average order
 * revenue (50 EUR when none); consented = current consent opt_in.
 * contact_allowance: per person and channel (and 'all') the caps above minus planned and sent
 * contacts of the 30 days before asOf; 0 remaining without consent.
 */
export async function createPlannerInputs(engine: Engine, asOf: Date): Promise<void> {
  const costs = sql.join(Object.entries(STAND_IN_UNIT_COST).map(([ch, c]) => sql`SELECT ${ch} AS channel, ${c} AS unit_cost, ${STAND_IN_CAPS[ch as keyof typeof STAND_IN_CAPS]} AS cap`), ' UNION ALL ');
  await engine.exec(sql`CREATE OR REPLACE TABLE customer_channels AS
    WITH hist AS (
      SELECT p.person_id AS person_id, c.channel AS channel, count(DISTINCT c.contact_id) AS contacts,
        count(DISTINCT CASE WHEN r.type = 'converted' OR o.order_id IS NOT NULL THEN c.contact_id END) AS responses,
        count(DISTINCT o.order_id) AS conversions
      FROM contacts AS c JOIN customer_persons AS p ON p.customer_id = c.customer_id
      LEFT JOIN responses AS r ON r.contact_id = c.contact_id
      LEFT JOIN orders AS o ON o.campaign_id = c.campaign_id AND o.customer_id = c.customer_id
      WHERE (c.status IS NULL OR c.status = 'sent') AND c.sent_at <= ${asOf}
      GROUP BY p.person_id, c.channel),
    costs AS (${costs}),
    segment AS (
      SELECT coalesce(k.digital_type, '') AS digital_type, coalesce(k.value_tier, '') AS value_tier, h.channel AS channel,
        (sum(h.responses) + 0.2) / (sum(h.contacts) + 10.0) AS rate
      FROM hist AS h JOIN customer_classes AS k ON k.person_id = h.person_id GROUP BY 1, 2, 3),
    rows AS (
      SELECT pc.person_id AS person_id, pc.channel AS channel, coalesce(h.contacts, 0) AS contacts, coalesce(h.responses, 0) AS responses,
        coalesce(h.conversions, 0) AS conversions, coalesce(s.rate, 0.02) AS segment_rate,
        CAST(CASE WHEN k.orders > 0 THEN k.revenue / k.orders ELSE 50 END AS DOUBLE) AS response_value,
        CAST(costs.unit_cost AS DOUBLE) AS unit_cost, pc.status = 'opt_in' AS consented
      FROM person_consents AS pc JOIN customer_classes AS k ON k.person_id = pc.person_id
      JOIN costs ON costs.channel = pc.channel
      LEFT JOIN hist AS h ON h.person_id = pc.person_id AND h.channel = pc.channel
      LEFT JOIN segment AS s ON s.digital_type = coalesce(k.digital_type, '') AND s.value_tier = coalesce(k.value_tier, '') AND s.channel = pc.channel)
    SELECT person_id, channel, CAST(contacts AS BIGINT) AS contacts, CAST(responses AS BIGINT) AS responses, CAST(conversions AS BIGINT) AS conversions,
      CASE WHEN contacts > 0 THEN responses / contacts END AS person_rate, segment_rate,
      (responses + 10 * segment_rate) / (contacts + 10.0) AS p_response, response_value, unit_cost,
      (responses + 10 * segment_rate) / (contacts + 10.0) * response_value - unit_cost AS expected_value,
      consented, false AS is_preferred
    FROM rows`);
  await engine.exec(sql`CREATE OR REPLACE TABLE contact_allowance AS
    WITH used AS (
      SELECT p.person_id AS person_id, c.channel AS channel, count(*) AS used
      FROM contacts AS c JOIN customer_persons AS p ON p.customer_id = c.customer_id
      WHERE (c.status IS NULL OR c.status IN ('sent', 'planned')) AND c.sent_at > ${new Date(asOf.getTime() - 30 * 86_400_000)} AND c.sent_at <= ${asOf}
      GROUP BY p.person_id, c.channel),
    costs AS (${costs}),
    per_channel AS (
      SELECT pc.person_id AS person_id, pc.channel AS channel, CAST(coalesce(u.used, 0) AS BIGINT) AS used, CAST(costs.cap AS BIGINT) AS cap,
        CAST(CASE WHEN pc.status <> 'opt_in' THEN 0 ELSE greatest(costs.cap - coalesce(u.used, 0), 0) END AS BIGINT) AS remaining,
        CASE WHEN pc.status <> 'opt_in' THEN 'pressure.no_consent' WHEN coalesce(u.used, 0) >= costs.cap THEN 'pressure.capped' END AS blocked_reason,
        '{}' AS reason_params
      FROM person_consents AS pc JOIN costs ON costs.channel = pc.channel LEFT JOIN used AS u ON u.person_id = pc.person_id AND u.channel = pc.channel)
    SELECT * FROM per_channel
    UNION ALL
    SELECT person_id, 'all' AS channel, CAST(sum(used) AS BIGINT) AS used, CAST(${STAND_IN_CAPS.all} AS BIGINT) AS cap,
      CAST(greatest(${STAND_IN_CAPS.all} - sum(used), 0) AS BIGINT) AS remaining,
      CASE WHEN sum(used) >= ${STAND_IN_CAPS.all} THEN 'pressure.capped' END AS blocked_reason, '{}' AS reason_params
    FROM per_channel GROUP BY person_id`);
}
