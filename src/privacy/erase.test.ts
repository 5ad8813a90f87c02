import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/index.js';
import { sql } from '../store/index.js';
import { openStore } from '../schema/index.js';
import { readAudit } from './audit.js';
import { erasePerson } from './erase.js';
import { exportPerson } from './export.js';

const line = (message: Record<string, unknown>): string => JSON.stringify({ id: 'x', receivedAt: '2026-01-01T00:00:00.000Z', keyId: 'k', message });

// Before any `fidelis run` (no identity tables filled): a record id names that record alone.
describe('erasure of a record before identity resolution', () => {
  it('deletes his rows, keeps his orders under one pseudonym, and finds his dead letters by the message inside', async () => {
    const engine = await openStore(':memory:');
    const config = parseConfig({});
    try {
      await engine.exec(sql`INSERT INTO customers (customer_id, source, first_name) VALUES ('C1', 'store', 'Ann'), ('C2', 'store', 'Bob')`);
      await engine.exec(sql`INSERT INTO identifiers VALUES ('C1', 'email', ' Ann@Example.com', 'store', NULL), ('C1', 'user_id', 'u-ann', 'web', NULL),
        ('C2', 'email', 'bob@example.com', 'store', NULL)`);
      await engine.exec(sql`INSERT INTO products (sku, name, category) VALUES ('S1', 'Spade', 'garden')`);
      await engine.exec(sql`INSERT INTO orders VALUES ('O1', 'C1', ${new Date('2026-01-01')}, 'store', NULL, NULL), ('O2', 'C1', ${new Date('2026-02-01')}, 'web', NULL, NULL),
        ('O3', 'C2', ${new Date('2026-02-01')}, 'web', NULL, NULL)`);
      await engine.exec(sql`INSERT INTO order_lines VALUES ('O1', 1, 'S1', 1, 10, 0, NULL), ('O3', 1, 'S1', 2, 10, 0, NULL)`);
      await engine.exec(sql`INSERT INTO events (message_id, type, user_id, "timestamp", received_at) VALUES ('e1', 'track', 'u-ann', ${new Date()}, ${new Date()}), ('e2', 'track', 'u-bob', ${new Date()}, ${new Date()})`);
      // The loader's dead letters keep whole log lines (src/collect/events/tables.ts on the loader's side).
      await engine.exec(`CREATE TABLE IF NOT EXISTS events_dead_letter (log_id VARCHAR, segment BIGINT, "offset" BIGINT, message_id VARCHAR, step VARCHAR, reason VARCHAR, line VARCHAR, failed_at TIMESTAMP)`);
      await engine.exec(sql`INSERT INTO events_dead_letter (log_id, segment, "offset", message_id, step, reason, line, failed_at) VALUES
        ('L', 1, 0, 'd1', 'map', 'r', ${line({ type: 'track', userId: 'u-ann' })}, ${new Date()}),
        ('L', 1, 10, 'd2', 'map', 'r', ${line({ type: 'identify', anonymousId: 'z', traits: { email: 'ANN@example.com ' } })}, ${new Date()}),
        ('L', 1, 20, 'd3', 'map', 'r', ${line({ type: 'track', userId: 'u-bob' })}, ${new Date()}),
        ('L', 1, 30, NULL, 'read', 'unreadable', '{"torn', ${new Date()})`);

      const exported = await exportPerson(engine, config, 'C1', 'test');
      expect(Object.fromEntries(Object.entries(exported.tables).filter(([, rows]) => rows.length > 0).map(([t, rows]) => [t, rows.length]))).toEqual({
        customers: 1, identifiers: 2, orders: 2, order_lines: 1, events: 1, events_dead_letter: 2,
      });

      const erasure = await erasePerson(engine, config, 'C1', 'test');
      expect(erasure.rows).toEqual({ customers: 1, identifiers: 2, orders: 2, events: 1, events_dead_letter: 2 });
      const orders = await engine.query<{ order_id: string; customer_id: string }>(sql`SELECT order_id, customer_id FROM orders ORDER BY order_id`);
      expect(orders.map((o) => o.order_id)).toEqual(['O1', 'O2', 'O3']);
      expect(new Set(orders.slice(0, 2).map((o) => o.customer_id)).size).toBe(1);
      expect(orders[0]?.customer_id).toMatch(/^erased-/);
      expect(orders[2]?.customer_id).toBe('C2');
      expect(await engine.query(sql`SELECT count(*) AS n FROM order_lines`)).toEqual([{ n: 2 }]);
      expect((await engine.query<{ message_id: string | null }>(sql`SELECT message_id FROM events_dead_letter ORDER BY "offset"`)).map((r) => r.message_id)).toEqual(['d3', null]);
      expect((await engine.query<{ customer_id: string }>(sql`SELECT DISTINCT customer_id FROM identifiers`)).map((r) => r.customer_id)).toEqual(['C2']);
      expect(erasure.suppressed).toBe(2);
      const [entry] = await readAudit(engine);
      expect(entry).toMatchObject({ action: 'person_erase', subject: 'C1', actor: 'test', row_count: 8 });
      expect(entry?.detail).not.toMatch(/ann/i);
    } finally {
      await engine.close();
    }
  });
});
