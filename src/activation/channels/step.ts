import type { Config } from '../../config/index.js';
import { CONTACT_CHANNELS, sql, type Engine } from '../../store/index.js';
import { dropTables, replaceTable, replaceTableByJoins, type JoinedTable, type PipelineStep } from '../../kernel/index.js';
import { HISTORY_SCRATCH, writeContactHistory } from './history.js';
import { writePriors, writeSegments } from './priors.js';

export const CUSTOMER_CHANNELS = 'customer_channels';
/** One row per person: his preferred channel, joined into customer_classes (CLASS_PARTS). */
export const CUSTOMER_CHANNEL_CHOICE = 'customer_channel_choice';

const SCRATCH = [
  ...HISTORY_SCRATCH,
  'channel_segments',
  'channel_person_basket',
  'channel_segment_basket',
  'channel_basket',
  'channel_segment_counts',
  'channel_shares',
  'channel_unit_costs',
  'channel_scored_inputs',
  'channel_scored',
];

/**
 * `channel_basket`: what a conversion is worth to each person, his expected order margin (EUR):
 * the Gamma-Gamma expected spend per order of the clv step times his own margin rate; the
 * segment's average for a person without orders, the base's where the segment has none.
 * One JOIN per SELECT, joined columns named apart from the aliases above them (ClickHouse 18.16).
 */
async function writeBasket(engine: Engine): Promise<void> {
  await replaceTable(engine, 'channel_person_basket', sql`SELECT c.person_id AS person_id,
      c.expected_spend * CASE WHEN f.revenue > 0 THEN CAST(f.gross_margin AS DOUBLE) / CAST(f.revenue AS DOUBLE) END AS basket_margin
    FROM customer_clv AS c JOIN customer_facts AS f ON f.person_id = c.person_id`);
  await replaceTable(engine, 'channel_segment_basket', sql`SELECT s.segment AS segment, avg(m.basket_margin) AS segment_margin
    FROM channel_segments AS s JOIN channel_person_basket AS m ON m.person_id = s.person_id GROUP BY s.segment`);
  // The base's average as a value: ClickHouse 18.16 answers a scalar subquery inside coalesce wrongly (NULL) or crashes.
  const [base] = await engine.query<{ margin: number | null }>(sql`SELECT avg(basket_margin) AS margin FROM channel_person_basket`);
  const baseMargin = base?.margin ?? null;
  await replaceTable(engine, 'channel_basket', sql`SELECT person_id, segment,
      coalesce(person_margin, segment_margin${baseMargin === null ? sql`` : sql`, CAST(${baseMargin} AS DOUBLE)`}) AS basket_margin
    FROM (SELECT sm.person_id AS person_id, sm.segment AS segment, sm.person_margin AS person_margin, g.segment_margin AS segment_margin
      FROM (SELECT s.person_id AS person_id, s.segment AS segment, m.basket_margin AS person_margin
        FROM channel_segments AS s LEFT JOIN channel_person_basket AS m ON m.person_id = s.person_id) AS sm
      LEFT JOIN channel_segment_basket AS g ON g.segment = sm.segment) AS joined`);
}

/**
 * `channel_shares`: conversions per response of each segment on each channel (1 when a response
 * is a conversion), the channel's over the base where the segment has no response, 1 where the
 * channel has none. A click is worth the share of a basket it turns into.
 */
async function writeShares(engine: Engine): Promise<void> {
  await replaceTable(engine, 'channel_segment_counts', sql`SELECT g.segment AS segment, k.channel AS channel,
      sum(k.responses) AS segment_responses, sum(k.conversions) AS segment_conversions
    FROM channel_counts AS k JOIN channel_segments AS g ON g.person_id = k.person_id GROUP BY g.segment, k.channel`);
  await replaceTable(engine, 'channel_shares', sql`SELECT segment, channel,
      coalesce(CASE WHEN responses > 0 THEN least(1.0, CAST(conversions AS DOUBLE) / responses) END,
        CASE WHEN base_responses > 0 THEN least(1.0, CAST(base_conversions AS DOUBLE) / base_responses) END, 1.0) AS conversions_per_response
    FROM (SELECT q.segment AS segment, q.channel AS channel, q.responses AS responses, q.conversions AS conversions,
        w.base_responses AS base_responses, w.base_conversions AS base_conversions
      FROM (SELECT sc.segment AS segment, sc.channel AS channel, coalesce(k.segment_responses, 0) AS responses, coalesce(k.segment_conversions, 0) AS conversions
        FROM (SELECT s.segment AS segment, c.channel AS channel FROM (SELECT DISTINCT segment FROM channel_segments) AS s CROSS JOIN (${channelList()}) AS c) AS sc
        LEFT JOIN channel_segment_counts AS k ON k.segment = sc.segment AND k.channel = sc.channel) AS q
      LEFT JOIN (SELECT channel, sum(responses) AS base_responses, sum(conversions) AS base_conversions FROM channel_counts GROUP BY channel) AS w
        ON w.channel = q.channel) AS joined`);
}

const channelList = () => sql.join(CONTACT_CHANNELS.map((c) => sql`SELECT ${c} AS channel`), ' UNION ALL ');

/**
 * `channel_unit_costs`: the cost of one more contact per channel (EUR), from the history or the
 * configuration, at the precision `contacts.unit_cost` stores (4 decimals): a plan's cost is then
 * the cost its stored contacts add up to in the campaign report.
 */
async function writeUnitCosts(engine: Engine, config: Config): Promise<void> {
  const configured = config.value.costs.contactByChannel;
  // The searched CASE with an ELSE: ClickHouse 18.16 types `CASE x WHEN ...` without one as Nullable(Nothing).
  const cost = sql`CASE ${sql.join(CONTACT_CHANNELS.map((c) => sql`WHEN c.channel = ${c} THEN CAST(${configured[c] ?? 0} AS DOUBLE)`), ' ')} ELSE CAST(0 AS DOUBLE) END`;
  const history = config.activation.channels.unitCost === 'history';
  await replaceTable(engine, 'channel_unit_costs', sql`SELECT c.channel AS channel,
      round(${history ? sql`coalesce(h.history_cost, ${cost})` : cost}, 4) AS unit_cost
    FROM (${channelList()}) AS c LEFT JOIN (SELECT channel, sum(cost) / count(*) AS history_cost FROM channel_contacts GROUP BY channel) AS h
      ON h.channel = c.channel`);
}

/** Every person and channel, with his history, his segment's prior, the shrunk rate and the expected value of a contact. */
async function writeScored(engine: Engine, withConsents: boolean): Promise<void> {
  const joins: JoinedTable[] = [
    { table: 'channel_counts', alias: 'k', on: sql`k.person_id = base.person_id AND k.channel = base.channel`,
      columns: sql`k.contacts AS person_contacts, k.responses AS person_responses, k.conversions AS person_conversions` },
    { table: 'channel_priors', alias: 'pr', on: sql`pr.segment = base.segment AND pr.channel = base.channel`,
      columns: sql`pr.alpha AS prior_alpha, pr.beta AS prior_beta, pr.persons AS prior_persons, pr.pooled AS prior_pooled` },
    { table: 'channel_shares', alias: 'sh', on: sql`sh.segment = base.segment AND sh.channel = base.channel`, columns: sql`sh.conversions_per_response AS share_per_response` },
    { table: 'channel_unit_costs', alias: 'u', on: sql`u.channel = base.channel`, columns: sql`u.unit_cost AS channel_unit_cost` },
    ...(withConsents ? [{ table: 'person_consents', alias: 'pc', on: sql`pc.person_id = base.person_id AND pc.channel = base.channel`, columns: sql`pc.status AS consent_status` }] : []),
  ];
  await replaceTableByJoins(engine, 'channel_scored_inputs', {
    from: sql`(SELECT b.person_id AS person_id, c.channel AS channel, b.segment AS segment, b.basket_margin AS person_basket
      FROM channel_basket AS b CROSS JOIN (${channelList()}) AS c)`,
    columns: sql`base.person_id AS person_id, base.channel AS channel, base.segment AS segment, base.person_basket AS person_basket`,
    joins,
  });
  const k = (column: string) => sql`coalesce(${sql.id(`person_${column}`)}, 0)`;
  const pResponse = sql`(${k('responses')} + prior_alpha) / (${k('contacts')} + prior_alpha + prior_beta)`;
  const responseValue = sql`person_basket * share_per_response`;
  await replaceTable(engine, 'channel_scored', sql`SELECT person_id, channel, segment,
      CAST(${k('contacts')} AS BIGINT) AS contacts, CAST(${k('responses')} AS BIGINT) AS responses, CAST(${k('conversions')} AS BIGINT) AS conversions,
      CASE WHEN ${k('contacts')} > 0 THEN CAST(${k('responses')} AS DOUBLE) / ${k('contacts')} END AS person_rate,
      prior_alpha / (prior_alpha + prior_beta) AS segment_rate, prior_alpha + prior_beta AS prior_strength, prior_persons AS segment_persons, prior_pooled AS segment_pooled,
      ${pResponse} AS p_response, person_basket AS basket_margin, share_per_response AS conversions_per_response,
      ${responseValue} AS response_value, channel_unit_cost AS unit_cost, ${pResponse} * ${responseValue} - channel_unit_cost AS expected_value,
      ${withConsents ? sql`coalesce(consent_status = 'opt_in', ${false})` : sql`${false}`} AS consented
    FROM channel_scored_inputs`);
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
  requires: [],
  async run({ engine, config, asOf, warn }) {
    await writeChannels(engine, config, asOf, warn);
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
  await replaceTable(engine, CUSTOMER_CHANNELS, sql`SELECT s.*, coalesce(b.preferred_channel = s.channel, ${false}) AS is_preferred
    FROM channel_scored AS s LEFT JOIN ${sql.id(CUSTOMER_CHANNEL_CHOICE)} AS b ON b.person_id = s.person_id`);
  await dropTables(engine, SCRATCH);
}
