import type { PipelineStep } from '../kernel/index.js';
import { resolveIdentities } from './resolve.js';

const READS = ['customers', 'identifiers', 'identity_links', 'identity_blocks', 'person_ids'];
const WRITES = ['customer_persons', 'identity_nodes', 'person_identifiers', 'identity_merges', 'person_ids', 'person_redirects', 'person_profiles'];

/**
 * The map from customer records to persons that every per-customer computation goes through,
 * made by complete identity resolution: records linked by shared normalised identifiers, under
 * the over-merge limits, the one-userId rule and the blocks left by splits (docs/identity.md).
 * Also writes the identity tables (merge log, ids, redirects) and person_profiles.
 * The same code on every engine: the graph is built in SQL, read as typed columns a batch at a
 * time into the union-find, and the answer written back as columns (src/identity/bulk.ts).
 * Why not connected components by label propagation in SQL (the other bounded-memory road on
 * ClickHouse): the rules refuse a link on the state of the two components it would join, which
 * min-label propagation cannot do (src/identity/graph.ts); and one code path gives ClickHouse
 * DuckDB's persons exactly. Memory: the graph's typed arrays plus one batch of rows.
 */
export const customerPersons: PipelineStep = {
  name: 'customer_persons',
  reads: READS,
  writes: WRITES,
  requires: [],
  async run({ engine, config }) {
    await resolveIdentities(engine, config);
  },
};
