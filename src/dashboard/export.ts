import { latestConsents, personRecords, type ContactChannel, type LatestConsentRow } from '../consent/index.js';
import { CONTACT_CHANNELS, sql, type Engine, type Sql, type SqlValue } from '../store/index.js';
import { toCustomerRow, ROW_COLUMNS, type CustomerRow, type ListOrder } from './customers.js';
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

/**
 * What an export reads: the customer list's rows matching `where`, walked in `order` (the list's
 * sort, export equal to the page) or, without one, by person id.
 */
export interface ListSelection {
  readonly where: Sql;
  readonly order?: ListOrder;
}

const segmentSelection = (dimension: DashboardDimension, value: string): ListSelection => ({ where: sql`${sql.id(dimension)} = ${value}` });

const membersOf = (selection: ListSelection): Sql => sql`SELECT person_id FROM customer_list WHERE ${selection.where}`;

/** Every record of the persons now (consents are read live: a withdrawal since the run counts). */
const recordsOf = (persons: Sql): Sql => personRecords(sql`person_id IN (${persons})`);

/** How many of a selection's persons are opted in on the channel, and why the others are left out. */
export async function listExportTally(engine: Engine, selection: ListSelection, channel: ContactChannel): Promise<ExportTally> {
  const members = membersOf(selection);
  const latest = latestConsents(engine.dialect, recordsOf(members), channel);
  const [row] = await engine.query<{ members: number; opted_in: number | null; opted_out: number | null }>(sql`SELECT count(*) AS members,
      sum(${engine.dialect.flag(sql`l.status = 'opt_in'`)}) AS opted_in, sum(${engine.dialect.flag(sql`l.status = 'opt_out'`)}) AS opted_out
    FROM (${members}) AS m LEFT JOIN (${latest}) AS l ON l.person_id = m.person_id`);
  const total = Number(row?.members ?? 0);
  const exported = Number(row?.opted_in ?? 0);
  const optedOut = Number(row?.opted_out ?? 0);
  return { members: total, exported, leftOut: total - exported, optedOut, unknown: total - exported - optedOut };
}

/** How many of a segment's persons are opted in on the channel, and why the others are left out. */
export function segmentExportTally(engine: Engine, dimension: DashboardDimension, value: string, channel: ContactChannel): Promise<ExportTally> {
  return listExportTally(engine, segmentSelection(dimension, value), channel);
}

/** Where the previous batch stopped: its last row's sort value and person id. */
interface Cursor {
  readonly value: SqlValue;
  readonly id: string;
}

/**
 * The rows after `after` in the selection's order, as a keyset (no OFFSET: each batch costs the
 * same however deep): values past the last one, the same value with a later id, or no value (they
 * come last); among those without a value, later ids. Portable: no row values, no NULLS LAST.
 */
function keyset(order: ListOrder | undefined, after: Cursor | null): { where: Sql; orderBy: Sql } {
  if (order === undefined) return { where: after === null ? sql`1 = 1` : sql`person_id > ${after.id}`, orderBy: sql`person_id` };
  const column = sql.id(order.column);
  const idPast = order.idDescending ? sql`person_id < ${after?.id ?? ''}` : sql`person_id > ${after?.id ?? ''}`;
  const orderBy = sql`(CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END), ${column} ${sql.raw(order.descending ? 'DESC' : 'ASC')}, person_id ${sql.raw(order.idDescending ? 'DESC' : 'ASC')}`;
  if (after === null) return { where: sql`1 = 1`, orderBy };
  const value = after.value;
  if (value === null) return { where: sql`(${column} IS NULL AND ${idPast})`, orderBy };
  const past = order.descending ? sql`${column} < ${value}` : sql`${column} > ${value}`;
  return { where: sql`(${past} OR (${column} = ${value} AND ${idPast}) OR ${column} IS NULL)`, orderBy };
}

/** One keyset page of the selection: the CSV lines of those opted in, and where the page stopped (null: nothing read). */
async function csvPage(
  engine: Engine,
  { selection, channel, after, batch, dialect }: { selection: ListSelection; channel: ContactChannel; after: Cursor | null; batch: number; dialect: CsvDialect },
): Promise<{ lines: string[]; read: number; last: Cursor | null }> {
  const { where, orderBy } = keyset(selection.order, after);
  const sortColumn = selection.order === undefined ? sql`` : sql`, ${sql.id(selection.order.column)} AS sort_value`;
  const page = (columns: Sql): Sql =>
    sql`SELECT ${columns} FROM customer_list WHERE ${selection.where} AND ${where} ORDER BY ${orderBy} LIMIT ${sql.raw(String(Math.trunc(batch)))}`;
  const [rows, consents] = await Promise.all([
    engine.query(page(sql`${ROW_COLUMNS}${sortColumn}`)),
    engine.query<LatestConsentRow & Record<string, unknown>>(latestConsents(engine.dialect, recordsOf(page(sql`person_id`)))),
  ]);
  const current = new Map<string, Map<string, LatestConsentRow>>();
  for (const c of consents) current.set(c.person_id, (current.get(c.person_id) ?? new Map<string, LatestConsentRow>()).set(c.channel, c));
  const lines: string[] = [];
  for (const row of rows) {
    const customer = toCustomerRow(row);
    const his = current.get(customer.id);
    const consent = his?.get(channel);
    if (consent?.status !== 'opt_in') continue;
    const at = consent.at instanceof Date ? consent.at : temporal(consent.at);
    const fields = EXPORT_COLUMNS.map((k) => (k === 'last_purchase' ? temporal(customer[k]) : customer[k]));
    lines.push(dialect.line([...fields, channel, at, consent.source, ...CONTACT_CHANNELS.map((c) => his?.get(c)?.status ?? 'unknown')]));
  }
  const lastRow = rows.at(-1);
  return { lines, read: rows.length, last: lastRow === undefined ? null : { value: (lastRow.sort_value ?? null) as SqlValue, id: String(lastRow.person_id) } };
}

/**
 * A selection's customers opted in on `channel` as CSV lines (header first), read and encoded one
 * batch at a time in its order. Each batch reads its persons' consents as they are when it is read,
 * so a withdrawal that arrives during the export is honoured. `dialect` (plain by default) says how
 * fields are separated and numbers and dates written (csv-dialect.ts).
 */
export function listCsv(engine: Engine, selection: ListSelection, channel: ContactChannel, batch = BATCH, dialect: CsvDialect = PLAIN): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: Cursor | null = null;
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
        const { lines, read, last } = await csvPage(engine, { selection, channel, after, batch, dialect });
        after = last ?? after;
        if (lines.length > 0) controller.enqueue(encoder.encode(lines.join('')));
        if (read < batch) {
          controller.close();
          return;
        }
        if (lines.length > 0) return;
      }
    },
  });
}

/** A segment's customers opted in on `channel` as CSV lines, by person id (listCsv over the segment). */
export function segmentCsv(
  engine: Engine,
  dimension: DashboardDimension,
  value: string,
  channel: ContactChannel,
  batch = BATCH,
  dialect: CsvDialect = PLAIN,
): ReadableStream<Uint8Array> {
  return listCsv(engine, segmentSelection(dimension, value), channel, batch, dialect);
}
