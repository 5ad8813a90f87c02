import type { DigitalConfig } from '../config/digital-config.js';
import { sql, type Dialect, type Engine, type Sql } from '../store/index.js';
import { dropTables, replaceTable, type PipelineStep, type StepContext } from '../kernel/index.js';
import { writeDigitalSignals } from './digital-signals.js';
import { onlineMoveColumns } from './online-migration.js';
import type { DigitalRule, DigitalType } from './digital-types.js';

/** Days in an average month, to turn days of tenure into months. */
const MONTH_DAYS = 30.4375;

/**
 * The launch of the new online services: the configured date, else the first order on their
 * channels up to the as-of date; null when there is none yet.
 */
export async function newChannelLaunch(engine: Engine, config: DigitalConfig, asOf: Date): Promise<Date | null> {
  if (config.newChannel.launchedAt) return config.newChannel.launchedAt <= asOf ? config.newChannel.launchedAt : null;
  const channels = sql.join(config.newChannel.channels.map((c) => sql`${c}`));
  const [row] = await engine.query<{ launch: Date | null }>(
    sql`SELECT min(ordered_at) AS launch FROM orders WHERE channel IN (${channels}) AND ordered_at <= ${asOf}`,
  );
  return row?.launch instanceof Date ? row.launch : null;
}

const ratio = (numerator: Sql, denominator: Sql): Sql =>
  sql`CASE WHEN ${denominator} > 0 THEN CAST(${numerator} AS DOUBLE) / ${denominator} END`;

/** Figures per person: shares, rates, adoption delay and the three signals in [0, 1]. */
function figures(d: Dialect, config: DigitalConfig, asOf: Date, launch: Date | null): Sql {
  const { fullWebEventsPerMonth, fullOpenRate } = config.score;
  const months = sql`greatest(1.0, ${d.daysBetween(sql`first_seen`, sql`${asOf}`)} / ${MONTH_DAYS})`;
  const delivered = sql`(email_contacts - email_bounces)`;
  const nullOf = (type: 'timestamp' | 'int'): Sql => sql`CAST(NULL AS ${sql.raw(d.columnType(type, true))})`;
  const launchValue = launch ? sql`${launch}` : nullOf('timestamp');
  const adoption = launch ? d.daysBetween(sql`${launch}`, sql`first_new_channel_at`) : nullOf('int');
  return sql`SELECT person_id, orders, online_orders, classic_online_orders, new_channel_orders,
    ${ratio(sql`online_orders`, sql`orders`)} AS online_share,
    first_order_at, first_new_channel_at, ${launchValue} AS new_channel_launch, ${adoption} AS adoption_days,
    ${months} AS months_observed, web_events, web_sessions, key_pages, searches,
    CAST(web_events AS DOUBLE) / ${months} AS web_events_per_month,
    email_addresses, email_contacts, ${delivered} AS email_delivered, email_opens, email_clicks,
    ${ratio(sql`email_opens`, delivered)} AS open_rate, ${ratio(sql`email_clicks`, delivered)} AS click_rate,
    ${ratio(sql`online_orders`, sql`orders`)} AS online_signal,
    least(1.0, CAST(web_events AS DOUBLE) / ${months} / ${fullWebEventsPerMonth}) AS web_signal,
    CASE WHEN ${delivered} > 0 THEN least(1.0, CAST(email_opens AS DOUBLE) / ${delivered} / ${fullOpenRate}) END AS email_signal
    FROM digital_signals`;
}

/** The weighted mean of the signals the customer gives evidence on, 0-100. */
function digitalScore(config: DigitalConfig): Sql {
  const { online, web, email } = config.score.weights;
  const present = (column: string): Sql => sql`(CASE WHEN ${sql.id(column)} IS NULL THEN 0.0 ELSE 1.0 END)`;
  const weighted = sql`${online} * coalesce(online_signal, 0.0) + ${web} * web_signal + ${email} * coalesce(email_signal, 0.0)`;
  const weights = sql`${online} * ${present('online_signal')} + ${web} + ${email} * ${present('email_signal')}`;
  return sql`coalesce(100.0 * (${weighted}) / nullif(${weights}, 0.0), 0.0)`;
}

/** Customers whose orders, emails and web sessions are all too few to say much. */
function thinEvidence(config: DigitalConfig): Sql {
  const { minOrders, minEmails, minWebSessions } = config.evidence;
  return sql`(orders < ${minOrders} AND email_contacts < ${minEmails} AND web_sessions < ${minWebSessions})`;
}

/** The rule ladder: the first rule that holds decides the type. */
function ruleCase(config: DigitalConfig): Sql {
  const { thresholds, newChannel } = config;
  const onlineSign = sql`(online_orders > 0 OR web_events > 0 OR email_opens > 0)`;
  const rules: readonly [DigitalRule, Sql][] = [
    ['early_adopter', sql`adoption_days <= ${newChannel.earlyAdopterDays}`],
    ['high_score', sql`digital_score >= ${thresholds.technophile}`],
    ['later_adopter', sql`adoption_days IS NOT NULL`],
    ['medium_score', sql`digital_score >= ${thresholds.technomouton}`],
    ['online_sign', onlineSign],
    ['email_address', sql`email_addresses > 0`],
    ['thin_evidence', sql`evidence = 'thin'`],
  ];
  return sql`CASE ${sql.join(rules.map(([name, when]) => sql`WHEN ${when} THEN ${name}`), ' ')} ELSE 'offline_only' END`;
}

export function typeOfRule(config: DigitalConfig): Record<DigitalRule, DigitalType> {
  return {
    early_adopter: 'technophile',
    high_score: 'technophile',
    later_adopter: 'technomouton',
    medium_score: 'technomouton',
    online_sign: 'techno-no',
    email_address: 'techno-no',
    thin_evidence: config.fallbackType,
    offline_only: 'technonul',
  };
}

const FIGURE_COLUMNS = `person_id, orders, online_orders, classic_online_orders, new_channel_orders, online_share,
  first_order_at, first_new_channel_at, new_channel_launch, adoption_days, months_observed,
  web_events, web_sessions, key_pages, searches, web_events_per_month,
  email_addresses, email_contacts, email_delivered, email_opens, email_clicks, open_rate, click_rate,
  online_signal, web_signal, email_signal`;

/**
 * Digital-maturity type of every person (seed 001's sociotypes) from observed behaviour only:
 * share of orders online, web activity, email engagement and how soon he adopted the new online
 * channel, with every figure used, the digital score, the evidence level and the rule that
 * decided; then his move in the online-migration matrix and the treatment his type calls for.
 */
export const digitalMaturity: PipelineStep = {
  name: 'digital_maturity',
  reads: ['orders', 'customer_persons', 'customers', 'identifiers', 'web_events', 'contacts', 'responses'],
  writes: ['customer_digital'],
  requires: [],
  async run({ engine, config, asOf, warn }: StepContext) {
    const d = engine.dialect;
    const digital = config.digital;
    const launch = await newChannelLaunch(engine, digital, asOf);
    if (!launch) warn(`no order on ${digital.newChannel.channels.join(', ')} by the as-of date: nobody has adopted the new online services yet`);
    await writeDigitalSignals(engine, digital, asOf);
    const text = sql.raw(d.columnType('string', false));
    const types = typeOfRule(digital);
    // Searched CASEs: ClickHouse 18.16 types a simple `CASE x WHEN ...` without ELSE as Nullable(Nothing).
    const typeCase = sql`CASE ${sql.join(Object.entries(types).map(([rule, type]) => sql`WHEN rule = ${rule} THEN ${type}`), ' ')} END`;
    const treatments = Object.entries(digital.treatments).map(([type, treatment]) => sql`WHEN digital_type = ${type} THEN ${treatment}`);
    const existingBefore = digital.existingBefore ?? launch ?? asOf;
    // Each derived table adds the columns the next one needs: one statement, no CTE.
    const scored = sql`SELECT ${sql.raw(FIGURE_COLUMNS)}, ${digitalScore(digital)} AS digital_score,
      CAST(CASE WHEN ${thinEvidence(digital)} THEN 'thin' ELSE 'enough' END AS ${text}) AS evidence
      FROM (${figures(d, digital, asOf, launch)}) AS f`;
    const ruled = sql`SELECT *, CAST(${ruleCase(digital)} AS ${text}) AS rule FROM (${scored}) AS s`;
    const typed = sql`SELECT *, CAST(${typeCase} AS ${text}) AS digital_type FROM (${ruled}) AS r`;
    await replaceTable(engine, 'customer_digital', sql`SELECT *,
      CAST(CASE ${sql.join(treatments, ' ')} END AS ${text}) AS treatment,
      ${onlineMoveColumns(d, existingBefore)}, ${asOf} AS as_of
      FROM (${typed}) AS t`);
    await dropTables(engine, ['digital_signals']);
  },
};
