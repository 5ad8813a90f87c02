import type { PipelineStep } from '../kernel/index.js';

type IndexedColumn = readonly [table: string, column: string];

/** The columns the profile API and the customer card look rows up by. */
export const LOOKUP_INDEXES: readonly IndexedColumn[] = [
  ['customer_classes', 'person_id'],
  ['customer_digital', 'person_id'],
  ['customer_next_offers', 'person_id'],
  ['customer_category_affinity', 'person_id'],
  ['customer_category_gaps', 'person_id'],
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
 * The columns the customer 360's timeline reads one person's history by: his records' orders,
 * their lines and returns, contacts and the reactions to them, web events, tickets, surveys. These
 * are collected tables, never rebuilt by a step, so each index is built once (by the first run
 * that finds the table) and kept up to date by every later insert, the event loader's included:
 * rows collected after a run show in the 360 at once. On the 1M-customer demo company the first
 * build takes ~45 s (responses' 19.5M rows ~21 s, contacts' 15.8M ~7 s) and later runs nothing.
 */
export const HISTORY_INDEXES: readonly IndexedColumn[] = [
  ['orders', 'customer_id'],
  ['order_lines', 'order_id'],
  ['returns', 'order_id'],
  ['contacts', 'customer_id'],
  ['responses', 'contact_id'],
  ['web_events', 'customer_id'],
  ['tickets', 'customer_id'],
  ['surveys', 'customer_id'],
];

/**
 * The tracked events of a profile read live (a person changed since the run), by record, userId
 * or anonymousId: kept up to date by the loader's inserts like the history indexes (three index
 * inserts an event).
 */
export const EVENT_INDEXES: readonly IndexedColumn[] = [
  ['events', 'customer_id'],
  ['events', 'user_id'],
  ['events', 'anonymous_id'],
];

const ALL = [...LOOKUP_INDEXES, ...HISTORY_INDEXES, ...EVENT_INDEXES];

/** The name of the index on a table's column. */
export const indexName = (table: string, column: string): string => `${table}_by_${column}`;

/**
 * Indexes for point lookups, built last: the steps before rebuild their tables, which drops any
 * index. Without them a profile on a million customers scans every table (~700 ms) and a 360
 * reads ~1.5 s of event tables; with them each lookup is an index probe. DuckDB only probes an
 * index for an equality or IN on its one column, so the readers filter on that column alone.
 */
export const lookupIndexes: PipelineStep = {
  name: 'lookup_indexes',
  reads: [...new Set(ALL.map(([table]) => table))],
  writes: [],
  requires: [],
  async run({ engine }) {
    const present = new Set((await engine.query<{ name: string }>(engine.dialect.existingTables([...new Set(ALL.map(([t]) => t))]))).map((r) => r.name));
    for (const [table, column] of ALL) {
      if (!present.has(table)) continue;
      const statement = engine.dialect.createIndex(indexName(table, column), table, [column]);
      if (statement) await engine.exec(statement);
    }
  },
};
