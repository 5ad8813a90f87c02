import type { Engine } from '../../store/index.js';
import { deadLetter, drop, isolate, ok, runSteps, type Outcome, type Refusal, type Step } from './steps.js';
import type { EventLink } from './links.js';
import { readLineAt } from './log.js';
import { listSegments } from './segment-files.js';
import type { ChunkPreparation, MappedChunk, ReadMessage } from './prepare.js';
import type { StoredMessageIds } from './stored-ids.js';
import { checkStaged, storedMessageIds, writeStaged, type StagedTable } from './write.js';

export interface LogPosition {
  readonly segment: number;
  readonly offset: number;
}

/** A message on its way through the loader's steps. */
export interface LoadMessage extends ReadMessage {
  /** Its index in the read (what the preparer maps by). */
  readonly index: number;
  /** Where it is in the log (its dead letter's key). */
  readonly logId: string;
  readonly segment: number;
}

/** A message (or unreadable line) a step left out: dropped on purpose, or a dead letter. */
export interface SetAside {
  readonly kind: 'drop' | 'dead-letter';
  readonly step: string;
  readonly reason: string;
  readonly logId: string;
  readonly segment: number;
  readonly offset: number;
  readonly messageId: string | null;
  /** The line, when the step had it; otherwise read from the log before the commit. */
  readonly line?: string;
}

export interface LoadedChunk {
  readonly events: number;
  /** Lines dropped as replays of stored messageIds (or by a step such as a suppression list). */
  readonly duplicates: number;
  /** Lines set aside in events_dead_letter. */
  readonly deadLetters: number;
  /** Log lines consumed (events, drops, dead letters, blank lines). */
  readonly lines: number;
  /** Customer records the chunk touched. */
  readonly customerIds: readonly string[];
  /** Identifiers seen together by its identify and alias events (for incremental identity linking). */
  readonly links: readonly EventLink[];
  /** The userIds and anonymousIds its events came with. */
  readonly senders: readonly { readonly type: 'user_id' | 'anonymous_id'; readonly value: string }[];
  readonly position: LogPosition;
}

/** What the loader's steps pass on: one chunk of the log (or of dead letters being retried). */
export interface LoadState {
  readonly logId: string;
  readonly from: LogPosition;
  /** The position after the chunk, committed with its rows. */
  readonly next: LogPosition;
  readonly lines: number;
  /** Messages still on their way. */
  readonly live: readonly LoadMessage[];
  readonly setAside: readonly SetAside[];
  readonly mapped: MappedChunk | null;
  readonly tables: readonly StagedTable[];
  /** A closed segment read to its end: deleted once the position past it is committed. */
  readonly finishedSegment: number | null;
  /**
   * A trial run while isolating a refused message: `check` only reads the staged rows as typed
   * (where values fail), `merge` merges them too; either way the commit rolls back.
   */
  readonly trial: false | 'check' | 'merge';
  /** Set by the commit. */
  readonly loaded: LoadedChunk | null;
}

export type LoadStep = Step<LoadState>;

/** What the steps work with. */
export interface LoadContext {
  readonly engine: Engine;
  readonly preparer: ChunkPreparation;
  readonly folder: string;
  readonly maxBytes: number;
  /** The ids stored in `events` as the loader knows them (the dedupe asks the table about every id without it). */
  readonly storedIds?: StoredMessageIds;
  /**
   * Writes, in the commit's transaction and after the rows, what says how far the load got:
   * the dead letters and the log position (or, for a retry, the dead letters' new state).
   */
  readonly bookkeeping: (tx: Engine, state: LoadState, deadLetters: readonly DeadLetterRow[]) => Promise<void>;
  /** Told of each chunk of lines as it starts and ends (tests, tracing). */
  readonly trace?: (what: 'load-start' | 'load-end', position: LogPosition) => void;
  /** The line of a message set aside (default: read from the log at its position). */
  readonly lineOf?: (aside: SetAside) => string;
  /** Test hook: told after each write of a commit (LoaderOptions.onWrite). */
  readonly onWrite?: (what: string) => void | Promise<void>;
  /** Runs once a chunk is committed, before the state goes on (the loader keeps its position). */
  readonly committed?: (state: LoadState) => void;
}

/** A row of events_dead_letter. */
export interface DeadLetterRow {
  readonly logId: string;
  readonly segment: number;
  readonly offset: number;
  readonly messageId: string | null;
  readonly step: string;
  readonly reason: string;
  readonly line: string;
}

export function initialState(logId: string, from: LogPosition): LoadState {
  return { logId, from, next: from, lines: 0, live: [], setAside: [], mapped: null, tables: [], finishedSegment: null, trial: false, loaded: null };
}

function setAside(message: LoadMessage, kind: SetAside['kind'], step: string, reason: string): SetAside {
  return { kind, step, reason, logId: message.logId, segment: message.segment, offset: message.offset, messageId: message.messageId };
}

/**
 * A step that decides for each message on its own: ok, drop or dead-letter. Such as a
 * suppression list (drop the messages of erased persons), put between dedupe and map.
 */
export function messageStep(name: string, decide: (message: LoadMessage) => Outcome<unknown> | Promise<Outcome<unknown>>): LoadStep {
  return {
    name,
    async run(state) {
      const live: LoadMessage[] = [];
      const aside: SetAside[] = [];
      for (const message of state.live) {
        const outcome = await decide(message);
        if (outcome.kind === 'ok') live.push(message);
        else aside.push(setAside(message, outcome.kind, name, outcome.reason));
      }
      return ok({ ...state, live, setAside: aside.length > 0 ? [...state.setAside, ...aside] : state.setAside });
    },
  };
}

/** read: the complete lines after the position; lines that are not log entries are dead letters. */
export function readStep(context: LoadContext): LoadStep {
  return {
    name: 'read',
    async run(state) {
      const { from } = state;
      const segments = listSegments(context.folder);
      const later = segments.find((s) => s > from.segment);
      if (!segments.includes(from.segment)) {
        // Loaded to its end and deleted (the log identity check refuses a position whose segment went missing otherwise).
        return later === undefined ? drop('nothing new') : ok({ ...state, next: { segment: later, offset: 0 } });
      }
      const read = await context.preparer.read(from.segment, from.offset, context.maxBytes);
      if (read.lines === 0) {
        // A segment with a later one is closed: what is left of it is at most a line torn by a crash, never acknowledged.
        if (later === undefined) return drop('nothing new');
        return ok({ ...state, next: { segment: later, offset: 0 }, finishedSegment: from.segment });
      }
      const next = { segment: from.segment, offset: read.nextOffset };
      context.trace?.('load-start', next);
      const at = { logId: state.logId, segment: from.segment };
      return ok({
        ...state,
        next,
        lines: read.lines,
        live: read.messages.map((m, index) => ({ ...m, ...at, index })),
        setAside: read.unreadable.map((u) => ({
          kind: 'dead-letter' as const,
          step: 'read',
          reason: `not a log entry: ${u.reason}`,
          ...at,
          offset: u.offset,
          messageId: null,
          line: u.line,
        })),
      });
    },
  };
}

/** dedupe: messageIds already in `events`, or repeated within the chunk, are dropped. */
export function dedupeStep(context: LoadContext): LoadStep {
  return {
    name: 'dedupe',
    async run(state) {
      if (state.live.length === 0) return ok(state);
      const ids = state.live.map((m) => m.messageId);
      const stored = context.storedIds ? await context.storedIds.among(ids) : await storedMessageIds(context.engine, ids);
      const seen = new Set<string>();
      const live: LoadMessage[] = [];
      const aside: SetAside[] = [];
      for (const message of state.live) {
        if (stored.has(message.messageId)) aside.push(setAside(message, 'drop', 'dedupe', 'already stored'));
        else if (seen.has(message.messageId)) aside.push(setAside(message, 'drop', 'dedupe', 'repeated in the chunk'));
        else {
          seen.add(message.messageId);
          live.push(message);
        }
      }
      return ok({ ...state, live, setAside: [...state.setAside, ...aside] });
    },
  };
}

const NO_MAPPING: MappedChunk = { events: 0, customerIds: [], links: [], senders: [] };

/** map: the live messages to datamart rows (in the preparer); a mapping that throws refuses them. */
export function mapStep(context: LoadContext): LoadStep {
  return {
    name: 'map',
    async run(state) {
      if (state.live.length === 0) return ok({ ...state, mapped: NO_MAPPING });
      const mapped = await context.preparer.map(state.live.map((m) => m.index));
      return 'refused' in mapped ? deadLetter(mapped.refused) : ok({ ...state, mapped });
    },
  };
}

/** stage: the mapped rows laid out for the appender (a failure there is the machine's: it is retried, never a dead letter). */
export function stageStep(context: LoadContext): LoadStep {
  return {
    name: 'stage',
    async run(state) {
      if (state.live.length === 0) return ok({ ...state, tables: [] });
      return ok({ ...state, tables: await context.preparer.stage() });
    },
  };
}

/** Errors of the datamart that a message's values cause (a bad JSON string, a cast, a range). */
const DATA_ERROR = /^(Invalid Input|Conversion|Out of Range|Constraint|Invalid type|Mismatch Type) Error/;

/** Thrown inside a trial's transaction to roll it back. */
const TRIAL_ROLLBACK = new Error('trial load rolled back');

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text a database string can hold: no lone surrogates, no NUL. */
export function storable(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').replaceAll('\u0000', '\uFFFD');
}

/** DuckDB's message without the staging file's path and line, which say nothing of the message: the table instead. */
function datamartReason(message: string): string {
  return message
    .replace(/ in file "[^"]*?([a-z_]+)\.jsonl"/, ' in the $1 rows')
    .replace(/,? (at byte \d+ )?in line \d+/, '')
    .trim();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function deadLetterRows(context: LoadContext, state: LoadState): Promise<DeadLetterRow[]> {
  const rows: DeadLetterRow[] = [];
  for (const aside of state.setAside) {
    if (aside.kind !== 'dead-letter') continue;
    const line = aside.line ?? (context.lineOf ? context.lineOf(aside) : await readLineAt(context.folder, aside.segment, aside.offset));
    rows.push({ logId: aside.logId, segment: aside.segment, offset: aside.offset, messageId: aside.messageId, step: aside.step, reason: storable(aside.reason), line: storable(line) });
  }
  return rows;
}

/**
 * commit: the staged rows, the dead letters and the position in one transaction. Rows the
 * datamart refuses for their values refuse the chunk (the isolating step finds the culprit);
 * any other failure (disk, memory) is thrown, and the chunk is tried again at the next load.
 */
export function commitStep(context: LoadContext): LoadStep {
  return {
    name: 'commit',
    async run(state) {
      const deadLetters = state.trial ? [] : await deadLetterRows(context, state);
      try {
        await context.engine.transaction(async (tx) => {
          if (state.trial === 'check') await checkStaged(tx, state.tables);
          else await writeStaged(tx, state.tables, context.onWrite);
          if (state.trial) throw TRIAL_ROLLBACK;
          await context.bookkeeping(tx, state, deadLetters);
        });
      } catch (error) {
        // What the table holds after a failed or trial write is the engine's to say (a ClickHouse
        // insert is not undone): the dedupe's filter is built from the table again.
        context.storedIds?.forget();
        if (error === TRIAL_ROLLBACK) return ok(state);
        if (!DATA_ERROR.test(messageOf(error))) throw error;
        return deadLetter(datamartReason(messageOf(error)));
      }
      // Every live message has its events row now (the dedupe's filter must never miss one).
      context.storedIds?.remember(state.live.map((m) => m.messageId));
      const mapped = state.mapped ?? NO_MAPPING;
      const loaded: LoadedChunk = {
        events: state.live.length,
        duplicates: state.setAside.filter((a) => a.kind === 'drop').length,
        deadLetters: deadLetters.length,
        lines: state.lines,
        customerIds: mapped.customerIds,
        links: mapped.links,
        senders: mapped.senders,
        position: state.next,
      };
      const committed = { ...state, loaded };
      context.committed?.(committed);
      if (state.lines > 0) context.trace?.('load-end', state.next);
      return ok(committed);
    },
  };
}

/**
 * Runs `steps` (map, stage, commit) over the live messages; when one refuses them all, finds the
 * messages that fail alone by halves in trial runs (rolled back), sets them aside as dead letters
 * with that step's name and reason, and runs the rest again, in the same load: one bad message
 * never holds the others back. Fails only when no message fails alone.
 */
export function isolating(steps: readonly LoadStep[], trialsRollBack = true): LoadStep {
  return {
    name: steps.map((s) => s.name).join(', '),
    async run(state) {
      let current = state;
      for (;;) {
        const result = await runSteps(steps, current);
        if (result.kind === 'ok') return ok(result.value);
        if (result.kind === 'drop') return drop(result.reason);
        const trial =
          (mode: 'check' | 'merge') =>
          async (part: readonly LoadMessage[]): Promise<Refusal | null> => {
            const tried = await runSteps(steps, { ...current, live: part, setAside: [], trial: mode });
            return tried.kind === 'ok' ? null : { step: tried.step, reason: tried.reason };
          };
        // Values fail where the staged rows are read (cheap trials); a refusal only the merge gives
        // needs full ones, which roll back only where there are transactions (a merge trial on
        // ClickHouse would write the rows for good, and the real commit write them again).
        let culprits = await isolate(current.live, result, trial('check'));
        if (culprits.length === 0 && trialsRollBack) culprits = await isolate(current.live, result, trial('merge'));
        if (culprits.length === 0) {
          throw new Error(`the load of ${current.live.length} messages failed at ${result.step} (${result.reason}), but no message fails alone`);
        }
        const bad = new Set(culprits.map((c) => c.item));
        current = {
          ...current,
          live: current.live.filter((m) => !bad.has(m)),
          setAside: [...current.setAside, ...culprits.map((c) => setAside(c.item, 'dead-letter', c.step, c.reason))],
        };
      }
    },
  };
}

/** The loader's steps, in order: `read -> dedupe -> [beforeMap] -> map -> stage -> commit -> [afterCommit]`. */
export function loadSteps(
  context: LoadContext,
  extra: { readonly beforeMap?: readonly LoadStep[]; readonly afterCommit?: readonly LoadStep[] } = {},
): LoadStep[] {
  return [
    readStep(context),
    dedupeStep(context),
    ...(extra.beforeMap ?? []),
    isolating([mapStep(context), stageStep(context), commitStep(context)], context.engine.dialect.supportsTransactions),
    ...(extra.afterCommit ?? []),
  ];
}
