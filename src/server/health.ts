import type { EventCollector, LoaderLag } from '../collect/events/index.js';

/** The answer of GET /health: no key needed, nothing personal, cheap (file sizes and counters). */
export interface Health {
  readonly ok: true;
  /** Absent on an app without a collector. */
  readonly loader?: {
    /** Acknowledged (in the log) and not yet loaded into the datamart. */
    readonly lag: LoaderLag;
    /** Rows of events_dead_letter (null before the loader's first look at the datamart). */
    readonly deadLetters: number | null;
  };
}

export async function health(collector: EventCollector | undefined): Promise<Health> {
  if (!collector) return { ok: true };
  return { ok: true, loader: { lag: await collector.lag(), deadLetters: collector.loader.deadLetters } };
}
