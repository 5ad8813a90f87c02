import { latestConsents, personRecords, type ContactChannel, type LatestConsentRow } from '../consent/index.js';
import { CONTACT_CHANNELS, sql, type Engine, type Sql } from '../store/index.js';
import { toCustomerRow, ROW_COLUMNS, type CustomerRow } from './customers.js';
import type { DashboardDimension } from './dimensions.js';
import { csvDialect, temporal, type CsvDialect } from './csv-dialect.js';

/** The export's columns from the customer list, in order (the list's, id first). */
export const EXPORT_COLUMNS: readonly (keyof CustomerRow)[] = [
  'id', 'name', 'email', 'phone', 'city', 'orders', 'revenue', 'gross_margin', 'net_contribution', 'clv', 'predicted_value', 'p_alive',
  'last_purchase', 'value_tier', 'value_column', 'grid', 'rfm_segment', 'rfm_cell', 'digital_type', 'online_move',
  'clv_12m', 'clv_basis', 'referral_value', 'latest_nps', 'latest_csat', 'complaints',
];

/**
 * Consent columns after them: the channel the export was made for, when and where the person's
 * consent for it was given (the proof a sender must keep), then his current status on every channel.
 */
export const CONSENT_COLUMNS: readonly string[] = ['consent_channel', 'consent_at', 'consent_source', ...CONTACT_CHANNELS.map((c) => `consent_${c}`)];

/** Rows read per query: keyset pages on the person id, so memory stays flat whatever the segment's size. */
const BATCH = 5000;

const PLAIN = csvDialect('plain');

/** A field in the plain dialect (RFC 4180, spreadsheet formulas defused): see csv-dialect.ts. */
export const csvField = (value: unknown): string => PLAIN.field(value);

/** What a consent-filtered export of a segment holds and leaves out. */
export interface ExportTally {
  /** Persons in the segment. */
  readonly members: number;
  /** Persons opted in on the channel: the rows of the file. */
  readonly exported: number;
  /** Persons left out: optedOut + unknown. */
  readonly leftOut: number;
  /** Left out: their latest consent event for the channel withdrew it. */
  readonly optedOut: number;
  /** Left out: no consent event for the channel at all, which is not consent. */
  readonly unknown: number;
}

/** The response headers that say what the export holds and leaves out (the dashboard shows them). */
export function exportHeaders(channel: ContactChannel, tally: ExportTally): Record<string, string> {
  return {
    'x-fidelis-consent-channel': channel,
    'x-fidelis-exported': String(tally.exported),
    'x-fidelis-left-out': String(tally.leftOut),
    'x-fidelis-left-out-opted-out': String(tally.optedOut),
    'x-fidelis-left-out-unknown': String(tally.unknown),
  };
}

const count = (description: string) => ({ description, schema: { type: 'integer' as const } });

/** The same headers, described for the OpenAPI document. */
export const EXPORT_HEADERS = {
  'X-Fidelis-Consent-Channel': { description: 'The channel whose consent the export required.', schema: { type: 'string' as const } },
  'X-Fidelis-Exported': count('Persons in the file (opted in on the channel), counted when the export started.'),
  'X-Fidelis-Left-Out': count('Persons of the segment left out for want of consent (opted out + unknown).'),
  'X-Fidelis-Left-Out-Opted-Out': count('Left out: their latest consent event for the channel withdrew it.'),
  'X-Fidelis-Left-Out-Unknown': count('Left out: no consent event for the channel at all (unknown is not consent).'),
};

const segmentMembers = (dimension: DashboardDimension, value: string): Sql => sql`SELECT person_id FROM customer_list WHERE ${sql.id(dimension)} = ${value}`;

/** Every record of the persons now (consents are read live: a withdrawal since the run counts). */
const recordsOf = (persons: Sql): Sql => personRecords(sql`person_id IN (${persons})`);

/** How many of a segment's persons are opted in on the channel, and why the others are left out. */
export async function segmentExportTally(engine: Engine, dimension: DashboardDimension, value: string, channel: ContactChannel): Promise<ExportTally> {
  const members = segmentMembers(dimension, value);
  const latest = latestConsents(engine.dialect, recordsOf(members), channel);
  const [row] = await engine.query<{ members: number; opted_in: number | null; opted_out: number | null }>(sql`SELECT count(*) AS members,
      sum(${engine.dialect.flag(sql`l.status = 'opt_in'`)}) AS opted_in, sum(${engine.dialect.flag(sql`l.status = 'opt_out'`)}) AS opted_out
    FROM (${members}) AS m LEFT JOIN (${latest}) AS l ON l.person_id = m.person_id`);
  const total = Number(row?.members ?? 0);
  const exported = Number(row?.opted_in ?? 0);
  const optedOut = Number(row?.opted_out ?? 0);
  return { members: total, exported, leftOut: total - exported, optedOut, unknown: total - exported - optedOut };
}

/** One keyset page of the segment: the CSV lines of those opted in, and every person id read. */
async function csvPage(
  engine: Engine,
  { dimension, value, channel, after, batch, dialect }: { dimension: DashboardDimension; value: string; channel: ContactChannel; after: string | null; batch: number; dialect: CsvDialect },
): Promise<{ lines: string[]; read: string[] }> {
  const next = after === null ? sql`` : sql`AND person_id > ${after}`;
  const page = (columns: Sql): Sql =>
    sql`SELECT ${columns} FROM customer_list WHERE ${sql.id(dimension)} = ${value} ${next} ORDER BY person_id LIMIT ${sql.raw(String(Math.trunc(batch)))}`;
  const [rows, consents] = await Promise.all([
    engine.query(page(ROW_COLUMNS)),
    engine.query<LatestConsentRow & Record<string, unknown>>(latestConsents(engine.dialect, recordsOf(page(sql`person_id`)))),
  ]);
  const current = new Map<string, Map<string, LatestConsentRow>>();
  for (const c of consents) current.set(c.person_id, (current.get(c.person_id) ?? new Map<string, LatestConsentRow>()).set(c.channel, c));
  const customers = rows.map(toCustomerRow);
  const lines: string[] = [];
  for (const customer of customers) {
    const his = current.get(customer.id);
    const consent = his?.get(channel);
    if (consent?.status !== 'opt_in') continue;
    const at = consent.at instanceof Date ? consent.at : temporal(consent.at);
    const fields = EXPORT_COLUMNS.map((k) => (k === 'last_purchase' ? temporal(customer[k]) : customer[k]));
    lines.push(dialect.line([...fields, channel, at, consent.source, ...CONTACT_CHANNELS.map((c) => his?.get(c)?.status ?? 'unknown')]));
  }
  return { lines, read: customers.map((c) => c.id) };
}

/**
 * A segment's customers opted in on `channel` as CSV lines (header first), read and encoded one
 * batch at a time. Each batch reads its persons' consents as they are when it is read, so a
 * withdrawal that arrives during the export is honoured. `dialect` (plain by default) says how
 * fields are separated and numbers and dates written (csv-dialect.ts).
 */
export function segmentCsv(
  engine: Engine,
  dimension: DashboardDimension,
  value: string,
  channel: ContactChannel,
  batch = BATCH,
  dialect: CsvDialect = PLAIN,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: string | null = null;
  let header = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (header) {
        header = false;
        controller.enqueue(encoder.encode(dialect.bom + dialect.line([...EXPORT_COLUMNS, ...CONSENT_COLUMNS])));
        return;
      }
      // A page whose persons are all left out enqueues nothing: read on, since a pull that
      // enqueues nothing is not called again.
      for (;;) {
        const { lines, read } = await csvPage(engine, { dimension, value, channel, after, batch, dialect });
        after = read.at(-1) ?? after;
        if (lines.length > 0) controller.enqueue(encoder.encode(lines.join('')));
        if (read.length < batch) {
          controller.close();
          return;
        }
        if (lines.length > 0) return;
      }
    },
  });
}
