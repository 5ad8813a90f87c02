/**
 * The pressure report (`fidelis pressure`, the dashboard's pressure page): how hard the base is
 * solicited per window, tier and channel; who is over a cap now and who ever was (imported
 * campaigns may break the policy); who was never contacted; and contacts sent or planned without
 * consent at their send time, Fidelis's own apart from imported history. Aggregated in SQL.
 */
import type { Config } from '../../config/index.js';
import { sql, type Engine, type Sql } from '../../store/index.js';
import { allowanceSources, col, overFacts, personFacts, verdicts } from './allowance.js';
import { ALLOWANCE_SCOPES, plannedByFidelis, pressingContact, scopedWindows, type AllowanceScope } from './policy.js';

export interface WindowDistribution {
  readonly scope: AllowanceScope;
  readonly days: number;
  /** The policy's cap (before a tier's extra contacts). */
  readonly max: number;
  /** Persons by tier and number of planned and sent contacts in the window ending at asOf. */
  readonly rows: readonly { readonly tier: string; readonly contacts: number; readonly persons: number }[];
  /** Persons with more contacts in that window than their cap (tier extra included), by tier. */
  readonly overCap: readonly { readonly tier: string; readonly persons: number }[];
  /** Persons who, at some contact in their history up to asOf, had more than their cap within the window's length. */
  readonly everOverCap: number;
}

export interface PressureReport {
  readonly asOf: string;
  readonly persons: number;
  readonly windows: readonly WindowDistribution[];
  /** Persons over at least one cap now. */
  readonly overCapPersons: number;
  /** A few of them, for a look (person ids, sorted). */
  readonly overCapExamples: readonly string[];
  /** Persons without any planned or sent contact up to asOf, by tier. */
  readonly neverContacted: readonly { readonly tier: string; readonly persons: number }[];
  /**
   * Planned or sent contacts whose person had no opt-in on the channel at the send time: Fidelis's
   * own (a status written by the planner; must be 0) and imported history (no status), apart.
   */
  readonly withoutConsent: { readonly fidelis: number; readonly imported: number };
  /** The policy's verdict now: persons per channel allowed at least one more contact, and blocked by reason. */
  readonly verdicts: readonly { readonly channel: AllowanceScope; readonly allowed: number; readonly blocked: Readonly<Record<string, number>> }[];
}

const TIER = sql`coalesce(value_tier, 'none')`;
const n = (v: unknown): number => Number(v ?? 0);

/** One row of the report's single query: which figure (`kind`) and its cells. */
interface ReportRow {
  readonly kind: 'dist' | 'overall' | 'example' | 'verdict';
  readonly w: number | null;
  readonly tier: string | null;
  readonly contacts: number | null;
  readonly persons: number | null;
  readonly over: number | null;
  readonly channel: string | null;
  readonly reason: string | null;
  readonly allowed: number | null;
  readonly person_id: string | null;
}

export async function pressureReport(engine: Engine, config: Config, asOf: Date): Promise<PressureReport> {
  const policy = config.activation.pressure;
  const sources = await allowanceSources(engine, policy);
  const windows = scopedWindows(policy);
  const overNow = sql.join(windows.map((w) => sql`${sql.id(col(w, 'past'))} > ${w.max} + extra`), ' OR ');
  // Every figure that reads the person facts in one statement, so they are computed once.
  const row = (cells: Partial<Record<keyof ReportRow, Sql>>): Sql =>
    sql.join((['kind', 'w', 'tier', 'contacts', 'persons', 'over', 'channel', 'reason', 'allowed', 'person_id'] as const).map((name) => sql`${cells[name] ?? sql`NULL`} AS ${sql.id(name)}`));
  const rows = await engine.query<ReportRow & Record<string, unknown>>(
    overFacts(engine, personFacts(engine, policy, asOf, sources, null), (facts) =>
      sql.join(
        [
          ...windows.map((w, i) => sql`SELECT ${row({ kind: sql`'dist'`, w: sql`${i}`, tier: TIER, contacts: sql.id(col(w, 'past')), persons: sql`count(*)`,
              over: sql`sum(CASE WHEN ${sql.id(col(w, 'past'))} > ${w.max} + extra THEN 1 ELSE 0 END)` })}
            FROM ${facts} AS f GROUP BY ${TIER}, ${sql.id(col(w, 'past'))}`),
          sql`SELECT ${row({ kind: sql`'overall'`, persons: sql`count(*)`, over: sql`sum(CASE WHEN ${overNow} THEN 1 ELSE 0 END)` })} FROM ${facts} AS f`,
          sql`SELECT ${row({ kind: sql`'example'`, person_id: sql`person_id` })} FROM (SELECT person_id FROM ${facts} AS f WHERE ${overNow} ORDER BY person_id LIMIT 10) AS examples`,
          sql`SELECT ${row({ kind: sql`'verdict'`, channel: sql`channel`, reason: sql`blocked_reason`, persons: sql`count(*)`, allowed: sql`sum(CASE WHEN remaining > 0 THEN 1 ELSE 0 END)` })}
            FROM (${verdicts(engine, policy, facts)}) AS v GROUP BY channel, blocked_reason`,
        ],
        ' UNION ALL ',
      ),
    ),
  );
  const of = (kind: ReportRow['kind']): ReportRow[] => rows.filter((r) => r.kind === kind);
  const overall = of('overall')[0];

  const contacted = sql`SELECT DISTINCT cp.person_id AS person_id FROM contacts AS k JOIN customer_persons AS cp ON cp.customer_id = k.customer_id
    WHERE ${pressingContact('k')} AND k.sent_at <= ${asOf}`;
  const tierOf = sources.classes ? sql`LEFT JOIN customer_classes AS cc ON cc.person_id = p.person_id` : sql`CROSS JOIN (SELECT ${engine.dialect.cast(sql`NULL`, 'string')} AS value_tier) AS cc`;
  const never = await engine.query<{ tier: string; persons: number }>(
    sql`SELECT coalesce(cc.value_tier, 'none') AS tier, count(*) AS persons FROM (SELECT DISTINCT person_id FROM customer_persons) AS p
      ${tierOf} LEFT JOIN (${contacted}) AS c ON c.person_id = p.person_id
      WHERE c.person_id IS NULL GROUP BY 1 ORDER BY 1`,
  );
  const ever = await everOverCap(engine, config, asOf);
  const verdictRows = of('verdict');

  return {
    asOf: asOf.toISOString(),
    persons: n(overall?.persons),
    windows: windows.map((w, i) => {
      const mine = of('dist').filter((r) => n(r.w) === i);
      const overByTier = new Map<string, number>();
      for (const r of mine) if (n(r.over) > 0) overByTier.set(String(r.tier), (overByTier.get(String(r.tier)) ?? 0) + n(r.over));
      return {
        scope: w.scope,
        days: w.days,
        max: w.max,
        rows: mine.map((r) => ({ tier: String(r.tier), contacts: n(r.contacts), persons: n(r.persons) })).sort((a, b) => a.tier.localeCompare(b.tier) || a.contacts - b.contacts),
        overCap: [...overByTier].sort(([a], [b]) => a.localeCompare(b)).map(([tier, persons]) => ({ tier, persons })),
        everOverCap: ever[i] ?? 0,
      };
    }),
    overCapPersons: n(overall?.over),
    overCapExamples: of('example').map((r) => String(r.person_id)).sort(),
    neverContacted: never.map((r) => ({ tier: r.tier, persons: n(r.persons) })),
    withoutConsent: await contactsWithoutConsent(engine, asOf),
    verdicts: ALLOWANCE_SCOPES.map((channel) => {
      const mine = verdictRows.filter((r) => r.channel === channel);
      return {
        channel,
        allowed: mine.reduce((sum, r) => sum + n(r.allowed), 0),
        blocked: Object.fromEntries(mine.filter((r) => r.reason !== null).map((r) => [r.reason as string, n(r.persons)])),
      };
    }),
  };
}

/**
 * Per window of the policy, the persons who at some contact up to asOf had more planned or sent
 * contacts within the window's length (that contact and those before it) than the policy's cap
 * plus their tier's extra. A rolling count by window function, where the engine has one (the
 * report says none elsewhere rather than guess).
 */
async function everOverCap(engine: Engine, config: Config, asOf: Date): Promise<number[]> {
  const windows = scopedWindows(config.activation.pressure);
  const d = engine.dialect;
  // Per window, the person's contacts (of the channel, for a channel's window) within its length up to each one.
  const rolled: { readonly w: (typeof windows)[number]; readonly count: Sql }[] = [];
  for (const w of windows) {
    const count = d.rollingCount(w.scope === 'all' ? sql`person_id` : sql`person_id, channel`, sql`sent_at`, w.days * 86_400_000_000 - 1);
    if (count === null) return windows.map(() => 0);
    rolled.push({ w, count });
  }
  const tiers = config.activation.pressure.tiers;
  const extra = sql`CASE cc.value_tier WHEN 'CPP' THEN ${tiers.CPP.extraContacts} WHEN 'CCM' THEN ${tiers.CCM.extraContacts} WHEN 'CNR' THEN ${tiers.CNR.extraContacts} ELSE ${tiers.default.extraContacts} END`;
  const classes = (await engine.query<{ name: string }>(d.existingTables(['customer_classes']))).length > 0;
  const contacts = sql`SELECT cp.person_id AS person_id, k.channel AS channel, k.sent_at AS sent_at
    FROM contacts AS k JOIN customer_persons AS cp ON cp.customer_id = k.customer_id WHERE ${pressingContact('k')} AND k.sent_at <= ${asOf}`;
  const rows = await engine.query<{ w: number; persons: number }>(
    sql.join(
      rolled.map(({ w, count }, i) => {
        const filter = w.scope === 'all' ? sql`` : sql` WHERE channel = ${w.scope}`;
        const rolling = sql`SELECT person_id, ${count} AS n FROM (${contacts}) AS k${filter}`;
        return sql`SELECT ${i} AS w, count(DISTINCT r.person_id) AS persons FROM (${rolling}) AS r
          ${classes ? sql`LEFT JOIN customer_classes AS cc ON cc.person_id = r.person_id` : sql`CROSS JOIN (SELECT ${d.castToNullable(sql`NULL`, 'string')} AS value_tier) AS cc`}
          WHERE r.n > ${w.max} + ${extra}`;
      }),
      ' UNION ALL ',
    ),
  );
  return windows.map((_, i) => n(rows.find((r) => n(r.w) === i)?.persons));
}

/**
 * Planned or sent contacts up to asOf (and planned ones after it) whose person's latest consent
 * event on the channel at the send time, over all his records, is not an opt-in (or is missing).
 */
async function contactsWithoutConsent(engine: Engine, asOf: Date): Promise<{ fidelis: number; imported: number }> {
  const d = engine.dialect;
  const events = sql`SELECT k.contact_id AS contact_id, c.${sql.id('at')} AS ${sql.id('at')}, ${d.flag(sql`c.status = 'opt_out'`)} AS withdrawn, c.status AS status
    FROM contacts AS k JOIN customer_persons AS cp ON cp.customer_id = k.customer_id
    JOIN customer_persons AS cr ON cr.person_id = cp.person_id
    JOIN consents AS c ON c.customer_id = cr.customer_id AND c.channel = k.channel AND c.${sql.id('at')} <= k.sent_at
    WHERE ${pressingContact('k')} AND (k.sent_at <= ${asOf} OR k.status = 'planned')`;
  const latest = d.topPerGroup(events, {
    partitionBy: ['contact_id'],
    orderBy: [{ column: 'at', descending: true }, { column: 'withdrawn', descending: true }],
    columns: ['status'],
    n: 1,
    rankAs: 'consent_rank',
  });
  const [row] = await engine.query<{ fidelis: number; imported: number }>(
    sql`SELECT sum(CASE WHEN ${plannedByFidelis('k')} THEN 1 ELSE 0 END) AS fidelis, sum(CASE WHEN ${plannedByFidelis('k')} THEN 0 ELSE 1 END) AS imported
      FROM contacts AS k LEFT JOIN (${latest}) AS l ON l.contact_id = k.contact_id
      WHERE ${pressingContact('k')} AND (k.sent_at <= ${asOf} OR k.status = 'planned') AND coalesce(l.status, 'none') <> 'opt_in'`,
  );
  return { fidelis: n(row?.fidelis), imported: n(row?.imported) };
}
