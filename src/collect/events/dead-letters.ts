import type { Engine } from '../../store/index.js';
import { sql } from '../../store/index.js';
import type { LogEntry } from './envelope.js';
import { dedupeStep, initialState, isolating, commitStep, mapStep, stageStep, storable, type DeadLetterRow, type LoadContext, type LoadStep } from './load-steps.js';
import type { MappingOptions } from './map.js';
import { checkMessage, isObject } from './messages.js';
import { ChunkPreparer } from './prepare.js';
import { ok, runSteps } from './steps.js';

/** Writes dead letters (inside the commit's transaction); a line set aside again replaces its row. */
export async function insertDeadLetters(tx: Engine, rows: readonly DeadLetterRow[]): Promise<void> {
  const now = new Date();
  for (const row of rows) {
    for (const statement of tx.dialect.replacedRows('events_dead_letter', sql`log_id = ${row.logId} AND segment = ${row.segment} AND "offset" = ${row.offset}`)) await tx.exec(statement);
    await tx.exec(sql`INSERT INTO events_dead_letter (log_id, segment, "offset", message_id, step, reason, line, failed_at)
      VALUES (${row.logId}, ${row.segment}, ${row.offset}, ${row.messageId}, ${row.step}, ${row.reason}, ${row.line}, ${now})`);
  }
}

/** A row of events_dead_letter as listed. */
export interface DeadLetter extends DeadLetterRow {
  readonly failedAt: Date;
}

export async function listDeadLetters(engine: Engine): Promise<DeadLetter[]> {
  const rows = await engine.query<{
    log_id: string;
    segment: number;
    offset: number;
    message_id: string | null;
    step: string;
    reason: string;
    line: string;
    failed_at: Date;
  }>(sql`SELECT log_id, segment, "offset", message_id, step, reason, line, failed_at FROM ${engine.dialect.latest('events_dead_letter')} AS letters ORDER BY failed_at, log_id, segment, "offset"`);
  return rows.map((r) => ({
    logId: r.log_id,
    segment: Number(r.segment),
    offset: Number(r.offset),
    messageId: r.message_id,
    step: r.step,
    reason: r.reason,
    line: r.line,
    failedAt: r.failed_at,
  }));
}

/** What `fidelis events retry-dead-letters` did. */
export interface RetryReport {
  readonly loaded: number;
  /** Already stored (loaded since, or a replay): removed from the dead letters. */
  readonly alreadyStored: number;
  /** Still refused, with their new step and reason. */
  readonly stillFailing: readonly DeadLetterRow[];
}

/**
 * Loads the dead letters again (after a fix): each line is read and its message checked again as
 * the collection API checks it (checkMessage), then the loader's own steps run on them
 * (dedupe, map, stage, commit, isolating the ones still refused). In one transaction with their
 * rows, loaded lines leave events_dead_letter; those still refused stay, with their new step
 * and reason. Needs the datamart to itself (the server stopped).
 */
export async function retryDeadLetters(engine: Engine, options: MappingOptions & { readonly stagingFolder: string }): Promise<RetryReport> {
  const letters = await listDeadLetters(engine);
  if (letters.length === 0) return { loaded: 0, alreadyStored: 0, stillFailing: [] };
  const preparer = new ChunkPreparer({ folder: options.stagingFolder, keyPages: options.keyPages });
  const refused: DeadLetterRow[] = [];
  const readable: { line: string; offset: number }[] = [];
  letters.forEach((letter, index) => {
    const checked = recheck(letter.line);
    if ('reason' in checked) refused.push({ ...letter, ...checked });
    else readable.push({ line: checked.line, offset: index });
  });
  // The read's offsets are the letters' indexes: each message finds its own letter back.
  const read = preparer.accept(readable);
  const letterOf = (index: number): DeadLetter => letters[index] as DeadLetter;
  for (const u of read.unreadable) refused.push({ ...letterOf(u.offset), step: 'read', reason: storable(`not a log entry: ${u.reason}`) });
  let report: RetryReport = { loaded: 0, alreadyStored: 0, stillFailing: [] };
  const context: LoadContext = {
    engine,
    preparer,
    folder: options.stagingFolder,
    maxBytes: 0,
    lineOf: (aside) => letterOf(aside.offset).line,
    bookkeeping: async (tx, state, deadLetters) => {
      const resolved = [...state.live.map((m) => letterOf(m.offset)), ...state.setAside.filter((a) => a.kind === 'drop').map((a) => letterOf(a.offset))];
      for (const letter of resolved) {
        for (const statement of tx.dialect.deleteRows('events_dead_letter', sql`log_id = ${letter.logId} AND segment = ${letter.segment} AND "offset" = ${letter.offset}`)) {
          await tx.exec(statement);
        }
      }
      const still = [...refused, ...deadLetters.map((d) => ({ ...letterOf(d.offset), step: d.step, reason: d.reason }))];
      await insertDeadLetters(tx, still);
      report = { loaded: state.live.length, alreadyStored: state.setAside.filter((a) => a.kind === 'drop').length, stillFailing: still };
    },
  };
  const steps: LoadStep[] = [
    // The letters' lines stand in for the log's, with their own place in it.
    {
      name: 'read',
      run: (state) =>
        ok({
          ...state,
          lines: readable.length,
          live: read.messages.map((m, index) => ({ ...m, index, logId: letterOf(m.offset).logId, segment: letterOf(m.offset).segment })),
        }),
    },
    dedupeStep(context),
    isolating([mapStep(context), stageStep(context), commitStep(context)], engine.dialect.supportsTransactions),
  ];
  try {
    const result = await runSteps(steps, initialState('', { segment: 0, offset: 0 }));
    if (result.kind !== 'ok') throw new Error(`retrying dead letters stopped at ${result.step}: ${result.reason}`);
  } finally {
    await preparer.close();
  }
  return report;
}

/** The line with its message checked again as the collection API would, or why it is refused. */
function recheck(line: string): { line: string } | { step: string; reason: string } {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch (error) {
    return { step: 'read', reason: storable(`not a log entry: ${error instanceof Error ? error.message : String(error)}`) };
  }
  if (!isObject(entry) || !isObject(entry.message)) return { step: 'read', reason: 'not a log entry: no message' };
  const checked = checkMessage(entry.message, 0);
  if (!checked.ok) {
    const { field, reason } = checked.problem;
    return { step: 'validate', reason: storable(field ? `${field}: ${reason}` : reason) };
  }
  return { line: JSON.stringify({ ...(entry as unknown as LogEntry), message: checked.message }) };
}
