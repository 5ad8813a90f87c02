import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventCollector } from '../collect/events/index.js';
import type { Message } from '../collect/events/messages.js';
import { segmentPath } from '../collect/events/segment-files.js';
import { parseConfig } from '../config/index.js';
import { sql } from '../store/index.js';
import { openStore } from '../schema/index.js';
import { applyRetention, retentionSchedule } from './retention.js';

const track = (id: string, at: string, event = 'Product Viewed'): Message =>
  ({ type: 'track', messageId: id, userId: `u-${id}`, event, timestamp: at, properties: { sku: 'S1' } }) as unknown as Message;

describe('retention (collect.retention)', () => {
  it('deletes events, raw events and loaded log lines older than the retention, and keeps the rest', async () => {
    const engine = await openStore(':memory:');
    const folder = mkdtempSync(join(tmpdir(), 'fidelis-retention-'));
    try {
      const collector = new EventCollector(engine, { folder, intervalMs: 60_000, maxEvents: 1_000_000, keyPages: [], worker: false });
      await collector.accept([track('old', '2026-01-10T00:00:00Z'), track('old-raw', '2026-01-10T00:00:00Z', 'Custom Thing')], new Date('2026-01-10T00:00:01Z'), 'k');
      await collector.accept([track('new', '2026-11-20T00:00:00Z'), track('new-raw', '2026-11-20T00:00:00Z', 'Custom Thing')], new Date('2026-11-20T00:00:01Z'), 'k');
      await collector.drain();
      // Appended after the load: not loaded yet, so kept in the log whatever its age.
      await collector.accept([track('old-unloaded', '2026-01-11T00:00:00Z')], new Date('2026-01-11T00:00:01Z'), 'k');
      await collector.close();
      // A closed segment the loader has passed but not deleted, last written long ago; and a recent one.
      writeFileSync(segmentPath(folder, 0), '{"old":true}\n');
      utimesSync(segmentPath(folder, 0), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
      await engine.exec(sql`UPDATE event_log_position SET segment = 1`);

      const report = await applyRetention(engine, folder, 30, new Date('2026-11-25T00:00:00Z'));
      expect(report).toMatchObject({ events: 2, rawEvents: 1, segments: 1, lines: 2 });
      expect((await engine.query<{ message_id: string }>(sql`SELECT message_id FROM events ORDER BY message_id`)).map((r) => r.message_id)).toEqual(['new', 'new-raw']);
      expect((await engine.query<{ message_id: string }>(sql`SELECT message_id FROM raw_events`)).map((r) => r.message_id)).toEqual(['new-raw']);
      const log = readFileSync(segmentPath(folder, 1), 'utf8');
      expect(log).not.toContain('"old"');
      expect(log).not.toContain('old-raw');
      expect(log).toContain('"new"');
      expect(log).toContain('old-unloaded');
      expect(log.split('\n').filter((l) => l.trim() === '' && l !== '')).toHaveLength(2);
      expect(() => readFileSync(segmentPath(folder, 0))).toThrow();
    } finally {
      await engine.close();
    }
  });

  it('runs at most once per period, and never without a retention', async () => {
    const engine = await openStore(':memory:');
    const folder = mkdtempSync(join(tmpdir(), 'fidelis-retention-'));
    try {
      const hourly = retentionSchedule(30);
      const now = new Date('2026-11-25T00:00:00Z');
      expect(await hourly(engine, folder, now)).not.toBeNull();
      expect(await hourly(engine, folder, new Date(now.getTime() + 59 * 60_000))).toBeNull();
      expect(await hourly(engine, folder, new Date(now.getTime() + 61 * 60_000))).not.toBeNull();
      expect(await retentionSchedule(null)(engine, folder, now)).toBeNull();
    } finally {
      await engine.close();
    }
  });

  it('is off by default, and refuses less than a day', () => {
    expect(parseConfig({}).collect.retention).toBeNull();
    expect(parseConfig({ collect: { retention: 395 } }).collect.retention).toBe(395);
    expect(() => parseConfig({ collect: { retention: 0 } })).toThrow(/collect\.retention/);
  });
});
