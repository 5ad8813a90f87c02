import type { Config } from '../../config/index.js';
import { CONTACT_CHANNELS, onDuckDb, sql, type Engine } from '../../store/index.js';
import { dropTables, replaceTable, type PipelineStep } from '../../kernel/index.js';
import { HISTORY_SCRATCH, writeContactHistory } from './history.js';
import { writePriors, writeSegments } from './priors.js';

export const CUSTOMER_CHANNELS = 'customer_channels';
/** One row per person: his preferred channel, joined into customer_classes (CLASS_PARTS). */
export const CUSTOMER_CHANNEL_CHOICE = 'customer_channel_choice';

const SCRATCH = [...HISTORY_SCRATCH, 'channel_segments', 'channel_basket', 'channel_shares', 'channel_unit_costs', 'channel_scored'];

/**
 * `channel_basket`: what a conversion is worth to each person, his expected order margin (EUR):
 * the Gamma-Gamma expected spend per order of the clv step times his own margin rate; the
 * segment's average for a person without orders, the base's where the segment has none.
 */
async function writeBasket(engine: Engine): Promise<void> {
  await replaceTable(engine, 'channel_basket', sql`SELECT s.person_id AS person_id, s.segment AS segment,
      coalesce(m.basket_margin, g.basket_margin, (SELECT avg(basket_margin) FROM (SELECT c.expected_spend * CASE WHEN f.revenue > 0
        THEN CAST(f.gross_margin AS DOUBLE) / f.revenue END AS basket_margin FROM customer_clv AS c JOIN customer_facts AS f ON f.person_id = c.person_id) AS b)) AS basket_margin
    FROM channel_segments AS s
    LEFT JOIN (SELECT c.person_id AS person_id, c.expected_spend * CASE WHEN f.revenue > 0 THEN CAST(f.gross_margin AS DOUBLE) / f.revenue END AS basket_margin
      FROM customer_clv AS c JOIN customer_facts AS f ON f.person_id = c.person_id) AS m ON m.person_id = s.person_id
    LEFT JOIN (SELECT s2.segment AS segment, avg(c.expected_spend * CASE WHEN f.revenue > 0 THEN CAST(f.gross_margin AS DOUBLE) / f.revenue END) AS basket_margin
      FROM channel_segments AS s2 JOIN customer_clv AS c ON c.person_id = s2.person_id JOIN customer_facts AS f ON f.person_id = c.person_id
      GROUP BY s2.segment) AS g ON g.segment = s.segment`);
}

/**
 * `channel_shares`: conversions per response of each segment on each channel (1 when a response
 * is a conversion), the channel's over the base where the segment has no response, 1 where the
 * channel has none. A click is worth the share of a basket it turns into.
 */
async function writeShares(engine: Engine): Promise<void> {
  await replaceTable(engine, 'channel_shares', sql`SELECT q.segment AS segment, q.channel AS channel,
      coalesce(CASE WHEN q.responses > 0 THEN least(1.0, CAST(q.conversions AS DOUBLE) / q.responses) END,
        CASE WHEN w.responses > 0 THEN least(1.0, CAST(w.conversions AS DOUBLE) / w.responses) END, 1.0) AS conversions_per_response
    FROM (SELECT s.segment AS segment, c.channel AS channel, coalesce(sum(k.responses), 0) AS responses, coalesce(sum(k.conversions), 0) AS conversions
      FROM (SELECT DISTINCT segment FROM channel_segments) AS s CROSS JOIN (${channelList()}) AS c
        LEFT JOIN (SELECT g.segment AS segment, k.channel AS channel, k.responses AS responses, k.conversions AS conversions
          FROM channel_counts AS k JOIN channel_segments AS g ON g.person_id = k.person_id) AS k ON k.segment = s.segment AND k.channel = c.channel
      GROUP BY s.segment, c.channel) AS q
    LEFT JOIN (SELECT channel, sum(responses) AS responses, sum(conversions) AS conversions FROM channel_counts GROUP BY channel) AS w ON w.channel = q.channel`);
}

const channelList = () => sql.join(CONTACT_CHANNELS.map((c) => sql`SELECT ${c} AS channel`), ' UNION ALL ');

/**
 * `channel_unit_costs`: the cost of one more contact per channel (EUR), from the history or the
 * configuration, at the precision `contacts.unit_cost` stores (4 decimals): a plan's cost is then
 * the cost its stored contacts add up to in the campaign report.
 */
async function writeUnitCosts(engine: Engine, config: Config): Promise<void> {
  const configured = config.value.costs.contactByChannel;
  const cost = sql.join(CONTACT_CHANNELS.map((c) => sql`WHEN ${c} THEN CAST(${configured[c] ?? 0} AS DOUBLE)`), ' ');
  const history = config.activation.channels.unitCost === 'history';
  await replaceTable(engine, 'channel_unit_costs', sql`SELECT c.channel AS channel,
      round(${history ? sql`coalesce(h.unit_cost, CASE c.channel ${cost} END)` : sql`CASE c.channel ${cost} END`}, 4) AS unit_cost
    FROM (${channelList()}) AS c LEFT JOIN (SELECT channel, sum(cost) / count(*) AS unit_cost FROM channel_contacts GROUP BY channel) AS h
      ON h.channel = c.channel`);
}

/** Every person and channel, with his history, his segment's prior, the shrunk rate and the expected value of a contact. */
async function writeScored(engine: Engine, withConsents: boolean): Promise<void> {
  const k = (column: string) => sql`coalesce(k.${sql.id(column)}, 0)`;
  const pResponse = sql`(${k('responses')} + pr.alpha) / (${k('contacts')} + pr.alpha + pr.beta)`;
  const responseValue = sql`b.basket_margin * sh.conversions_per_response`;
  await replaceTable(engine, 'channel_scored', sql`SELECT b.person_id AS person_id, c.channel AS channel, b.segment AS segment,
      CAST(${k('contacts')} AS BIGINT) AS contacts, CAST(${k('responses')} AS BIGINT) AS responses, CAST(${k('conversions')} AS BIGINT) AS conversions,
      CASE WHEN ${k('contacts')} > 0 THEN CAST(${k('responses')} AS DOUBLE) / ${k('contacts')} END AS person_rate,
      pr.alpha / (pr.alpha + pr.beta) AS segment_rate, pr.alpha + pr.beta AS prior_strength, pr.persons AS segment_persons, pr.pooled AS segment_pooled,
      ${pResponse} AS p_response, b.basket_margin AS basket_margin, sh.conversions_per_response AS conversions_per_response,
      ${responseValue} AS response_value, u.unit_cost AS unit_cost, ${pResponse} * ${responseValue} - u.unit_cost AS expected_value,
      ${withConsents ? sql`coalesce(pc.status = 'opt_in', FALSE)` : sql`FALSE`} AS consented
    FROM channel_basket AS b CROSS JOIN (${channelList()}) AS c
      LEFT JOIN channel_counts AS k ON k.person_id = b.person_id AND k.channel = c.channel
      LEFT JOIN channel_priors AS pr ON pr.segment = b.segment AND pr.channel = c.channel
      LEFT JOIN channel_shares AS sh ON sh.segment = b.segment AND sh.channel = c.channel
      LEFT JOIN channel_unit_costs AS u ON u.channel = c.channel
      ${withConsents ? sql`LEFT JOIN person_consents AS pc ON pc.person_id = b.person_id AND pc.channel = c.channel` : sql``}`);
}

/**
 * The best channel for each person, learned from his reactions (issue 13, section 2): writes
 * `customer_channels` (one row per person and channel: his contacts and responses, his raw rate,
 * his segment's, the shrunk P(response), the value of a response, the unit cost and the expected
 * value of a contact, consent, and whether it is his preferred channel), `channel_priors` (the
 * Beta prior of each segment and channel) and `customer_channel_choice` (his preferred channel:
 * the best expected value among the channels he consented to; none when he consented to none).
 */
export const customerChannels: PipelineStep = {
  name: CUSTOMER_CHANNELS,
  reads: ['contacts', 'responses', 'orders', 'customer_persons', 'person_consents', 'customer_clv', 'customer_facts', 'customer_digital', 'customer_value_tiers', 'customer_rfm', 'customer_grid'],
  writes: [CUSTOMER_CHANNELS, CUSTOMER_CHANNEL_CHOICE, 'channel_priors'],
  async run({ engine, config, asOf, warn }) {
    // On ClickHouse through an in-memory DuckDB: its queries join up to six tables in one SELECT,
    // which 18.16 does not take (docs/clickhouse.md lists it among the steps to port).
    await onDuckDb(engine, { reads: this.reads, writes: this.writes }, (duckdb) => writeChannels(duckdb, config, asOf, warn));
  },
};

async function writeChannels(engine: Engine, config: Config, asOf: Date, warn: (message: string) => void): Promise<void> {
  const settings = config.activation.channels;
  // A run started after the consent step (`--from order_facts`) on a datamart that never had it.
  const withConsents = (await engine.query(engine.dialect.existingTables(['person_consents']))).length === 1;
  if (!withConsents) warn('no person_consents table (run the whole pipeline): no channel counts as consented, so nobody has a preferred channel');
  await writeContactHistory(engine, config, asOf);
  await writeSegments(engine, settings.segmentBy);
  await writePriors(engine, settings);
  await writeBasket(engine);
  await writeShares(engine);
  await writeUnitCosts(engine, config);
  await writeScored(engine, withConsents);
  await replaceTable(engine, CUSTOMER_CHANNEL_CHOICE, sql`SELECT person_id, channel AS preferred_channel, expected_value AS preferred_expected_value
    FROM (${engine.dialect.topPerGroup(sql`SELECT person_id, channel, expected_value, unit_cost FROM channel_scored
      WHERE consented AND expected_value IS NOT NULL`, {
      partitionBy: ['person_id'],
      orderBy: [{ column: 'expected_value', descending: true }, { column: 'unit_cost' }, { column: 'channel' }],
      columns: ['channel', 'expected_value', 'unit_cost'],
      n: 1,
      rankAs: 'channel_rank',
    })}) AS best`);
  await replaceTable(engine, CUSTOMER_CHANNELS, sql`SELECT s.*, coalesce(b.preferred_channel = s.channel, FALSE) AS is_preferred
    FROM channel_scored AS s LEFT JOIN ${sql.id(CUSTOMER_CHANNEL_CHOICE)} AS b ON b.person_id = s.person_id`);
  await dropTables(engine, SCRATCH);
}
