import { drop, messageStep, ok, type LoadStep } from '../collect/events/index.js';
import type { Config } from '../config/index.js';
import { linkIdentifiers } from '../identity/index.js';
import { retentionSchedule, suppressInLog } from '../privacy/index.js';
import type { ProfileReader } from '../profiles/index.js';
import type { Engine } from '../store/index.js';

// The server's own steps of the loader (serve.ts puts them in the list): suppress before the
// mapping, the others after each commit.

/**
 * suppress: messages naming an erased person (an identifier on the suppression list) are dropped,
 * not dead-lettered (a dead letter keeps the line, and the line is what the erasure removed), and
 * their lines are blanked in the log in place. Reads the chunk's lines only when the list is not empty.
 */
export function suppressStep(engine: Engine, folder: string): LoadStep {
  return {
    name: 'suppress',
    async run(state) {
      if (state.live.length === 0) return ok(state);
      const suppressed = await suppressInLog(engine, folder, state.from.segment, state.from.offset, state.next.offset);
      if (suppressed.size === 0) return ok(state);
      const decide = messageStep('suppress', (m) => {
        const reason = suppressed.get(m.messageId);
        return reason === undefined ? ok(m) : drop(reason);
      });
      return decide.run(state);
    },
  };
}

/**
 * retention: `collect.retention` applied between loads, at most once an hour (src/privacy/retention.ts);
 * `activeSegment` is the log segment being appended to, overwritten in place rather than swapped.
 */
export function retentionStep(engine: Engine, folder: string, days: number | null, activeSegment: () => number | null): LoadStep {
  const apply = retentionSchedule(days);
  return {
    name: 'retention',
    async run(state) {
      await apply(engine, folder, new Date(), activeSegment());
      return ok(state);
    },
  };
}

/**
 * link identities: incremental linking of the identifiers a committed chunk's identify and alias
 * events saw together (the complete resolution runs with `fidelis run`).
 */
export function linkIdentitiesStep(config: Config, engine: Engine): LoadStep {
  return {
    name: 'link identities',
    async run(state) {
      const links = state.loaded?.links ?? [];
      if (links.length === 0) return ok(state);
      try {
        await linkIdentifiers(engine, config, links);
      } catch (error) {
        // The rows are committed; the next complete resolution (fidelis run) links them.
        process.stderr.write(`fidelis serve: identity linking failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
      return ok(state);
    },
  };
}

/** mark profiles: from now on the people a committed chunk touched are read live, not from the run's documents. */
export function markProfilesStep(profiles: ProfileReader): LoadStep {
  return {
    name: 'mark profiles',
    run(state) {
      const chunk = state.loaded;
      if (chunk !== null && chunk.events > 0) {
        profiles.changed({ records: chunk.customerIds, identifiers: [...chunk.senders, ...chunk.links.flatMap((l) => l.identifiers)] });
      }
      return ok(state);
    },
  };
}
