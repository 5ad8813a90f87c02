import type { PipelineStep } from '../pipeline/step.js';

/** The columns the profile API and the customer card look rows up by. */
export const LOOKUP_INDEXES: readonly (readonly [table: string, column: string])[] = [
  ['customer_classes', 'person_id'],
  ['customer_digital', 'person_id'],
  ['customer_next_offers', 'person_id'],
  ['customer_category_affinity', 'person_id'],
  ['person_profiles', 'person_id'],
  ['person_identifiers', 'person_id'],
  ['person_identifiers', 'value'],
  ['identity_nodes', 'person_id'],
  ['identity_nodes', 'node_id'],
  ['person_redirects', 'old_id'],
  ['customer_persons', 'customer_id'],
  ['customer_persons', 'person_id'],
  ['consents', 'customer_id'],
];

/**
 * Indexes for point lookups, built last: the steps before rebuild their tables, which drops any
 * index. Without them a profile on a million customers scans every table (~700 ms); with them
 * each lookup is an index probe.
 */
export const lookupIndexes: PipelineStep = {
  name: 'lookup_indexes',
  reads: LOOKUP_INDEXES.map(([table]) => table),
  writes: [],
  async run({ engine }) {
    const present = new Set(
      (await engine.query<{ name: string }>(engine.dialect.existingTables([...new Set(LOOKUP_INDEXES.map(([t]) => t))]))).map((r) => r.name),
    );
    for (const [table, column] of LOOKUP_INDEXES) {
      if (!present.has(table)) continue;
      const statement = engine.dialect.createIndex(`${table}_by_${column}`, table, [column]);
      if (statement) await engine.exec(statement);
    }
  },
};
