/**
 * The right to erasure (GDPR art. 17): a person's rows leave every table, his orders stay for
 * accounting under a pseudonym, his identifiers go on the suppression list, and the files beside
 * the datamart (profile documents, event log) lose what they held of him. docs/privacy.md.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Config } from '../config/index.js';
import { dataFingerprint } from '../profiles/documents.js';
import type { ProfileStore } from '../profiles/serving-store.js';
import { sql, type Engine, type Sql } from '../store/index.js';
import { writeAudit } from './audit.js';
import { scrubLog, type ScrubReport } from './log-compaction.js';
import { eraseFromProfileStore, type ProfileStoreErasure } from './profile-store.js';
import { resolveSubject, type Subject } from './subject.js';
import { identifierHashes, messageIdentifiers } from './suppression.js';
import { hisContacts, personalTables, personRows, type PersonalTable, type SubjectKeys } from './tables.js';

export interface Erasure {
  readonly personId: string;
  /** The audit_log entry written for it. */
  readonly auditId: string;
  /** Rows deleted, or pseudonymised (orders), per table; tables without any left out. */
  readonly rows: Readonly<Record<string, number>>;
  readonly total: number;
  /** Hashes added to the suppression list. */
  readonly suppressed: number;
  /** In memory only, for the files (never stored): who he was. */
  readonly subject: Subject;
  /** His identifiers' hashes, which pick his messages in the event log. */
  readonly hashes: ReadonlySet<string>;
}

/**
 * A buyer id that names nobody: random, the same for all of one erasure's orders (they stay one
 * customer's in the accounts) and kept nowhere else, so nothing leads back to him.
 */
export function pseudonym(): string {
  return `erased-${randomBytes(12).toString('hex')}`;
}

async function count(engine: Engine, table: string, where: Sql): Promise<number> {
  const [row] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.id(table)} WHERE ${where}`);
  return Number(row?.n ?? 0);
}

/**
 * Those of his names nobody else holds (in customers or person_profiles): the dashboard's name
 * keys of the others stay. Read first and written out as values (see personRows).
 */
async function namesOnlyHis(engine: Engine, subject: Subject): Promise<string[]> {
  if (subject.names.length === 0) return [];
  const values = (list: readonly string[]): Sql => sql.join(list.map((v) => sql`${v}`));
  const sources = [sql`SELECT first_name AS name FROM customers WHERE customer_id NOT IN (${values(subject.nodeIds)})
    UNION ALL SELECT last_name AS name FROM customers WHERE customer_id NOT IN (${values(subject.nodeIds)})`];
  if ((await engine.query(engine.dialect.existingTables(['person_profiles']))).length > 0) {
    sources.push(sql`SELECT first_name AS name FROM person_profiles WHERE person_id NOT IN (${values(subject.personIds)})
      UNION ALL SELECT last_name AS name FROM person_profiles WHERE person_id NOT IN (${values(subject.personIds)})`);
  }
  const held = await engine.query<{ name: string }>(sql`SELECT DISTINCT name FROM (${sql.join(sources, ' UNION ALL ')}) AS held WHERE name IN (${values(subject.names)})`);
  const others = new Set(held.map((r) => r.name));
  return subject.names.filter((n) => !others.has(n));
}

async function eraseTable(engine: Engine, table: PersonalTable, subject: SubjectKeys & Subject, tables: readonly PersonalTable[], buyer: string): Promise<number> {
  if (table.erasure === 'keep') return 0;
  if (table.erasure === 'prune') return pruneContactLists(engine, table, subject);
  if (table.erasure === 'pseudonymise') {
    let changed = 0;
    for (const link of table.links) {
      if (link.kind !== 'record' && link.kind !== 'person') continue;
      const ids = link.kind === 'record' ? subject.nodeIds : subject.personIds;
      const mine = sql`${sql.id(link.column)} IN (${sql.join(ids.map((v) => sql`${v}`))})`;
      const n = await count(engine, table.name, mine);
      if (n > 0) for (const statement of engine.dialect.rewriteRows(table.name, { [link.column]: sql`${buyer}` }, mine)) await engine.exec(statement);
      changed += n;
    }
    return changed;
  }
  // A name table's rows are his names that nobody else holds.
  const named = table.links.some((l) => l.kind === 'name');
  const condition = await personRows(engine, table, named ? { ...subject, names: await namesOnlyHis(engine, subject) } : subject, tables);
  const n = await count(engine, table.name, condition);
  if (n > 0) for (const statement of engine.dialect.deleteRows(table.name, condition)) await engine.exec(statement);
  return n;
}

/**
 * Takes his contact ids out of each list column of the table (a webhook dead letter keeps the
 * others' contacts of its batch), counts the rows touched and deletes those left with none.
 */
async function pruneContactLists(engine: Engine, table: PersonalTable, subject: SubjectKeys): Promise<number> {
  const mine = subject.contactIds ?? [];
  if (mine.length === 0) return 0;
  let changed = 0;
  for (const link of table.links) {
    if (link.kind !== 'contactList') continue;
    const list = engine.dialect.jsonTextList(sql.id(link.column), mine);
    const n = await count(engine, table.name, list.holdsAny);
    if (n === 0) continue;
    changed += n;
    const set: Record<string, Sql> = { [link.column]: list.without };
    if (link.count !== null) set[link.count] = list.lengthWithout;
    // Emptied rows go first, while the list still names them.
    for (const statement of engine.dialect.deleteRows(table.name, sql`${list.holdsAny} AND ${list.lengthWithout} = 0`)) await engine.exec(statement);
    for (const statement of engine.dialect.rewriteRows(table.name, set, list.holdsAny)) await engine.exec(statement);
  }
  return changed;
}

/**
 * The tables his person is found by (subject.ts), erased last and in this order, the identity
 * graph's nodes at the very end: where there is no transaction (ClickHouse), an erasure that
 * fails half way still finds him when it is run again, and finishes.
 */
const FOUND_BY = ['dashboard_name_keys', 'person_profiles', 'identity_links', 'identifiers', 'person_identifiers', 'customers', 'customer_persons', 'person_redirects', 'identity_nodes'];

/** The tables in the order an erasure goes through them: children before parents, the tables that find him last (FOUND_BY). */
function erasureOrder(tables: readonly PersonalTable[]): PersonalTable[] {
  const rank = (t: PersonalTable): number => FOUND_BY.indexOf(t.name);
  return [...tables.filter((t) => rank(t) < 0), ...tables.filter((t) => rank(t) >= 0).sort((a, b) => rank(a) - rank(b))];
}

/**
 * Erases the person `id` names from the datamart, in one transaction where the engine has them:
 * identifiers suppressed first, rows deleted, orders pseudonymised, the audit entry written
 * (`person_erase`: who, when, which person id, how many rows per table; nothing of him), and the
 * profile documents' fingerprint moved with the data when they were fresh, so the server keeps
 * serving everyone else from them. Without transactions (ClickHouse) each table changes on its
 * own, in erasureOrder: run again, a failed erasure finishes (docs/privacy.md).
 */
export async function erasePerson(engine: Engine, config: Config, id: string, actor: string, now: Date = new Date()): Promise<Erasure> {
  return engine.transaction(async (tx) => {
    const found = await resolveSubject(tx, config, id);
    const tables = await personalTables(tx);
    const subject = { ...found, contactIds: await hisContacts(tx, found, tables) };
    const state = (await tx.query(tx.dialect.existingTables(['profile_documents_state']))).length > 0
      ? (await tx.query<{ fingerprint: string }>(sql`SELECT fingerprint FROM profile_documents_state`))[0]
      : undefined;
    const fresh = state !== undefined && state.fingerprint === (await dataFingerprint(tx));
    // On the suppression list before any row goes: events naming him are dropped from then on.
    const hashes = new Set(subject.identifiers.flatMap(({ kind, value }) => identifierHashes(kind, value).map((h) => `${kind}\u0001${h}`)));
    const list = [...hashes].map((h) => h.split('\u0001') as [string, string]);
    const auditId = randomUUID();
    if (list.length > 0) {
      for (const statement of tx.dialect.deleteRows('suppressed_identifiers', sql`identifier_sha256 IN (${sql.join(list.map(([, h]) => sql`${h}`))})`)) await tx.exec(statement);
      await tx.exec(sql`INSERT INTO suppressed_identifiers (identifier_sha256, kind, suppressed_at, audit_id)
        VALUES ${sql.join(list.map(([kind, h]) => sql`(${h}, ${kind}, ${now}, ${auditId})`))}`);
    }
    const buyer = pseudonym();
    const rows: Record<string, number> = {};
    for (const table of erasureOrder(tables)) {
      const n = await eraseTable(tx, table, subject, tables, buyer);
      if (n > 0) rows[table.name] = n;
    }
    const total = Object.values(rows).reduce((a, b) => a + b, 0);
    await writeAudit(tx, {
      id: auditId,
      actor,
      action: 'person_erase',
      subject: subject.personId,
      rows: total,
      detail: { tables: rows, suppressed: hashes.size, ordersKept: rows.orders ?? 0 },
    }, now);
    if (fresh) await tx.exec(sql`UPDATE profile_documents_state SET fingerprint = ${await dataFingerprint(tx)}`);
    return { personId: subject.personId, auditId, rows, total, suppressed: list.length, subject, hashes: new Set(list.map(([, h]) => h)) };
  });
}

/**
 * Where a server engine (ClickHouse) keeps the erased rows once the erasure returns: its mutations
 * wrote new parts without them, and it removes the old parts after `old_parts_lifetime`.
 */
export const SERVER_STORAGE_DELAY =
  "the server's tables were rewritten without the erased rows; ClickHouse removes the parts that held them after its old_parts_lifetime (480 s by default)";

/** Whether a logged message names the erased person by one of his identifiers. */
export function namesErased(hashes: ReadonlySet<string>): (entry: { readonly message: unknown }) => boolean {
  return (entry) =>
    messageIdentifiers((entry.message ?? {}) as Record<string, unknown>).some(({ kind, value }) => identifierHashes(kind, value).some((h) => hashes.has(h)));
}

export interface FileErasure {
  readonly profiles: ProfileStoreErasure | null;
  readonly log: ScrubReport;
}

/** What an erasure did, as the CLI and the API report it (no personal data). */
export function erasureSummary(erasure: Erasure, files: FileErasure) {
  return {
    personId: erasure.personId,
    auditId: erasure.auditId,
    rows: erasure.total,
    tables: erasure.rows,
    ordersKept: erasure.rows.orders ?? 0,
    suppressedIdentifiers: erasure.suppressed,
    profileFile: files.profiles,
    eventLog: files.log,
  };
}

/**
 * Removes him from the files beside the datamart: the profile documents (copied without him) and
 * the event log (his lines blanked; `activeSegment` is the one a running server appends to).
 */
export async function eraseFromFiles(
  erasure: Erasure,
  files: {
    readonly profiles: string | null;
    readonly logFolder: string | null;
    readonly activeSegment?: number | null;
    /** The profile file as a serving process holds it open (see eraseFromProfileStore). */
    readonly openProfiles?: ProfileStore | null;
  },
): Promise<FileErasure> {
  const profiles = files.profiles ? await eraseFromProfileStore(files.profiles, new Set(erasure.subject.personIds), files.openProfiles) : null;
  const log = files.logFolder
    ? scrubLog(files.logFolder, namesErased(erasure.hashes), { activeSegment: files.activeSegment ?? null })
    : { segments: 0, lines: 0 };
  return { profiles, log };
}
