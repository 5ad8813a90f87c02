import type { SqlValue, TableSpec } from '../../store/index.js';
import { tableSpec } from '../../store/index.js';
import { EVENTS_TABLE, RAW_EVENTS_TABLE } from './tables.js';

export type EventRow = Record<string, SqlValue | undefined>;

/**
 * How rows of one table meet rows with the same key: `keep` adds only keys not seen yet (the
 * first, i.e. earliest, occurrence wins: ids, first-seen times, responses); `update` lets a later
 * row's non-empty values replace earlier ones, column by column (declared traits, orders);
 * `append` adds every row without looking the table up, for rows known to be new: `events` is
 * keyed by messageId, and the loader maps only messageIds it found neither stored nor repeated
 * in the chunk (the lookup scanned the whole table at every load).
 */
export type MergePolicy = 'append' | 'keep' | 'update';

export interface TableTarget {
  readonly spec: TableSpec;
  readonly policy: MergePolicy;
}

/** Tables the mapping writes, in dependency order (referenced tables first). */
export const TARGETS = {
  customers: { spec: tableSpec('customers'), policy: 'update' },
  identifiers: { spec: tableSpec('identifiers'), policy: 'keep' },
  consents: { spec: tableSpec('consents'), policy: 'update' },
  products: { spec: tableSpec('products'), policy: 'keep' },
  orders: { spec: tableSpec('orders'), policy: 'update' },
  order_lines: { spec: tableSpec('order_lines'), policy: 'update' },
  campaigns: { spec: tableSpec('campaigns'), policy: 'keep' },
  contacts: { spec: tableSpec('contacts'), policy: 'keep' },
  responses: { spec: tableSpec('responses'), policy: 'keep' },
  web_events: { spec: tableSpec('web_events'), policy: 'keep' },
  raw_events: { spec: RAW_EVENTS_TABLE, policy: 'keep' },
  events: { spec: EVENTS_TABLE, policy: 'append' },
} as const satisfies Record<string, TableTarget>;

export type TargetName = keyof typeof TARGETS;
export const TARGET_ORDER = Object.keys(TARGETS) as TargetName[];

/** Rows gathered from a chunk of events, one per natural key and table. */
export class RowSet {
  private readonly tables = new Map<TargetName, Map<string, EventRow>>();

  /** Adds a row the set then owns (it may change it when a later row of the same key updates it). */
  add(table: TargetName, row: EventRow): void {
    const { spec, policy } = TARGETS[table];
    let rows = this.tables.get(table);
    if (!rows) {
      rows = new Map();
      this.tables.set(table, rows);
    }
    const key = spec.key.length === 1 ? keyPart(row[spec.key[0] as string]) : spec.key.map((k) => keyPart(row[k])).join('\u0001');
    const existing = rows.get(key);
    if (!existing) rows.set(key, row);
    else if (policy === 'update') {
      for (const [column, value] of Object.entries(row)) {
        if (value !== null && value !== undefined) existing[column] = value;
      }
    }
  }

  rows(table: TargetName): EventRow[] {
    return [...(this.tables.get(table)?.values() ?? [])];
  }

  count(table: TargetName): number {
    return this.tables.get(table)?.size ?? 0;
  }
}

function keyPart(value: SqlValue | undefined): string {
  if (value instanceof Date) return value.toISOString();
  return String(value ?? '');
}
