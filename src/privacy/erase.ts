/**
 * The right to erasure (GDPR art. 17): a person's rows leave every table, his orders stay for
 * accounting under a pseudonym, his identifiers go on the suppression list, and the files beside
 * the datamart (profile documents, event log) lose what they held of him. docs/privacy.md.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/index.js';
import { UnsupportedOnEngineError } from '../errors.js';
import { dataFingerprint } from '../profiles/documents.js';
import type { ProfileStore } from '../profiles/serving-store.js';
import { sql, type Engine, type Sql } from '../store/index.js';
import { writeAudit } from './audit.js';
import { scrubLog, type ScrubReport } from './log-compaction.js';
import { eraseFromProfileStore, type ProfileStoreErasure } from './profile-store.js';
import { resolveSubject, type Subject } from './subject.js';
import { identifierHashes, messageIdentifiers } from './suppression.js';
import { hisContacts, personalTables, personRows, type PersonalTable } from './tables.js';

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

/** Names still held by someone: the dashboard's name keys of the others stay. */
async function namesInUse(engine: Engine): Promise<Sql> {
  const sources = [sql`SELECT first_name AS name FROM customers UNION ALL SELECT last_name FROM customers`];
  if ((await engine.query(engine.dialect.existingTables(['person_profiles']))).length > 0) {
    sources.push(sql`SELECT first_name FROM person_profiles UNION ALL SELECT last_name FROM person_profiles`);
  }
  return sql`SELECT name FROM (${sql.join(sources, ' UNION ALL ')}) AS held WHERE name IS NOT NULL`;
}

async function eraseTable(engine: Engine, table: PersonalTable, subject: Subject, tables: readonly PersonalTable[], buyer: string): Promise<number> {
  const where = personRows(table, subject, tables);
  if (table.erasure === 'keep') return 0;
  if (table.erasure === 'prune') return pruneContactLists(engine, table, subject, tables);
  if (table.erasure === 'pseudonymise') {
    let changed = 0;
    for (const link of table.links) {
      if (link.kind !== 'record' && link.kind !== 'person') continue;
      const ids = link.kind === 'record' ? subject.nodeIds : subject.personIds;
      const mine = sql`${sql.id(link.column)} IN (${sql.join(ids.map((v) => sql`${v}`))})`;
      changed += await count(engine, table.name, mine);
      await engine.exec(sql`UPDATE ${sql.id(table.name)} SET ${sql.id(link.column)} = ${buyer} WHERE ${mine}`);
    }
    return changed;
  }
  const nameLinks = table.links.filter((l) => l.kind === 'name');
  const inUse = nameLinks.length === 0 ? null : await namesInUse(engine);
  const condition = inUse === null ? where : sql`${where} AND ${sql.join(nameLinks.map((l) => sql`${sql.id(l.column)} NOT IN (${inUse})`), ' AND ')}`;
  const n = await count(engine, table.name, condition);
  if (n > 0) await engine.exec(sql`DELETE FROM ${sql.id(table.name)} WHERE ${condition}`);
  return n;
}

/**
 * Takes his contact ids out of each list column of the table (a webhook dead letter keeps the
 * others' contacts of its batch), counts the rows touched and deletes those left with none.
 */
async function pruneContactLists(engine: Engine, table: PersonalTable, subject: Subject, tables: readonly PersonalTable[]): Promise<number> {
  const query = hisContacts(subject, tables);
  const mine = query === null ? [] : (await engine.query<{ contact_id: string }>(query)).map((r) => r.contact_id);
  if (mine.length === 0) return 0;
  const his = sql`list_value(${sql.join(mine.map((id) => sql`${id}`))})`;
  let changed = 0;
  for (const link of table.links) {
    if (link.kind !== 'contactList') continue;
    const list = sql`from_json(${sql.id(link.column)}, '["VARCHAR"]')`;
    const touched = sql`list_has_any(${list}, ${his})`;
    changed += await count(engine, table.name, touched);
    const kept = sql`list_filter(${list}, x -> NOT list_contains(${his}, x))`;
    const counted = link.count === null ? sql`` : sql`, ${sql.id(link.count)} = len(${kept})`;
    await engine.exec(sql`UPDATE ${sql.id(table.name)} SET ${sql.id(link.column)} = CAST(to_json(${kept}) AS VARCHAR)${counted} WHERE ${touched}`);
    await engine.exec(sql`DELETE FROM ${sql.id(table.name)} WHERE len(${list}) = 0`);
  }
  return changed;
}

/**
 * Erases the person `id` names from the datamart, in one transaction: rows deleted (name keys
 * last, once his profile is gone), orders pseudonymised, identifiers suppressed, the audit entry
 * written (`person_erase`: who, when, which person id, how many rows per table; nothing of him),
 * and the profile documents' fingerprint moved with the data when they were fresh, so the server
 * keeps serving everyone else from them.
 */
export async function erasePerson(engine: Engine, config: Config, id: string, actor: string, now: Date = new Date()): Promise<Erasure> {
  // Refused before anything is written: half an erasure (no transaction there) would be worse than none.
  if (!engine.dialect.supportsDelete) {
    throw new UnsupportedOnEngineError(
      'privacy erase',
      engine.dialect.engineName,
      'an erasure deletes and rewrites rows in place in one transaction (list functions, UPDATE, DELETE), which ClickHouse 18.16 lacks; erase on a DuckDB copy or wait for its ClickHouse form',
    );
  }
  return engine.transaction(async (tx) => {
    const subject = await resolveSubject(tx, config, id);
    const tables = await personalTables(tx);
    const state = (await tx.query(tx.dialect.existingTables(['profile_documents_state']))).length > 0
      ? (await tx.query<{ fingerprint: string }>(sql`SELECT fingerprint FROM profile_documents_state`))[0]
      : undefined;
    const fresh = state !== undefined && state.fingerprint === (await dataFingerprint(tx));
    const buyer = pseudonym();
    const rows: Record<string, number> = {};
    const ordered = [...tables.filter((t) => !t.links.some((l) => l.kind === 'name')), ...tables.filter((t) => t.links.some((l) => l.kind === 'name'))];
    for (const table of ordered) {
      const n = await eraseTable(tx, table, subject, tables, buyer);
      if (n > 0) rows[table.name] = n;
    }
    const total = Object.values(rows).reduce((a, b) => a + b, 0);
    const hashes = new Set(subject.identifiers.flatMap(({ kind, value }) => identifierHashes(kind, value).map((h) => `${kind}\u0001${h}`)));
    const auditId = await writeAudit(tx, {
      actor,
      action: 'person_erase',
      subject: subject.personId,
      rows: total,
      detail: { tables: rows, suppressed: hashes.size, ordersKept: rows.orders ?? 0 },
    }, now);
    const list = [...hashes].map((h) => h.split('\u0001') as [string, string]);
    if (list.length > 0) {
      await tx.exec(sql`DELETE FROM suppressed_identifiers WHERE identifier_sha256 IN (${sql.join(list.map(([, h]) => sql`${h}`))})`);
      await tx.exec(sql`INSERT INTO suppressed_identifiers (identifier_sha256, kind, suppressed_at, audit_id)
        VALUES ${sql.join(list.map(([kind, h]) => sql`(${h}, ${kind}, ${now}, ${auditId})`))}`);
    }
    if (fresh) await tx.exec(sql`UPDATE profile_documents_state SET fingerprint = ${await dataFingerprint(tx)}`);
    return { personId: subject.personId, auditId, rows, total, suppressed: list.length, subject, hashes: new Set(list.map(([, h]) => h)) };
  });
}

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
