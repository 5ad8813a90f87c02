import type { Engine, TableSpec } from '../store/index.js';
import { sql } from '../store/index.js';

/**
 * The audit log: every export of personal data and every erasure, with who asked, when, what and
 * how many rows. It names persons by id only and never copies personal data (an erasure's own
 * entry must not keep what it erased).
 */
export const AUDIT_LOG_TABLE: TableSpec = {
  name: 'audit_log',
  doc: 'Exports of personal data and erasures: who, when, what, how many rows. No personal data.',
  key: ['audit_id'],
  columns: [
    { name: 'audit_id', type: 'string', required: true, doc: 'Random id of the entry.' },
    { name: 'occurred_at', type: 'timestamp', required: true, doc: 'When it happened.' },
    { name: 'actor', type: 'string', required: true, doc: 'Who: "user:<name>" (dashboard), "key:<key id>" (API) or "cli:<OS user>".' },
    { name: 'action', type: 'string', required: true, doc: 'What, e.g. segment_export, person_export, person_erase.' },
    { name: 'subject', type: 'string', doc: 'On what: a segment ("tier=CPP"), a person id; never an e-mail or a name.' },
    { name: 'row_count', type: 'int', doc: 'How many rows (or persons) left the system or were removed.' },
    { name: 'detail', type: 'string', doc: 'JSON: the request\'s options (format, channel, how many were left out for want of consent...).' },
  ],
};

export interface AuditEntry {
  /** The entry's id, when the caller names it before writing it (an erasure's suppressed identifiers point at it); a random one otherwise. */
  readonly id?: string;
  readonly actor: string;
  readonly action: string;
  readonly subject?: string | null;
  readonly rows?: number | null;
  readonly detail?: Record<string, unknown>;
}

/** Appends one entry; call it in the same transaction as the erasure it records, where there is one. */
export async function writeAudit(engine: Engine, entry: AuditEntry, at: Date = new Date()): Promise<string> {
  const id = entry.id ?? crypto.randomUUID();
  await engine.exec(sql`INSERT INTO audit_log (audit_id, occurred_at, actor, action, subject, row_count, detail)
    VALUES (${id}, ${at}, ${entry.actor}, ${entry.action}, ${entry.subject ?? null}, ${entry.rows ?? null},
      ${entry.detail !== undefined ? JSON.stringify(entry.detail) : null})`);
  return id;
}

export interface AuditRow {
  readonly audit_id: string;
  readonly occurred_at: Date;
  readonly actor: string;
  readonly action: string;
  readonly subject: string | null;
  readonly row_count: number | null;
  readonly detail: string | null;
}

/** The newest entries first. */
export function readAudit(engine: Engine, limit = 100): Promise<AuditRow[]> {
  return engine.query<AuditRow & Record<string, unknown>>(
    sql`SELECT audit_id, occurred_at, actor, action, subject, row_count, detail FROM audit_log ORDER BY occurred_at DESC LIMIT ${limit}`,
  );
}
