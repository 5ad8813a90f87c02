/**
 * The contact-pressure verdict of every person and channel (`contact_allowance`): how many more
 * marketing contacts the policy allows now, or why none. Everything is computed in SQL over the
 * contacts, tickets, responses, consents and classes; the policy only chooses constants, which
 * are bound values.
 */
import type { Config, PressureConfig } from '../../config/index.js';
import { ConfigError } from '../../errors.js';
import { dropTables, replaceTable } from '../../pipeline/tables.js';
import { sql, type Engine, type Sql, type TableSpec } from '../../store/index.js';
import { ALLOWANCE_SCOPES, DAY_MS, pressingContact, scopedWindows, TIER_NAMES, windowSpan, type ScopedWindow } from './policy.js';

export const CONTACT_ALLOWANCE = 'contact_allowance';

/** The table `contactAllowance` writes (docs/data-model.md style; the contract other parts read). */
export const CONTACT_ALLOWANCE_TABLE: TableSpec = {
  name: CONTACT_ALLOWANCE,
  doc: 'Written by `contactAllowance` (planner, exports, delivery, `fidelis pressure`): what the contact-pressure policy allows each person now, one row per person and channel plus channel `all` (the overall cap). Caps count planned and sent contacts, not cancelled ones.',
  key: ['person_id', 'channel'],
  columns: [
    { name: 'person_id', type: 'string', required: true, doc: 'Person.' },
    { name: 'channel', type: 'string', required: true, values: ALLOWANCE_SCOPES, doc: 'email, sms, mail, phone, push, or all.' },
    { name: 'used', type: 'int', required: true, doc: 'Planned and sent contacts in the binding window (the one leaving the fewest contacts; for a channel, its own windows and those of `all`).' },
    { name: 'cap', type: 'int', doc: 'Cap of the binding window, tier extra included.' },
    { name: 'remaining', type: 'int', required: true, doc: 'Marketing contacts still allowed now (0 when blocked). A channel\'s remaining already counts the overall cap.' },
    { name: 'blocked_reason', type: 'string', doc: 'Message key of why nothing may be sent (pressure.capped, pressure.no_consent, pressure.cooldown_complaint...), empty when remaining > 0.' },
    { name: 'reason_params', type: 'string', required: true, doc: 'JSON parameters of the verdict: binding scope, days, cap, used, past, planned, and since (cool-downs, open complaint).' },
  ],
};

export interface AllowanceOptions {
  readonly asOf: Date;
  /** Table to write; default `contact_allowance`. */
  readonly table?: string;
}

/**
 * (Re)writes `contact_allowance` for every person at `asOf`. Anyone who plans, exports or sends
 * marketing contacts calls it and respects `remaining`.
 */
export async function contactAllowance(engine: Engine, config: Config, options: AllowanceOptions): Promise<void> {
  const table = options.table ?? CONTACT_ALLOWANCE;
  const policy = config.activation.pressure;
  const sources = await allowanceSources(engine, policy);
  // Materialised once: the verdict reads every person's facts once per channel.
  const facts = `${table}_person_facts`;
  await replaceTable(engine, facts, personFacts(engine, policy, options.asOf, sources, null));
  await replaceTable(engine, table, verdicts(engine, policy, sql.id(facts)));
  await dropTables(engine, [facts]);
}

/** One person's verdict rows, computed on the fly (nothing written), in ALLOWANCE_SCOPES order. */
export async function allowanceOf(engine: Engine, config: Config, personId: string, asOf: Date): Promise<AllowanceRow[]> {
  const policy = config.activation.pressure;
  const sources = await allowanceSources(engine, policy);
  const rows = await engine.query<AllowanceRow & Record<string, unknown>>(
    verdicts(engine, policy, sql`(${personFacts(engine, policy, asOf, sources, personId)})`),
  );
  const order = (channel: string): number => (ALLOWANCE_SCOPES as readonly string[]).indexOf(channel);
  return rows.map((r) => ({ ...r, used: Number(r.used), cap: r.cap === null ? null : Number(r.cap), remaining: Number(r.remaining) })).sort((a, b) => order(a.channel) - order(b.channel));
}

/** Every person's verdict rows as a query (nothing written): for reports that aggregate them. */
export function verdictsOf(engine: Engine, policy: PressureConfig, asOf: Date, sources: Sources): Sql {
  return verdicts(engine, policy, sql`(${personFacts(engine, policy, asOf, sources, null)})`);
}

export interface AllowanceRow {
  readonly person_id: string;
  readonly channel: string;
  readonly used: number;
  readonly cap: number | null;
  readonly remaining: number;
  readonly blocked_reason: string | null;
  readonly reason_params: string;
}

export interface Sources {
  readonly classes: boolean;
}

/** Which optional inputs exist, and a check that every exclusion rule names a real column. */
export async function allowanceSources(engine: Engine, policy: PressureConfig): Promise<Sources> {
  const existing = new Set((await engine.query<{ name: string }>(engine.dialect.existingTables(['customer_classes', 'person_consents', 'customer_persons']))).map((r) => r.name));
  for (const needed of ['customer_persons', 'person_consents']) {
    if (!existing.has(needed)) throw new ConfigError(`Contact pressure needs the table ${needed}: run \`fidelis run\` first`);
  }
  const classes = existing.has('customer_classes');
  const rules = policy.exclusions.rules;
  if (rules.length > 0) {
    if (!classes) throw new ConfigError('activation.pressure.exclusions.rules read customer_classes, which does not exist yet: run `fidelis run` first');
    const columns = new Set((await engine.query<{ name: string }>(engine.dialect.tableColumns('customer_classes'))).map((r) => r.name));
    rules.forEach((rule, i) => {
      if (!columns.has(rule.field)) throw new ConfigError(`activation.pressure.exclusions.rules.${i}.field: customer_classes has no column ${rule.field}`);
    });
  }
  return { classes };
}

export const col = (w: ScopedWindow, part: 'past' | 'next'): string => `${part}_${w.scope}_${w.index}`;
const zeroOr = (expression: Sql): Sql => sql`coalesce(${expression}, 0)`;

/**
 * One row per person: tier treatment, exclusions, cool-downs, and for every window of every
 * scope the contacts counted before asOf (`past_*`) and planned after it (`next_*`).
 */
export function personFacts(engine: Engine, policy: PressureConfig, asOf: Date, sources: Sources, personId: string | null): Sql {
  const d = engine.dialect;
  const onePerson = (alias: string): Sql => (personId === null ? sql`1 = 1` : sql`${sql.raw(alias)}.person_id = ${personId}`);
  const windows = scopedWindows(policy);
  const longest = Math.max(...windows.map((w) => w.days));
  const span = windowSpan(asOf, longest);

  const counts = windows.flatMap((w) => {
    const { from, to } = windowSpan(asOf, w.days);
    const channel = w.scope === 'all' ? sql`` : sql`k.channel = ${w.scope} AND `;
    return [
      sql`sum(CASE WHEN ${channel}k.sent_at > ${from} AND k.sent_at <= ${asOf} THEN 1 ELSE 0 END) AS ${sql.id(col(w, 'past'))}`,
      sql`sum(CASE WHEN ${channel}k.status = 'planned' AND k.sent_at > ${asOf} AND k.sent_at < ${to} THEN 1 ELSE 0 END) AS ${sql.id(col(w, 'next'))}`,
    ];
  });
  const usage = sql`SELECT cp.person_id AS person_id, ${sql.join(counts)}
    FROM contacts AS k JOIN customer_persons AS cp ON cp.customer_id = k.customer_id
    WHERE ${pressingContact('k')} AND k.sent_at > ${span.from} AND k.sent_at < ${span.to} AND ${onePerson('cp')}
    GROUP BY cp.person_id`;

  const complaintTypes = sql.join(policy.cooldown.complaintTypes.map((t) => sql`${t}`));
  const complaintFrom = new Date(asOf.getTime() - policy.cooldown.complaintDays * DAY_MS);
  const complaints = sql`SELECT cp.person_id AS person_id, max(t.opened_at) AS complaint_at
    FROM tickets AS t JOIN customer_persons AS cp ON cp.customer_id = t.customer_id
    WHERE t.type IN (${complaintTypes}) AND t.opened_at > ${complaintFrom} AND t.opened_at <= ${asOf} AND ${onePerson('cp')}
    GROUP BY cp.person_id`;
  const openComplaints = sql`SELECT cp.person_id AS person_id, max(t.opened_at) AS open_complaint_at
    FROM tickets AS t JOIN customer_persons AS cp ON cp.customer_id = t.customer_id
    WHERE t.type IN (${complaintTypes}) AND t.opened_at <= ${asOf} AND (t.closed_at IS NULL OR t.closed_at > ${asOf}) AND ${onePerson('cp')}
    GROUP BY cp.person_id`;
  const unsubscribeFrom = new Date(asOf.getTime() - policy.cooldown.unsubscribeDays * DAY_MS);
  const unsubscribes = sql`SELECT person_id, max(${sql.id('at')}) AS unsubscribe_at FROM (
      SELECT cp.person_id AS person_id, r.${sql.id('at')} AS ${sql.id('at')}
        FROM responses AS r JOIN contacts AS k ON k.contact_id = r.contact_id JOIN customer_persons AS cp ON cp.customer_id = k.customer_id
        WHERE r.type = 'unsubscribed' AND r.${sql.id('at')} > ${unsubscribeFrom} AND r.${sql.id('at')} <= ${asOf} AND ${onePerson('cp')}
      UNION ALL
      SELECT cp.person_id AS person_id, c.${sql.id('at')} AS ${sql.id('at')}
        FROM consents AS c JOIN customer_persons AS cp ON cp.customer_id = c.customer_id
        WHERE c.status = 'opt_out' AND c.${sql.id('at')} > ${unsubscribeFrom} AND c.${sql.id('at')} <= ${asOf} AND ${onePerson('cp')}
    ) AS unsubscribe_events GROUP BY person_id`;

  const tier = sources.classes ? sql`cc.value_tier` : d.cast(sql`NULL`, 'string');
  const treatment = (pick: (name: (typeof TIER_NAMES)[number] | 'default') => number): Sql =>
    sql`CASE ${sql.join(TIER_NAMES.map((name) => sql`WHEN ${tier} = ${name} THEN ${pick(name)}`), ' ')} ELSE ${pick('default')} END`;
  const excludedPersons = policy.exclusions.persons;
  const excludedPerson = excludedPersons.length === 0 ? sql`0` : d.flag(sql`p.person_id IN (${sql.join(excludedPersons.map((id) => sql`${id}`))})`);
  const rules = policy.exclusions.rules.map((rule) => {
    const field = sql`cc.${sql.id(rule.field)}`;
    const parts: Sql[] = [];
    if (rule.in) parts.push(sql`${d.cast(field, 'string')} IN (${sql.join(rule.in.map((v) => sql`${v}`))})`);
    if (rule.min !== undefined) parts.push(sql`${field} >= ${rule.min}`);
    if (rule.max !== undefined) parts.push(sql`${field} <= ${rule.max}`);
    return sql`(${sql.join(parts, ' AND ')})`;
  });
  const excludedRule = rules.length === 0 ? sql`0` : sql`coalesce(${d.flag(sql.join(rules, ' OR '))}, 0)`;
  const cooldownsOn = (days: number, expression: Sql): Sql => (days > 0 ? expression : d.cast(sql`NULL`, 'timestamp'));

  return sql`SELECT p.person_id AS person_id, ${tier} AS value_tier,
      ${treatment((n) => (policy.tiers[n].marketing ? 1 : 0))} AS marketing,
      ${treatment((n) => policy.tiers[n].extraContacts)} AS extra,
      ${excludedPerson} AS excluded_person,
      ${excludedRule} AS excluded_rule,
      ${policy.exclusions.openComplaint ? sql`oc.open_complaint_at` : d.cast(sql`NULL`, 'timestamp')} AS open_complaint_at,
      ${cooldownsOn(policy.cooldown.complaintDays, sql`cm.complaint_at`)} AS complaint_at,
      ${cooldownsOn(policy.cooldown.unsubscribeDays, sql`un.unsubscribe_at`)} AS unsubscribe_at,
      ${sql.join(windows.flatMap((w) => [sql`${zeroOr(sql`u.${sql.id(col(w, 'past'))}`)} AS ${sql.id(col(w, 'past'))}`, sql`${zeroOr(sql`u.${sql.id(col(w, 'next'))}`)} AS ${sql.id(col(w, 'next'))}`]))}
    FROM (SELECT DISTINCT person_id FROM customer_persons AS cp WHERE ${onePerson('cp')}) AS p
    ${sources.classes ? sql`LEFT JOIN customer_classes AS cc ON cc.person_id = p.person_id` : sql``}
    LEFT JOIN (${usage}) AS u ON u.person_id = p.person_id
    LEFT JOIN (${complaints}) AS cm ON cm.person_id = p.person_id
    LEFT JOIN (${openComplaints}) AS oc ON oc.person_id = p.person_id
    LEFT JOIN (${unsubscribes}) AS un ON un.person_id = p.person_id`;
}

/**
 * The verdict rows from the person facts: per person and target channel, the binding window is
 * the one leaving the fewest contacts among the channel's own windows and those of `all` (own
 * windows first on a tie, then the order of the policy), then the first blocking rule decides.
 */
function verdicts(engine: Engine, policy: PressureConfig, facts: Sql): Sql {
  const d = engine.dialect;
  const windows = scopedWindows(policy);
  const windowRows = windows.map((w) => {
    const used = sql`(f.${sql.id(col(w, 'past'))} + f.${sql.id(col(w, 'next'))})`;
    const cap = sql`(${w.max} + f.extra)`;
    return sql`SELECT f.person_id AS person_id, ${w.scope} AS scope, ${w.index} AS window_index, ${w.days} AS days, ${cap} AS cap,
      ${used} AS used, f.${sql.id(col(w, 'past'))} AS past, f.${sql.id(col(w, 'next'))} AS planned,
      CASE WHEN ${cap} > ${used} THEN ${cap} - ${used} ELSE 0 END AS rem FROM ${facts} AS f`;
  });
  const perWindow = sql.join(windowRows, ' UNION ALL ');
  const candidates = sql.join(
    ALLOWANCE_SCOPES.map((target) => sql`SELECT person_id, ${target} AS channel, scope, days, cap, used, past, planned, rem,
        ${d.flag(sql`scope <> ${target}`)} AS foreign_scope, window_index
      FROM (${perWindow}) AS w WHERE scope = ${target}${target === 'all' ? sql`` : sql` OR scope = 'all'`}`),
    ' UNION ALL ',
  );
  const binding = d.topPerGroup(candidates, {
    partitionBy: ['person_id', 'channel'],
    orderBy: [{ column: 'rem' }, { column: 'foreign_scope' }, { column: 'window_index' }],
    columns: ['scope', 'days', 'cap', 'used', 'past', 'planned', 'rem'],
    n: 1,
    rankAs: 'binding_rank',
  });
  const consented = sql`SELECT person_id, channel, ${d.flag(sql`status = 'opt_in'`)} AS consented FROM person_consents
    UNION ALL SELECT person_id, 'all' AS channel, max(${d.flag(sql`status = 'opt_in'`)}) AS consented FROM person_consents GROUP BY person_id`;
  const reason = sql`CASE
      WHEN f.excluded_person = 1 THEN 'pressure.excluded_person'
      WHEN f.excluded_rule = 1 THEN 'pressure.excluded_rule'
      WHEN f.open_complaint_at IS NOT NULL THEN 'pressure.excluded_open_complaint'
      WHEN f.marketing = 0 THEN 'pressure.tier_transactional_only'
      WHEN f.complaint_at IS NOT NULL THEN 'pressure.cooldown_complaint'
      WHEN f.unsubscribe_at IS NOT NULL THEN 'pressure.cooldown_unsubscribe'
      WHEN coalesce(c.consented, 0) = 0 THEN 'pressure.no_consent'
      WHEN b.rem = 0 AND b.scope = 'all' THEN 'pressure.capped_all'
      WHEN b.rem = 0 THEN 'pressure.capped'
      ELSE NULL END`;
  const text = (expression: Sql): Sql => d.cast(expression, 'string');
  const since = sql`CASE
      WHEN f.excluded_person = 1 OR f.excluded_rule = 1 THEN NULL
      WHEN f.open_complaint_at IS NOT NULL THEN f.open_complaint_at
      WHEN f.marketing = 0 THEN NULL
      WHEN f.complaint_at IS NOT NULL THEN f.complaint_at
      WHEN f.unsubscribe_at IS NOT NULL THEN f.unsubscribe_at
      ELSE NULL END`;
  const params = sql`concat('{"scope":"', b.scope, '","days":', ${text(sql`b.days`)}, ',"cap":', ${text(sql`b.cap`)},
      ',"used":', ${text(sql`b.used`)}, ',"past":', ${text(sql`b.past`)}, ',"planned":', ${text(sql`b.planned`)},
      ',"tier":', CASE WHEN f.value_tier IS NULL THEN 'null' ELSE concat('"', f.value_tier, '"') END,
      CASE WHEN (${since}) IS NULL THEN '' ELSE concat(',"since":"', ${text(since)}, '"') END, '}')`;
  return sql`SELECT verdict.person_id AS person_id, verdict.channel AS channel, verdict.used AS used, verdict.cap AS cap,
      CASE WHEN verdict.blocked_reason IS NULL THEN verdict.rem ELSE 0 END AS remaining,
      verdict.blocked_reason AS blocked_reason, verdict.reason_params AS reason_params
    FROM (SELECT b.person_id AS person_id, b.channel AS channel, ${d.cast(sql`b.used`, 'int')} AS used, ${d.cast(sql`b.cap`, 'int')} AS cap,
        ${d.cast(sql`b.rem`, 'int')} AS rem, ${reason} AS blocked_reason, ${params} AS reason_params
      FROM (${binding}) AS b JOIN ${facts} AS f ON f.person_id = b.person_id
      LEFT JOIN (${consented}) AS c ON c.person_id = b.person_id AND c.channel = b.channel) AS verdict`;
}
