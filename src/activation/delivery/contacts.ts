import { UsageError } from '../../errors.js';
import type { ContactChannel } from '../../consent/index.js';
import { sql, type Engine, type Sql } from '../../store/index.js';
import type { AttemptStatus, DeliveryDestination } from './tables.js';

/** A planned contact that is due, with what a sender needs of the person now. */
export interface PlannedContact {
  readonly contact_id: string;
  /** The customer record the planner chose (contacts.customer_id). */
  readonly record_id: string;
  readonly campaign_id: string;
  readonly campaign_name: string | null;
  readonly channel: ContactChannel;
  readonly planned_at: Date;
  /** His person, from identity resolution; null when the record was never resolved. */
  readonly person_id: string | null;
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly street_address: string | null;
  readonly postcode: string | null;
  readonly city: string | null;
  readonly country: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly user_id: string | null;
  readonly anonymous_id: string | null;
  /** A previous send's row for it (delivery_attempts), if any. */
  readonly attempt_status: AttemptStatus | null;
  readonly batch_id: string | null;
  readonly attempts: number | null;
}

export interface ContactSelection {
  readonly campaign?: string;
  readonly channels: readonly ContactChannel[];
  /** Contacts planned for later than this are not due yet (null: any time, for a batch taken up again). */
  readonly asOf: Date | null;
  /** Previous attempts a send takes up again (`failed` always; `attempting` for a destination that may resend). */
  readonly resume: readonly AttemptStatus[];
  /** Only the contacts of this webhook batch (taking up a batch a stopped send left). */
  readonly batch?: string;
}

/** The person's current data is his golden record: refuse plainly when identity resolution never ran. */
export async function requireResolvedPersons(engine: Engine): Promise<void> {
  const columns = await engine.query(engine.dialect.tableColumns('person_profiles'));
  if (columns.length === 0) throw new UsageError('no person profiles yet: run `fidelis run` first (delivery reads each person\'s current data from them)');
}

/**
 * One keyset page of due planned contacts after `after` (contact id order), joined to the
 * person's golden record and identifiers. Address columns come from person_profiles (survivorship
 * already chose among his records); e-mail and phone are his normalised identifiers.
 */
export async function plannedPage(engine: Engine, selection: ContactSelection, after: string | null, limit: number): Promise<PlannedContact[]> {
  const resume = selection.resume.length > 0 ? sql` OR a.status IN (${sql.join(selection.resume.map((s) => sql`${s}`))})` : sql``;
  const page = sql`SELECT c.contact_id AS contact_id, c.customer_id AS record_id, c.campaign_id AS campaign_id, c.channel AS channel,
      c.sent_at AS planned_at, n.person_id AS person_id, a.status AS attempt_status, a.batch_id AS batch_id, a.attempts AS attempts
    FROM contacts AS c LEFT JOIN identity_nodes AS n ON n.node_id = c.customer_id
      LEFT JOIN delivery_attempts AS a ON a.contact_id = c.contact_id
    WHERE c.status = 'planned' ${selection.asOf === null ? sql`` : sql`AND c.sent_at <= ${selection.asOf}`}
      AND c.channel IN (${sql.join(selection.channels.map((ch) => sql`${ch}`))})
      ${selection.campaign === undefined ? sql`` : sql`AND c.campaign_id = ${selection.campaign}`}
      ${after === null ? sql`` : sql`AND c.contact_id > ${after}`}
      ${selection.batch === undefined ? sql`` : sql`AND a.batch_id = ${selection.batch}`}
      AND (a.contact_id IS NULL${resume})
    ORDER BY c.contact_id LIMIT ${sql.raw(String(Math.trunc(limit)))}`;
  const identifiers = sql`SELECT person_id, min(CASE WHEN type = 'email' THEN value END) AS email, min(CASE WHEN type = 'phone' THEN value END) AS phone,
      min(CASE WHEN type = 'userId' THEN value END) AS user_id, min(CASE WHEN type = 'anonymousId' THEN value END) AS anonymous_id
    FROM person_identifiers WHERE status <> 'blocked' AND person_id IN (SELECT person_id FROM (${page}) AS pp WHERE person_id IS NOT NULL)
    GROUP BY person_id`;
  return engine.query<PlannedContact & Record<string, unknown>>(sql`SELECT x.contact_id, x.record_id, x.campaign_id, cp.name AS campaign_name, x.channel,
      x.planned_at, x.person_id, p.first_name, p.last_name, p.street_address, p.postcode, p.city, p.country,
      ids.email, ids.phone, ids.user_id, ids.anonymous_id, x.attempt_status, x.batch_id, x.attempts
    FROM (${page}) AS x LEFT JOIN campaigns AS cp ON cp.campaign_id = x.campaign_id
      LEFT JOIN person_profiles AS p ON p.person_id = x.person_id
      LEFT JOIN (${identifiers}) AS ids ON ids.person_id = x.person_id
    ORDER BY x.contact_id`);
}

export interface AttemptRow {
  readonly contactId: string;
  readonly destination: DeliveryDestination;
  readonly batchId: string | null;
  readonly status: AttemptStatus;
  readonly reason: string | null;
  readonly attempts: number;
}

const idList = (ids: readonly string[]): Sql => sql.join(ids.map((id) => sql`${id}`));

async function writeAttempts(tx: Engine, rows: readonly AttemptRow[], at: Date): Promise<void> {
  if (rows.length === 0) return;
  // Delete then insert: an upsert both engines understand alike.
  await tx.exec(sql`DELETE FROM delivery_attempts WHERE contact_id IN (${idList(rows.map((r) => r.contactId))})`);
  await tx.exec(sql`INSERT INTO delivery_attempts (contact_id, destination, batch_id, status, reason, attempts, updated_at) VALUES ${sql.join(
    rows.map((r) => sql`(${r.contactId}, ${r.destination}, ${r.batchId}, ${r.status}, ${r.reason}, ${r.attempts}, ${at})`),
  )}`);
}

/** Records where contacts stand, in one transaction (before a send: `attempting`). */
export function recordAttempts(engine: Engine, rows: readonly AttemptRow[], at: Date): Promise<void> {
  return engine.transaction((tx) => writeAttempts(tx, rows, at));
}

/** The contacts left: status sent, sent_at the actual time, and their attempt rows `sent`, together. */
export function markSent(engine: Engine, rows: readonly AttemptRow[], at: Date): Promise<void> {
  if (rows.length === 0) return Promise.resolve();
  return engine.transaction(async (tx) => {
    await tx.exec(sql`UPDATE contacts SET status = 'sent', sent_at = ${at} WHERE status = 'planned' AND contact_id IN (${idList(rows.map((r) => r.contactId))})`);
    await writeAttempts(tx, rows.map((r) => ({ ...r, status: 'sent' as const, reason: null })), at);
  });
}

/** Contacts the re-check refused for good: status cancelled, the reason in their attempt rows. */
export function markCancelled(engine: Engine, rows: readonly AttemptRow[], at: Date): Promise<void> {
  if (rows.length === 0) return Promise.resolve();
  return engine.transaction(async (tx) => {
    await tx.exec(sql`UPDATE contacts SET status = 'cancelled' WHERE status = 'planned' AND contact_id IN (${idList(rows.map((r) => r.contactId))})`);
    await writeAttempts(tx, rows.map((r) => ({ ...r, status: 'cancelled' as const })), at);
  });
}
