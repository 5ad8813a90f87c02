import { describe, expect, it } from 'vitest';
import { EVENT_TABLES } from '../collect/events/tables.js';
import { IDENTITY_TABLES } from '../identity/tables.js';
import { SNAPSHOT_TABLE, SYSTEM_TABLES, TABLES, type TableSpec } from '../store/index.js';
import { AUDIT_LOG_TABLE } from './audit.js';
import { SUPPRESSION_TABLE } from './suppression-table.js';
import { erasureRule, tableLinks } from './tables.js';

const SPECS: readonly TableSpec[] = [...TABLES, ...SYSTEM_TABLES, ...EVENT_TABLES, ...IDENTITY_TABLES, SNAPSHOT_TABLE, AUDIT_LOG_TABLE, SUPPRESSION_TABLE];

/** A column that, by what its spec says, names a person, one of his records, his Segment ids, or a row of a personal table. */
function namesSomeone(table: TableSpec): string[] {
  return table.columns
    .filter((c) => ('references' in c && c.references !== undefined) || /customer record|person\b|\bnode\b|userId|anonymousId|anonymous id/i.test(c.doc))
    .map((c) => c.name);
}

describe('personal tables from the specs', () => {
  it('covers every spec table with a column that names a person, a record, his ids or a personal row', () => {
    const missed = SPECS.filter((t) => namesSomeone(t).length > 0 && tableLinks(t.name, t.columns.map((c) => c.name)).length === 0).map((t) => t.name);
    // The suppression list names identifier kinds but holds hashes only: it must outlive the erasure.
    expect(missed).toEqual(['suppressed_identifiers']);
    const covered = SPECS.filter((t) => tableLinks(t.name, t.columns.map((c) => c.name)).length > 0).map((t) => t.name).sort();
    expect(covered).toEqual(
      [
        'audit_log', 'consents', 'contacts', 'customer_snapshots', 'customers', 'events', 'identifiers', 'identity_blocks', 'identity_links',
        'identity_merges', 'identity_nodes', 'order_lines', 'orders', 'person_identifiers', 'person_ids', 'person_redirects', 'raw_events',
        'referrals', 'responses', 'returns', 'surveys', 'tickets', 'web_events',
      ].sort(),
    );
  });

  it('keeps orders under a pseudonym with their lines and returns, and the audit log; deletes the rest', () => {
    const rule = (name: string): string => {
      const spec = SPECS.find((t) => t.name === name);
      return erasureRule(name, tableLinks(name, spec ? spec.columns.map((c) => c.name) : []));
    };
    expect(['orders', 'order_lines', 'returns', 'audit_log', 'responses', 'tickets', 'events'].map(rule)).toEqual(['pseudonymise', 'keep', 'keep', 'keep', 'delete', 'delete', 'delete']);
    // A derived table of the pipeline, known by its column names only.
    expect(tableLinks('customer_list', ['person_id', 'email', 'phone'])).toEqual([{ kind: 'person', column: 'person_id' }]);
    expect(erasureRule('order_facts', tableLinks('order_facts', ['order_id', 'customer_id']))).toBe('pseudonymise');
  });
});
