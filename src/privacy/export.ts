/**
 * The data subject's access request (GDPR art. 15 and 20): every row of every table that is his,
 * as one JSON document, and an audit entry saying who took it.
 */
import type { Config } from '../config/index.js';
import { sql, type Engine, type Row } from '../store/index.js';
import { writeAudit } from './audit.js';
import { resolveSubject } from './subject.js';
import { hisContacts, personalTables, personRows } from './tables.js';

export interface PersonExport {
  readonly personId: string;
  readonly requested: string;
  readonly exportedAt: string;
  /** His person ids (current and older), customer records and event links. */
  readonly personIds: readonly string[];
  readonly records: readonly string[];
  /** Rows in all tables. */
  readonly rows: number;
  /** Every personal table, with his rows (an empty list where he has none). */
  readonly tables: Readonly<Record<string, readonly Row[]>>;
}

/** A value as JSON can hold it: dates as ISO 8601, big integers as numbers when exact, else as text. */
function jsonSafe(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}

/** Everything of the person `id` names; writes an audit entry (`person_export`) in the name of `actor`. */
export async function exportPerson(engine: Engine, config: Config, id: string, actor: string, now: Date = new Date()): Promise<PersonExport> {
  const found = await resolveSubject(engine, config, id);
  const tables = await personalTables(engine);
  const subject = { ...found, contactIds: await hisContacts(engine, found, tables) };
  const out: Record<string, Row[]> = {};
  let rows = 0;
  for (const table of [...tables].sort((a, b) => a.name.localeCompare(b.name))) {
    const found = await engine.query(sql`SELECT * FROM ${sql.id(table.name)} WHERE ${await personRows(engine, table, subject, tables)}`);
    out[table.name] = found.map((r) => jsonSafe(r) as Row);
    rows += found.length;
  }
  await writeAudit(engine, { actor, action: 'person_export', subject: subject.personId, rows, detail: { tables: Object.keys(out).filter((t) => (out[t]?.length ?? 0) > 0).length } }, now);
  return {
    personId: subject.personId,
    requested: id,
    exportedAt: now.toISOString(),
    personIds: subject.personIds,
    records: subject.nodeIds,
    rows,
    tables: out,
  };
}
