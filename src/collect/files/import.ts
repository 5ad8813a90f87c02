import { randomUUID } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputValidationError, UsageError, type InputProblem } from '../../errors.js';
import { type Engine, sql, tableSpec, TABLE_NAMES } from '../../store/index.js';
import { inspectFile } from './inspect.js';
import { detectFormat, isImportKind, kindFromFileName, type FileFormat, type ImportKind } from './formats.js';
import { mappingFor, type MappingFile } from './mapping.js';
import { mergeInto, type MergeCounts } from './merge.js';
import { ImportTables } from './import-tables.js';
import { stageFile, type StagedFile } from './stage.js';
import { streamFile } from './stage-stream.js';
import { fanOutTransactions, TRANSACTIONS_SPEC } from './transactions.js';
import { typeAndValidate } from './validate.js';

export type ImportStage = 'read' | 'validate' | 'write';

export interface ImportProgress {
  readonly file: string;
  readonly index: number;
  readonly total: number;
  readonly stage: ImportStage;
}

export interface ImportOptions {
  /** Kind of every file, when their names do not say it. */
  readonly kind?: string;
  readonly mapping?: MappingFile;
  readonly maxProblems?: number;
  readonly onProgress?: (progress: ImportProgress) => void;
}

export interface FileImportReport extends MergeCounts {
  readonly file: string;
  readonly kind: ImportKind;
  readonly format: FileFormat;
  readonly records: number;
  /** For a sales export: what each derived table received. */
  readonly tables?: Record<string, MergeCounts>;
}

export interface ImportReport {
  readonly importId: string;
  readonly files: readonly FileImportReport[];
  /** Files of a folder passed over because their name names no kind. */
  readonly skipped: readonly string[];
}

interface PlannedFile {
  readonly file: string;
  readonly kind: ImportKind;
  readonly format: FileFormat;
}

/** Dependency order: referenced tables first, so one command can load a whole export folder. */
const KIND_ORDER: readonly ImportKind[] = (() => {
  const order: ImportKind[] = [...TABLE_NAMES];
  order.splice(order.indexOf('products') + 1, 0, 'transactions');
  return order;
})();

async function planFiles(paths: readonly string[], kind?: string): Promise<{ plan: PlannedFile[]; skipped: string[] }> {
  if (kind !== undefined && !isImportKind(kind)) {
    throw new UsageError(`unknown kind "${kind}"; expected one of ${KIND_ORDER.join(', ')}`);
  }
  const plan: PlannedFile[] = [];
  const skipped: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) throw new UsageError(`${path}: no such file or folder`);
    if (info.isDirectory()) {
      for (const name of (await readdir(path)).sort()) {
        const file = join(path, name);
        if (!(await stat(file)).isFile()) continue; // sub-folders (such as a ground truth) are not data
        const fileKind = kind ?? kindFromFileName(name);
        if (!fileKind || !isImportKind(fileKind)) {
          skipped.push(file);
          continue;
        }
        plan.push({ file, kind: fileKind, format: detectFormat(file) });
      }
    } else {
      const fileKind = kind ?? kindFromFileName(path);
      if (!fileKind || !isImportKind(fileKind)) {
        throw new UsageError(
          `${path}: cannot tell what the file holds from its name; pass --kind with one of ${KIND_ORDER.join(', ')}`,
        );
      }
      plan.push({ file: path, kind: fileKind, format: detectFormat(path) });
    }
  }
  plan.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  return { plan, skipped };
}

/**
 * Imports files all or nothing: every file is read by the engine, typed, validated and merged by
 * natural key, or, at the first problem, nothing at all is written. On DuckDB in one transaction;
 * on ClickHouse into copies of the tables swapped in at the end (ImportTables).
 */
export async function importFiles(
  engine: Engine,
  paths: readonly string[],
  options: ImportOptions = {},
): Promise<ImportReport> {
  const { plan, skipped } = await planFiles(paths, options.kind);
  const importId = randomUUID();
  const maxProblems = options.maxProblems ?? 20;
  // Before the engine reads anything: empty and binary files and endless lines are refused with
  // their own message (docs/import.md), every file's at once.
  const hashes = new Map<string, string>();
  const problems: InputProblem[] = [];
  for (const { file, kind, format } of plan) {
    const inspected = await inspectFile(file, format, mappingFor(options.mapping, kind));
    problems.push(...inspected.problems);
    hashes.set(file, inspected.sha256);
  }
  if (problems.length > 0) throw new InputValidationError(problems.slice(0, maxProblems), problems.length);
  await ImportTables.clearLeftovers(engine);
  const tables = new ImportTables(engine);
  const files = await engine.transaction(async () => {
    try {
      const reports: FileImportReport[] = [];
      for (const [index, { file, kind, format }] of plan.entries()) {
        const progress = (stage: ImportStage): void =>
          options.onProgress?.({ file, index, total: plan.length, stage });
        const mapping = mappingFor(options.mapping, kind);
        const spec = kind === 'transactions' ? TRANSACTIONS_SPEC : tableSpec(kind);
        progress('read');
        const staged = await stage(engine, file, format, mapping);
        progress('validate');
        const typed = await typeAndValidate(engine, tables, file, format, spec, staged, mapping, 'import_typed', maxProblems);
        progress('write');
        let counts: MergeCounts;
        let written: Record<string, MergeCounts> | undefined;
        if (kind === 'transactions') {
          written = (await fanOutTransactions(engine, tables, typed.table, typed.provided)).byTable;
          counts = sumCounts(Object.values(written));
        } else {
          counts = await mergeInto(engine, tables, spec, typed.table, typed.provided);
        }
        await engine.exec(sql`DROP TABLE IF EXISTS import_typed`);
        const report: FileImportReport = { file, kind, format, records: staged.records, ...counts, ...(written ? { tables: written } : {}) };
        await engine.exec(sql`INSERT INTO ${sql.id(await tables.write('import_log'))} VALUES (${importId}, ${file}, ${kind}, ${format},
          ${hashes.get(file) ?? ''}, ${report.records}, ${report.inserted}, ${report.updated}, ${report.unchanged}, ${new Date()})`);
        reports.push(report);
      }
      await tables.commit();
      return reports;
    } catch (error) {
      // The copies of a refused import go (ClickHouse); DuckDB's transaction rolls back by itself.
      await tables.discard().catch(() => undefined);
      throw error;
    }
  });
  return { importId, files, skipped };
}

function sumCounts(counts: readonly MergeCounts[]): MergeCounts {
  return counts.reduce(
    (a, c) => ({ inserted: a.inserted + c.inserted, updated: a.updated + c.updated, unchanged: a.unchanged + c.unchanged }),
    { inserted: 0, updated: 0, unchanged: 0 },
  );
}

/** The file staged as text by the engine: its own readers (DuckDB), or the server's insert stream. */
function stage(engine: Engine, file: string, format: FileFormat, mapping: ReturnType<typeof mappingFor>): Promise<StagedFile> {
  const insert = engine.insertStream?.bind(engine);
  return insert ? streamFile(engine, insert, file, format, mapping, 'import_raw') : stageFile(engine, file, format, mapping, 'import_raw');
}
