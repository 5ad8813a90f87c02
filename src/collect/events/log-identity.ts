import { randomUUID } from 'node:crypto';
import { closeSync, fdatasyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FidelisError } from '../../errors.js';
import type { Engine } from '../../store/index.js';
import { sql } from '../../store/index.js';
import { listSegments } from './segment-files.js';

/** The file of a log folder that names its log. */
export const LOG_ID_FILE = 'log-id';

/** The row of event_log_position: one log per database. */
export const LOG_NAME = 'events';

/** How far the datamart has loaded which log. */
export interface StoredPosition {
  /** null for a position saved before logs had an identity (migration 7). */
  readonly logId: string | null;
  readonly segment: number;
  readonly offset: number;
}

/**
 * The log folder and the database's position disagree: loading on would skip events the
 * database never loaded, so the server refuses to start. The message says what happened and what
 * to do; `kind` names the case for scripts and tests.
 */
export class LogIdentityError extends FidelisError {
  constructor(
    readonly kind: 'new-folder' | 'other-log' | 'missing-segments',
    message: string,
  ) {
    super('log_identity', message);
  }
}

/** The identity of the log in `folder`, or null when it has none (a new folder, or one from before identities). */
export function readLogId(folder: string): string | null {
  try {
    const id = readFileSync(join(folder, LOG_ID_FILE), 'utf8').trim();
    return id === '' ? null : id;
  } catch {
    return null;
  }
}

/** Gives the log in `folder` a new identity, durably (file and folder entry synced). */
export function createLogId(folder: string): string {
  const id = randomUUID();
  mkdirSync(folder, { recursive: true });
  const file = join(folder, LOG_ID_FILE);
  const temporary = `${file}.new`;
  writeFileSync(temporary, `${id}\n`);
  syncPath(temporary);
  renameSync(temporary, file);
  syncPath(folder);
  return id;
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fdatasyncSync(fd);
  } catch {
    // Some filesystems refuse to sync a directory; the file's own sync still holds its data.
  } finally {
    closeSync(fd);
  }
}

export async function storedPosition(engine: Engine): Promise<StoredPosition | null> {
  const [row] = await engine.query<{ segment: number; offset: number; log_id: string | null }>(
    sql`SELECT segment, "offset", log_id FROM ${engine.dialect.latest('event_log_position')} AS position WHERE log = ${LOG_NAME}`,
  );
  return row ? { logId: row.log_id ?? null, segment: Number(row.segment), offset: Number(row.offset) } : null;
}

const RESET = '`fidelis events reset-log-position` (with the same --db and --config)';

function where(position: StoredPosition): string {
  return `segment ${position.segment}, byte ${position.offset}`;
}

/**
 * Checks that the log in `folder` is the one the database has loaded up to `stored`, and that
 * nothing it has not loaded is gone: the position's segment is there, or the segment right after
 * it is (the position's own segment was loaded to its end and then deleted). Throws a
 * LogIdentityError otherwise; never skips. A database without a position takes any log.
 */
export function checkLogIdentity(folder: string, folderId: string | null, stored: StoredPosition | null): void {
  if (stored === null) return;
  const segments = listSegments(folder);
  if (folderId === null && segments.length === 0) {
    throw new LogIdentityError(
      'new-folder',
      `the event log folder ${folder} is new or empty, but the database has loaded ${stored.logId ? `log ${stored.logId}` : 'a log'} up to ${where(stored)}: ` +
        `events acknowledged after that point would be skipped. Restore the log folder, or point server.log.folder back to it; ` +
        `if that log was fully loaded (the server stopped cleanly) or is lost for good, run ${RESET} to start from this folder.`,
    );
  }
  if (stored.logId !== null && folderId !== stored.logId) {
    throw new LogIdentityError(
      'other-log',
      `the event log folder ${folder} holds ${folderId ? `log ${folderId}` : 'a log without identity'}, but the database has loaded log ${stored.logId} up to ${where(stored)}: ` +
        `the database and the log are not each other's (a database restored without its log, or server.log.folder changed). ` +
        `Point server.log.folder back to the folder of log ${stored.logId}, or restore it; if that log was fully loaded or is lost for good, run ${RESET} to load this folder from its start.`,
    );
  }
  if (segments.includes(stored.segment)) return;
  // The start of the segment the log creates next (a reset on an empty folder): nothing is missing.
  if (stored.offset === 0 && stored.segment === (segments.at(-1) ?? 0) + 1) return;
  const following = segments.find((s) => s > stored.segment);
  if (following === stored.segment + 1) return;
  const missing = following === undefined ? `segment ${stored.segment} and any after it` : `segments ${stored.segment} to ${following - 1}`;
  throw new LogIdentityError(
    'missing-segments',
    `the event log in ${folder} has lost ${missing}, which the database had not loaded (it has loaded up to ${where(stored)}): ` +
      `a database restored from an older backup, or segment files removed. Restore the missing segments from a backup of the log folder; ` +
      `otherwise run ${RESET}: the events of the missing segments are then lost${following === undefined ? '' : `, and loading resumes at segment ${following}`}.`,
  );
}

/**
 * Checks the log against the database (see checkLogIdentity) and, when the folder has no
 * identity yet, gives it one: the server calls it before it opens the log, so a refused start
 * leaves the folder as it was. Returns the log's identity.
 */
export async function verifyLog(engine: Engine, folder: string): Promise<string> {
  const folderId = readLogId(folder);
  checkLogIdentity(folder, folderId, await storedPosition(engine));
  return folderId ?? createLogId(folder);
}

/** What `fidelis events reset-log-position` did. */
export interface LogReset {
  readonly logId: string;
  readonly previous: StoredPosition | null;
  readonly from: { readonly segment: number; readonly offset: number };
  /** False when the log and the position agreed: nothing was changed. */
  readonly changed: boolean;
}

/**
 * Acknowledges that the database's position does not belong to the log in `folder` (or that the
 * log lost segments): records the folder's log (giving it an identity if it has none) and sets
 * the position at the start of its first segment. Events the database had not loaded from the
 * old log are not loaded. Nothing changes when the log and the position agree.
 */
export async function resetLogPosition(engine: Engine, folder: string): Promise<LogReset> {
  mkdirSync(folder, { recursive: true });
  const previous = await storedPosition(engine);
  const folderId = readLogId(folder);
  try {
    checkLogIdentity(folder, folderId, previous);
    const logId = folderId ?? createLogId(folder);
    return { logId, previous, from: previous ?? { segment: listSegments(folder)[0] ?? 1, offset: 0 }, changed: false };
  } catch (error) {
    if (!(error instanceof LogIdentityError)) throw error;
  }
  const logId = folderId ?? createLogId(folder);
  const segments = listSegments(folder);
  const first = previous !== null && previous.logId === logId ? segments.find((s) => s > previous.segment) : segments[0];
  const from = { segment: first ?? (segments.at(-1) ?? 0) + 1, offset: 0 };
  await engine.transaction(async (tx) => {
    for (const statement of tx.dialect.replacedRows('event_log_position', sql`log = ${LOG_NAME}`)) await tx.exec(statement);
    await tx.exec(sql`INSERT INTO event_log_position (log, segment, "offset", loaded_at, log_id)
      VALUES (${LOG_NAME}, ${from.segment}, ${from.offset}, ${new Date()}, ${logId})`);
  });
  return { logId, previous, from, changed: true };
}
