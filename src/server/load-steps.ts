import { ok, type LoadStep } from '../collect/events/index.js';
import type { Config } from '../config/index.js';
import { linkIdentifiers } from '../identity/index.js';
import type { ProfileReader } from '../profiles/index.js';
import type { Engine } from '../store/index.js';

// The server's own steps of the loader, run after each commit (serve.ts puts them in the list,
// with privacy's suppress and retention steps).

/**
 * link identities: incremental linking of the identifiers a committed chunk's identify and alias
 * events saw together (the complete resolution runs with `fidelis run`).
 */
export function linkIdentitiesStep(config: Config, engine: Engine): LoadStep {
  return {
    name: 'link identities',
    async run(state) {
      const links = state.loaded?.links ?? [];
      // Linking merges persons with UPDATE and DELETE in a transaction, which ClickHouse lacks: there
      // the complete resolution of the next `fidelis run` links the chunk's identifiers.
      if (links.length === 0 || !engine.dialect.supportsDelete) return ok(state);
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
