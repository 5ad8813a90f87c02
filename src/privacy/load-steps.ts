import { drop, messageStep, ok, type LoadStep } from '../collect/events/index.js';
import type { Engine } from '../store/index.js';
import { retentionSchedule } from './retention.js';
import { suppressInLog } from './suppression.js';

// Privacy's steps of the event loader: any loader of the log (the server's, a test's) puts
// `suppress` before the mapping and `retention` after the commit.

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

