/**
 * Rewrites the DuckDB file so that deleted rows leave the disk. DuckDB keeps a deleted row's
 * values in its blocks (a DELETE only marks it, a CHECKPOINT does not rewrite the row group), and
 * blocks it frees keep their bytes until reused: measured, an erased e-mail was still in the file
 * after DELETE + CHECKPOINT, and after copying the table into a new one. Copying the whole
 * database into a new file (COPY FROM DATABASE: tables, views, indexes, constraints) and swapping
 * the files is what removes it.
 *
 * It needs the file to itself (DuckDB allows one process per file), so `fidelis privacy erase`
 * runs it at once, and an erasure made through a running server leaves a marker that `fidelis
 * serve` acts on when it stops or starts, as `fidelis privacy compact` does.
 */
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDbEngine, sql } from '../store/index.js';

/** The marker an erasure through the server leaves: the file still holds erased bytes in freed blocks. */
export function compactionMarker(db: string): string {
  return `${db}.compact-pending`;
}

/** Whether an erasure happened since the database file was last rewritten (a file datamart only). */
export function compactionPending(db: string): boolean {
  return existsSync(compactionMarker(db));
}

/** Leaves the marker (its text names no person: erasures are in the audit log). */
export function markCompactionPending(db: string, at: Date = new Date()): void {
  writeFileSync(compactionMarker(db), `an erasure at ${at.toISOString()} is waiting for the database file to be rewritten\n`);
}

export interface CompactionReport {
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  readonly ms: number;
}

const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } catch {
    // A folder some filesystems refuse to sync; the file's own sync still holds its data.
  } finally {
    closeSync(fd);
  }
}

/**
 * Copies the database at `db` into a new file and puts it in its place (the old file and its
 * write-ahead log go). Nothing else may have the file open: another process is refused by DuckDB's
 * lock on the file, but this process's own engines are not, so close them first. Writes an audit entry
 * (`database_compaction`) in the new file and removes the marker.
 */
export async function compactDatabase(db: string, actor: string): Promise<CompactionReport> {
  const started = performance.now();
  const bytesBefore = statSync(db).size + (existsSync(`${db}.wal`) ? statSync(`${db}.wal`).size : 0);
  const fresh = `${db}.compact`;
  for (const path of [fresh, `${fresh}.wal`]) rmSync(path, { force: true });
  const engine = await DuckDbEngine.open(':memory:');
  try {
    // Attached read-write so that a write-ahead log left by a crash is replayed into the copy.
    await engine.exec(`ATTACH ${literal(db)} AS old_db`);
    await engine.exec(`ATTACH ${literal(fresh)} AS new_db`);
    await engine.exec('COPY FROM DATABASE old_db TO new_db');
    await engine.exec(sql`INSERT INTO new_db.audit_log (audit_id, occurred_at, actor, action, subject, row_count, detail)
      VALUES (${crypto.randomUUID()}, ${new Date()}, ${actor}, 'database_compaction', NULL, NULL, ${JSON.stringify({ bytesBefore })})`);
    await engine.exec('DETACH old_db');
    await engine.exec('DETACH new_db');
  } catch (error) {
    await engine.close();
    for (const path of [fresh, `${fresh}.wal`]) rmSync(path, { force: true });
    throw error;
  }
  await engine.close();
  fsyncPath(fresh);
  renameSync(fresh, db);
  rmSync(`${db}.wal`, { force: true });
  rmSync(compactionMarker(db), { force: true });
  fsyncPath(dirname(db));
  return { bytesBefore, bytesAfter: statSync(db).size, ms: performance.now() - started };
}
