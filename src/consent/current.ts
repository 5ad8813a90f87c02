import { CONTACT_CHANNELS, sql, type Dialect, type Engine, type Sql } from '../store/index.js';

export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/**
 * A person's consent for a channel now: `opt_in` or `opt_out` from his latest consent event, or
 * `unknown` when none of his records has any consent event for the channel. `unknown` is not
 * consent: nothing may be sent to him on that channel for marketing (exports leave him out).
 */
export const CURRENT_CONSENT_STATUSES = ['opt_in', 'opt_out', 'unknown'] as const;
export type CurrentConsentStatus = (typeof CURRENT_CONSENT_STATUSES)[number];

/** One channel of a person's current consent, as the profile API and the dashboard give it (timestamps ISO 8601, UTC). */
export interface CurrentConsent {
  readonly channel: ContactChannel;
  readonly status: CurrentConsentStatus;
  /** When the deciding event happened; null when `unknown`. */
  readonly at: string | null;
  /** Where it was collected (the consents table's `source`); null when `unknown`. */
  readonly source: string | null;
  /** The customer record that holds the deciding event; null when `unknown`. */
  readonly record: string | null;
}

/** A latest consent event as the SQL below returns it. */
export interface LatestConsentRow {
  readonly person_id: string;
  readonly channel: string;
  readonly status: string;
  readonly at: Date | string;
  readonly source: string;
  readonly record: string;
}

/**
 * The latest consent event of each person and channel, over every record of the person, whatever
 * brought it (an imported consents file or a collected identify/Unsubscribed event: both land in
 * `consents`). `scope` names the records to consider as rows (person_id, record_id); `channel`
 * keeps one channel only.
 *
 * Latest wins by the event's own time (`at`), not by when it arrived. On a tie (two records of
 * one person changed the same channel at the same instant) opt_out wins, since consent must be
 * provable and a withdrawal must never be lost; then the smaller source name, then the smaller
 * record id, so that the answer never depends on the order rows were read in.
 */
export function latestConsents(dialect: Dialect, scope: Sql, channel?: ContactChannel): Sql {
  return latestOf(
    dialect,
    sql`SELECT s.person_id AS person_id, c.channel AS channel, c.status AS status, c.${sql.id('at')} AS ${sql.id('at')},
      c.source AS source, c.customer_id AS record, ${dialect.flag(sql`c.status = 'opt_out'`)} AS withdrawn
    FROM consents AS c JOIN (${scope}) AS s ON s.record_id = c.customer_id${channel === undefined ? sql`` : sql` WHERE c.channel = ${channel}`}`,
  );
}

/** The rule itself, over consent events given as rows (person_id, channel, status, at, source, record, withdrawn). */
function latestOf(dialect: Dialect, events: Sql): Sql {
  const latest = dialect.topPerGroup(events, {
    partitionBy: ['person_id', 'channel'],
    orderBy: [{ column: 'at', descending: true }, { column: 'withdrawn', descending: true }, { column: 'source' }, { column: 'record' }],
    columns: ['status', 'at', 'source', 'record'],
    n: 1,
    rankAs: 'consent_rank',
  });
  return sql`SELECT person_id, channel, status, ${sql.id('at')}, source, record FROM (${latest}) AS latest_consents`;
}

/**
 * The records of the persons a condition on `person_id` selects, as rows (person_id, record_id):
 * those identity resolution gave them, and the records collected events name after one of their
 * userIds or anonymousIds (`evt:u:<userId>`, `evt:a:<anonymousId>`), which the loader creates
 * before any run links them, so an Unsubscribed event counts at once (the profile finds his
 * events the same way). A record may come twice: harmless to the latest-wins rule.
 */
export function personRecords(persons: Sql): Sql {
  return sql`SELECT person_id, node_id AS record_id FROM identity_nodes WHERE ${persons}
    UNION ALL SELECT person_id, concat('evt:u:', value) AS record_id FROM person_identifiers WHERE type = 'userId' AND ${persons}
    UNION ALL SELECT person_id, concat('evt:a:', value) AS record_id FROM person_identifiers WHERE type = 'anonymousId' AND ${persons}`;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : value instanceof Date ? value.toISOString() : value);

/**
 * One entry per contact channel, in CONTACT_CHANNELS order: the latest event where there is one,
 * `unknown` elsewhere. Both roads of the profile (live and documents) end here.
 */
export function currentConsentList(
  rows: readonly { readonly channel: string; readonly status: string; readonly at: Date | string | null; readonly source: string | null; readonly record: string | null }[],
): CurrentConsent[] {
  const known = new Map(rows.filter((r) => r.status !== 'unknown').map((r) => [r.channel, r]));
  return CONTACT_CHANNELS.map((channel) => {
    const row = known.get(channel);
    if (!row) return { channel, status: 'unknown', at: null, source: null, record: null };
    return { channel, status: row.status as CurrentConsentStatus, at: iso(row.at), source: row.source, record: row.record };
  });
}

/**
 * The records of one person that personRecords gives, from what a live profile has read already:
 * his records, and the event records named after his userIds and anonymousIds.
 */
export function recordsOfPerson(records: readonly string[], identifiers: readonly { readonly type: string; readonly value: string }[]): string[] {
  const events = identifiers.flatMap((i) => (i.type === 'userId' ? [`evt:u:${i.value}`] : i.type === 'anonymousId' ? [`evt:a:${i.value}`] : []));
  return [...new Set([...records, ...events])];
}

/**
 * A person's current consents read live from the consents table, over the given records of his
 * (recordsOfPerson): filtered on the record ids alone, so the consents index serves it.
 */
export async function liveCurrentConsents(engine: Engine, personId: string, records: readonly string[]): Promise<LatestConsentRow[]> {
  if (records.length === 0) return [];
  const events = sql`SELECT ${personId} AS person_id, channel, status, ${sql.id('at')}, source, customer_id AS record,
      ${engine.dialect.flag(sql`status = 'opt_out'`)} AS withdrawn
    FROM consents WHERE customer_id IN (${sql.join(records.map((r) => sql`${r}`))})`;
  return engine.query<LatestConsentRow & Record<string, unknown>>(latestOf(engine.dialect, events));
}
