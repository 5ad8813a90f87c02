/**
 * The contact-pressure verdict of every person and channel (`contact_allowance`): how many more
 * marketing contacts the policy allows now, or why none. Everything is computed in SQL over the
 * contacts, tickets, responses, consents and classes; the policy only chooses constants, which
 * are bound values.
 */
import type { Config, PressureConfig } from '../../config/index.js';
import { ConfigError } from '../../errors.js';
import { dropTables, replaceTable } from '../../kernel/index.js';
import { CONTACT_CHANNELS, sql, type Engine, type Sql, type TableSpec } from '../../store/index.js';
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
  /**
   * Campaigns being planned again: their still-planned contacts are about to be replaced (the
   * planner cancels them when it stores the new plan), so they do not count against the caps.
   */
  readonly replacing?: readonly string[];
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
  await replaceTable(engine, facts, personFacts(engine, policy, options.asOf, sources, null, options.replacing ?? []));
  await replaceTable(engine, table, verdicts(engine, policy, sql.id(facts)));
  await dropTables(engine, [facts]);
}

/** One person's verdict rows, computed on the fly (nothing written), in ALLOWANCE_SCOPES order. */
export async function allowanceOf(engine: Engine, config: Config, personId: string, asOf: Date): Promise<AllowanceRow[]> {
  const policy = config.activation.pressure;
  const sources = await allowanceSources(engine, policy);
  const rows = await engine.query<AllowanceRow & Record<string, unknown>>(
    overFacts(engine, personFacts(engine, policy, asOf, sources, personId), (facts) => verdicts(engine, policy, facts)),
  );
  const order = (channel: string): number => (ALLOWANCE_SCOPES as readonly string[]).indexOf(channel);
  return rows.map((r) => ({ ...r, used: Number(r.used), cap: r.cap === null ? null : Number(r.cap), remaining: Number(r.remaining) })).sort((a, b) => order(a.channel) - order(b.channel));
}

/**
 * A query over the person facts, computed once where the engine can (the verdict reads the facts
 * once per channel, a report once per figure). `build` gets what to put after FROM (always
 * followed by `AS f`).
 */
export function overFacts(engine: Engine, facts: Sql, build: (from: Sql) => Sql): Sql {
  return engine.dialect.overMaterialized('facts', facts, build);
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
export function personFacts(
  engine: Engine,
  policy: PressureConfig,
  asOf: Date,
  sources: Sources,
  personId: string | null,
  replacing: readonly string[] = [],
): Sql {
  const d = engine.dialect;
  const replaced = replacing.length === 0 ? sql`` : sql` AND NOT (k.status = 'planned' AND k.campaign_id IN (${sql.join(replacing.map((id) => sql`${id}`))}))`;
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
    WHERE ${pressingContact('k')}${replaced} AND k.sent_at > ${span.from} AND k.sent_at < ${span.to} AND ${onePerson('cp')}
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
  const optIn = (channel: string | null): Sql =>
    sql`max(CASE WHEN status = 'opt_in'${channel === null ? sql`` : sql` AND channel = ${channel}`} THEN 1 ELSE 0 END) AS ${sql.id(`consent_${channel ?? 'all'}`)}`;
  const consents = sql`SELECT person_id, ${sql.join([...CONTACT_CHANNELS.map((c) => optIn(c)), optIn(null)])}
    FROM person_consents AS pc WHERE ${onePerson('pc')} GROUP BY person_id`;

  return sql`SELECT p.person_id AS person_id, ${tier} AS value_tier,
      ${treatment((n) => (policy.tiers[n].marketing ? 1 : 0))} AS marketing,
      ${treatment((n) => policy.tiers[n].extraContacts)} AS extra,
      ${excludedPerson} AS excluded_person,
      ${excludedRule} AS excluded_rule,
      ${policy.exclusions.openComplaint ? sql`oc.open_complaint_at` : d.cast(sql`NULL`, 'timestamp')} AS open_complaint_at,
      ${cooldownsOn(policy.cooldown.complaintDays, sql`cm.complaint_at`)} AS complaint_at,
      ${cooldownsOn(policy.cooldown.unsubscribeDays, sql`un.unsubscribe_at`)} AS unsubscribe_at,
      ${sql.join(ALLOWANCE_SCOPES.map((c) => sql`${zeroOr(sql`pc.${sql.id(`consent_${c}`)}`)} AS ${sql.id(`consent_${c}`)}`))},
      ${sql.join(windows.flatMap((w) => [sql`${zeroOr(sql`u.${sql.id(col(w, 'past'))}`)} AS ${sql.id(col(w, 'past'))}`, sql`${zeroOr(sql`u.${sql.id(col(w, 'next'))}`)} AS ${sql.id(col(w, 'next'))}`]))}
    FROM (SELECT DISTINCT person_id FROM customer_persons AS cp WHERE ${onePerson('cp')}) AS p
    ${sources.classes ? sql`LEFT JOIN customer_classes AS cc ON cc.person_id = p.person_id` : sql``}
    LEFT JOIN (${usage}) AS u ON u.person_id = p.person_id
    LEFT JOIN (${complaints}) AS cm ON cm.person_id = p.person_id
    LEFT JOIN (${openComplaints}) AS oc ON oc.person_id = p.person_id
    LEFT JOIN (${unsubscribes}) AS un ON un.person_id = p.person_id
    LEFT JOIN (${consents}) AS pc ON pc.person_id = p.person_id`;
}

/** The smaller of several values, as nested two-argument least() (ClickHouse's takes two). */
function leastOf(values: readonly Sql[]): Sql {
  const [first, ...rest] = values;
  if (!first) throw new Error('leastOf needs a value');
  return rest.length === 0 ? first : sql`least(${first}, ${leastOf(rest)})`;
}

/**
 * The verdict rows from the person facts (`facts`: what goes after FROM), one SELECT per target
 * channel, columnar: the binding window is the one leaving the fewest contacts among the channel's
 * own windows and those of `all` (own windows first on a tie, then the policy's order); then the
 * first blocking rule decides.
 */
export function verdicts(engine: Engine, policy: PressureConfig, facts: Sql): Sql {
  const d = engine.dialect;
  const windows = scopedWindows(policy);
  const text = (expression: Sql): Sql => d.cast(expression, 'string');
  const reason = sql`CASE
      WHEN f.excluded_person = 1 THEN 'pressure.excluded_person'
      WHEN f.excluded_rule = 1 THEN 'pressure.excluded_rule'
      WHEN f.open_complaint_at IS NOT NULL THEN 'pressure.excluded_open_complaint'
      WHEN f.marketing = 0 THEN 'pressure.tier_transactional_only'
      WHEN f.complaint_at IS NOT NULL THEN 'pressure.cooldown_complaint'
      WHEN f.unsubscribe_at IS NOT NULL THEN 'pressure.cooldown_unsubscribe'
      WHEN f.consented = 0 THEN 'pressure.no_consent'
      WHEN f.rem = 0 AND f.scope = 'all' THEN 'pressure.capped_all'
      WHEN f.rem = 0 THEN 'pressure.capped'
      ELSE NULL END`;
  const since = sql`CASE
      WHEN f.excluded_person = 1 OR f.excluded_rule = 1 THEN NULL
      WHEN f.open_complaint_at IS NOT NULL THEN f.open_complaint_at
      WHEN f.marketing = 0 THEN NULL
      WHEN f.complaint_at IS NOT NULL THEN f.complaint_at
      WHEN f.unsubscribe_at IS NOT NULL THEN f.unsubscribe_at
      ELSE NULL END`;
  const params = sql`concat('{"scope":"', f.scope, '","days":', ${text(sql`f.days`)}, ',"cap":', ${text(sql`f.cap`)},
      ',"used":', ${text(sql`f.used`)}, ',"past":', ${text(sql`f.past`)}, ',"planned":', ${text(sql`f.planned`)},
      ',"tier":', CASE WHEN f.value_tier IS NULL THEN 'null' ELSE concat('"', f.value_tier, '"') END,
      CASE WHEN (${since}) IS NULL THEN '' ELSE concat(',"since":"', ${text(since)}, '"') END, '}')`;
  const perTarget = ALLOWANCE_SCOPES.map((target) => {
    const candidates = windows.filter((w) => w.scope === target).concat(target === 'all' ? [] : windows.filter((w) => w.scope === 'all'));
    const used = (w: ScopedWindow): Sql => sql`(f.${sql.id(col(w, 'past'))} + f.${sql.id(col(w, 'next'))})`;
    const cap = (w: ScopedWindow): Sql => sql`(${w.max} + f.extra)`;
    const rem = (w: ScopedWindow): Sql => sql`CASE WHEN ${cap(w)} > ${used(w)} THEN ${cap(w)} - ${used(w)} ELSE 0 END`;
    // Layer 1: every candidate's room; layer 2: the first candidate with the least room binds.
    const rooms = sql`SELECT f.*, ${sql.join(candidates.map((w, i) => sql`${rem(w)} AS ${sql.id(`rem_${i}`)}`))} FROM ${facts} AS f`;
    const least = leastOf(candidates.map((_, i) => sql.id(`rem_${i}`)));
    const pick = (value: (w: ScopedWindow) => Sql): Sql =>
      candidates.length === 1 ? value(candidates[0] as ScopedWindow) : sql`CASE ${sql.join(candidates.map((w, i) => sql`WHEN ${sql.id(`rem_${i}`)} = ${least} THEN ${value(w)}`), ' ')} END`;
    const bound = sql`SELECT f.*, ${target} AS channel, ${pick((w) => sql`${w.scope}`)} AS scope, ${pick((w) => sql`${w.days}`)} AS days,
        ${pick(cap)} AS cap, ${pick(used)} AS used, ${pick((w) => sql`f.${sql.id(col(w, 'past'))}`)} AS past,
        ${pick((w) => sql`f.${sql.id(col(w, 'next'))}`)} AS planned, ${least} AS rem, f.${sql.id(`consent_${target}`)} AS consented
      FROM (${rooms}) AS f`;
    return sql`SELECT f.person_id AS person_id, f.channel AS channel, ${d.cast(sql`f.used`, 'int')} AS used, ${d.cast(sql`f.cap`, 'int')} AS cap,
        ${d.cast(sql`CASE WHEN (${reason}) IS NULL THEN f.rem ELSE 0 END`, 'int')} AS remaining,
        ${reason} AS blocked_reason, ${params} AS reason_params
      FROM (${bound}) AS f`;
  });
  return sql.join(perTarget, ' UNION ALL ');
}
