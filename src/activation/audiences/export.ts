/**
 * Exporting an audience for one channel: only the persons opted in on it now (the consent rule of
 * src/consent, read live as the segment export does, so a withdrawal since the last run counts)
 * and whom the contact-pressure policy still allows a contact on it (a `contact_allowance` table
 * written for the export by the caller), a page at a time so that memory stays flat whatever the
 * audience's size.
 */
import { latestConsents, personRecords, type ContactChannel } from '../../consent/index.js';
import { CONTACT_CHANNELS, sql, type Engine, type Sql } from '../../store/index.js';
import { audiencePersons } from './members.js';
import type { CompiledFilter } from './compile.js';

/** What an export holds and leaves out (the same figures as the segment export's headers). */
export interface AudienceExportTally {
  readonly members: number;
  readonly exported: number;
  readonly leftOut: number;
  readonly optedOut: number;
  readonly unknown: number;
  /** Opted in, but the contact-pressure policy allows him no contact on the channel now (cap, cool-down, exclusion, tier). */
  readonly pressure: number;
}

/** One person of the file: what a sender needs, and the proof of consent for the channel. */
export interface AudienceExportRow {
  readonly person_id: string;
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly street_address: string | null;
  readonly postcode: string | null;
  readonly city: string | null;
  readonly country: string | null;
  readonly value_tier: string | null;
  readonly consent_channel: ContactChannel;
  readonly consent_at: string;
  readonly consent_source: string;
}

export const AUDIENCE_EXPORT_COLUMNS: readonly (keyof AudienceExportRow)[] = [
  'person_id', 'first_name', 'last_name', 'email', 'phone', 'street_address', 'postcode', 'city', 'country', 'value_tier',
  'consent_channel', 'consent_at', 'consent_source',
];

/** The persons an export may reach before consent and pressure: the audience's members. */
export function exportCandidates(compiled: CompiledFilter): Sql {
  return audiencePersons(compiled);
}

/** 1 when the person may get a contact on the channel now; a person without a verdict row may not. */
const allowedOn = (allowanceTable: string, channel: ContactChannel): Sql =>
  sql`(SELECT person_id FROM ${sql.id(allowanceTable)} WHERE channel = ${channel} AND remaining > 0)`;

const consentsOf = (engine: Engine, persons: Sql, channel: ContactChannel): Sql =>
  latestConsents(engine.dialect, personRecords(sql`person_id IN (${persons})`), channel);

export async function audienceExportTally(
  engine: Engine,
  compiled: CompiledFilter,
  channel: ContactChannel,
  allowanceTable: string,
): Promise<AudienceExportTally> {
  const members = exportCandidates(compiled);
  const optedIn = sql`l.status = 'opt_in'`;
  const [row] = await engine.query<{ members: number; opted_in: number | null; opted_out: number | null; allowed: number | null }>(sql`SELECT count(*) AS members,
      sum(${engine.dialect.flag(optedIn)}) AS opted_in, sum(${engine.dialect.flag(sql`l.status = 'opt_out'`)}) AS opted_out,
      sum(${engine.dialect.flag(sql`${optedIn} AND a.person_id IS NOT NULL`)}) AS allowed
    FROM (${members}) AS m LEFT JOIN (${consentsOf(engine, members, channel)}) AS l ON l.person_id = m.person_id
      LEFT JOIN ${allowedOn(allowanceTable, channel)} AS a ON a.person_id = m.person_id`);
  const total = Number(row?.members ?? 0);
  const optedInCount = Number(row?.opted_in ?? 0);
  const exported = Number(row?.allowed ?? 0);
  const optedOut = Number(row?.opted_out ?? 0);
  return { members: total, exported, leftOut: total - exported, optedOut, unknown: total - optedInCount - optedOut, pressure: optedInCount - exported };
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));

/** The file's rows, one page at a time (keyset on person_id); each page reads its persons' consents as they are then. */
export async function* audienceExportPages(
  engine: Engine,
  compiled: CompiledFilter,
  channel: ContactChannel,
  allowanceTable: string,
  batch = 5000,
): AsyncGenerator<AudienceExportRow[]> {
  if (!(CONTACT_CHANNELS as readonly string[]).includes(channel)) throw new Error(`unchecked channel ${channel}`);
  let after: string | null = null;
  const size = sql.raw(String(Math.max(1, Math.trunc(batch))));
  for (;;) {
    const next: Sql = after === null ? sql`` : sql`WHERE m.person_id > ${after}`;
    const page: Sql = sql`SELECT m.person_id FROM (${exportCandidates(compiled)}) AS m ${next} ORDER BY m.person_id LIMIT ${size}`;
    const rows: Record<string, unknown>[] = await engine.query(sql`SELECT pg.person_id, pp.first_name, pp.last_name, pp.street_address, pp.postcode, pp.city, pp.country,
        cc.value_tier, ids.email, ids.phone, l.status AS consent_status, l.${sql.id('at')} AS consent_at, l.source AS consent_source,
        a.person_id AS allowed
      FROM (${page}) AS pg
      LEFT JOIN customer_classes AS cc ON cc.person_id = pg.person_id
      LEFT JOIN person_profiles AS pp ON pp.person_id = pg.person_id
      LEFT JOIN (SELECT person_id, min(CASE WHEN type = 'email' THEN value END) AS email, min(CASE WHEN type = 'phone' THEN value END) AS phone
        FROM person_identifiers WHERE type IN ('email', 'phone') AND person_id IN (${page}) GROUP BY person_id) AS ids ON ids.person_id = pg.person_id
      LEFT JOIN (${consentsOf(engine, page, channel)}) AS l ON l.person_id = pg.person_id
      LEFT JOIN ${allowedOn(allowanceTable, channel)} AS a ON a.person_id = pg.person_id
      ORDER BY pg.person_id`);
    if (rows.length === 0) return;
    after = String(rows.at(-1)?.person_id);
    const out: AudienceExportRow[] = [];
    for (const r of rows) {
      if (r.consent_status !== 'opt_in' || r.allowed === null) continue;
      const at = r.consent_at instanceof Date ? r.consent_at.toISOString() : String(r.consent_at);
      out.push({
        person_id: String(r.person_id), first_name: text(r.first_name), last_name: text(r.last_name), email: text(r.email), phone: text(r.phone),
        street_address: text(r.street_address), postcode: text(r.postcode), city: text(r.city), country: text(r.country), value_tier: text(r.value_tier),
        consent_channel: channel, consent_at: at, consent_source: String(r.consent_source),
      });
    }
    if (out.length > 0) yield out;
    if (rows.length < Number(batch)) return;
  }
}

