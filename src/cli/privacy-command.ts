import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Command } from 'commander';
import { displayDbLocation, type Config } from '../config/index.js';
import { UsageError } from '../errors.js';
import { compactDatabase, readAudit, eraseFromFiles, erasePerson, erasureSummary, exportPerson, markCompactionPending, resolveSubject, SERVER_STORAGE_DELAY, type Erasure } from '../privacy/index.js';
import { logFolder } from '../server/index.js';
import { servingStorePath } from '../profiles/index.js';
import type { Engine } from '../store/index.js';
import { openStore } from '../schema/index.js';
import { table } from './format.js';
import { configFrom, configOption, dbOption, jsonOption, printJson, withStore, type StoreOptions } from './options.js';

/** Who ran the command, for the audit log. */
export function cliActor(): string {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // No user name for this uid (some containers): the entry still says it came from the CLI.
  }
  return `cli:${name}`;
}

const isServer = (db: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(db);

/** A file datamart's files: the engine must have it alone, which a running server prevents. */
function fileDatabase(config: Config): string {
  if (config.db === ':memory:' || isServer(config.db)) {
    throw new UsageError(`fidelis privacy compact works on a database file; ${displayDbLocation(config.db)} is not one.`);
  }
  return config.db;
}

/** A datamart that outlives the command: a DuckDB file or a ClickHouse server (not `:memory:`). */
function lastingDatabase(config: Config): void {
  if (config.db === ':memory:') throw new UsageError('fidelis privacy works on a database file or a ClickHouse server; :memory: holds nobody.');
}

async function openAlone(config: Config): Promise<Engine> {
  try {
    return await openStore(config.db, config.duckdb);
  } catch (error) {
    if (error instanceof Error && /lock/i.test(error.message)) {
      throw new UsageError(`${config.db} is open in another process (a running \`fidelis serve\`?): stop it, or use the API (GET /v1/customers/{id}/export, DELETE /v1/customers/{id}) with an admin key.`);
    }
    throw error;
  }
}

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function privacyCommand(): Command {
  const privacy = new Command('privacy').description("a data subject's requests: export everything of a person, or erase him (docs/privacy.md)");
  privacy
    .command('audit')
    .description('list the audit log, newest first: who exported or erased what, and how many rows (as GET /api/audit for admins)')
    .option('--limit <n>', 'entries to show', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new UsageError(`--limit must be a whole number from 1 to 100000, not "${v}"`);
      return n;
    }, 100)
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (options: StoreOptions & { limit: number; json?: boolean }) => {
      const rows = await withStore(options, (engine) => readAudit(engine, options.limit));
      const entries = rows.map((r) => ({
        id: r.audit_id, at: new Date(r.occurred_at).toISOString(), actor: r.actor, action: r.action, subject: r.subject,
        rows: r.row_count === null ? null : Number(r.row_count), detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
      }));
      if (options.json) printJson({ entries });
      else if (entries.length === 0) console.log('the audit log is empty');
      else console.log(table(['at', 'actor', 'action', 'subject', 'rows', 'detail'], entries.map((e) => [e.at, e.actor, e.action, e.subject ?? '', e.rows ?? '', e.detail ? JSON.stringify(e.detail) : ''])));
    });
  privacy
    .command('export')
    .description('write every row of a person, in every table, to a JSON file (audited)')
    .argument('<id>', 'person id, customer record id, or an identifier: email=..., phone=..., userId=... (as the profile API looks them up)')
    .requiredOption('--out <file>', 'JSON file to write (readable by its owner only)')
    .addOption(dbOption())
    .addOption(configOption())
    .action(async (id: string, options: StoreOptions & { out: string }) => {
      const config = configFrom(options);
      lastingDatabase(config);
      const engine = await openAlone(config);
      try {
        const result = await exportPerson(engine, config, id, cliActor());
        writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`, { mode: 0o600 });
        const tables = Object.values(result.tables).filter((rows) => rows.length > 0).length;
        process.stdout.write(`Exported ${result.rows} rows of person ${result.personId} from ${tables} tables to ${options.out}\n`);
      } finally {
        await engine.close();
      }
    });
  privacy
    .command('erase')
    .description('erase a person from every table, the profile file and the event log; orders stay under a pseudonym; rewrites the database file, or on ClickHouse its tables (audited)')
    .argument('<ids...>', 'person ids, customer record ids, or identifiers: email=..., phone=..., userId=... (several: one rewrite of the file for all)')
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (ids: string[], options: StoreOptions & { json?: boolean }) => {
      const config = configFrom(options);
      lastingDatabase(config);
      const db = config.db;
      const server = isServer(db);
      const engine = await openAlone(config);
      const actor = cliActor();
      // Each person in his own transaction and audit entry; all are resolved first, so that a
      // wrong id refuses the command before anyone is erased.
      const erasures: Erasure[] = [];
      try {
        for (const id of ids) await resolveSubject(engine, config, id);
        for (const id of ids) erasures.push(await erasePerson(engine, config, id, actor));
      } finally {
        await engine.close();
      }
      // Left until the rewrite succeeds: a failed one is retried by `fidelis serve` or `privacy compact`.
      if (!server) markCompactionPending(db);
      const persons = [];
      for (const erasure of erasures) {
        const files = await eraseFromFiles(erasure, { profiles: servingStorePath(db), logFolder: logFolder(config) });
        persons.push(erasureSummary(erasure, files));
      }
      // One rewrite for all: it copies the whole file. A server's tables were rewritten by the erasure itself.
      const compaction = server ? null : await compactDatabase(db, actor);
      const databaseFile = compaction && { bytesBefore: compaction.bytesBefore, bytesAfter: compaction.bytesAfter, seconds: Math.round(compaction.ms) / 1000 };
      if (options.json) {
        printJson({ persons, databaseFile, ...(server ? { storage: SERVER_STORAGE_DELAY } : {}) });
        return;
      }
      for (const p of persons) {
        process.stdout.write(
          `Erased person ${p.personId}: ${p.rows} rows in ${Object.keys(p.tables).length} tables` +
            ` (${p.ordersKept} orders kept for accounting under a pseudonym); ${p.suppressedIdentifiers} identifiers on the suppression list; audit entry ${p.auditId}\n` +
            `  profile file: ${p.profileFile ? `${p.profileFile.documents} documents and ${p.profileFile.keys} keys removed` : 'none'}; ` +
            `event log: ${p.eventLog.lines} lines blanked in ${p.eventLog.segments} segments\n`,
        );
      }
      if (compaction && databaseFile) process.stdout.write(`Database file rewritten in ${databaseFile.seconds} s (${megabytes(compaction.bytesBefore)} -> ${megabytes(compaction.bytesAfter)})\n`);
      else process.stdout.write(`Storage: ${SERVER_STORAGE_DELAY}\n`);
    });
  privacy
    .command('compact')
    .description('rewrite the database file so that erased rows leave the disk (the server must be stopped; `fidelis serve` also does it when it stops or starts after an erasure)')
    .addOption(dbOption())
    .addOption(configOption())
    .action(async (options: StoreOptions) => {
      const config = configFrom(options);
      const db = fileDatabase(config);
      // Opened and closed first: refuses a file a server holds, and applies the migrations.
      await (await openAlone(config)).close();
      const report = await compactDatabase(db, cliActor());
      process.stdout.write(`Rewrote ${db} in ${(report.ms / 1000).toFixed(1)} s (${megabytes(report.bytesBefore)} -> ${megabytes(report.bytesAfter)})\n`);
    });
  return privacy;
}
