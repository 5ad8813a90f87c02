import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventLoader } from '../collect/events/loader.js';
import { EventLog } from '../collect/events/log.js';
import { segmentPath } from '../collect/events/segment-files.js';
import { sql } from '../store/index.js';
import { openStore } from '../schema/index.js';
import { scrubLog } from './log-compaction.js';

const line = (id: string, userId: string): string =>
  JSON.stringify({ id, receivedAt: '2026-11-20T00:00:00.000Z', keyId: 'k', message: { type: 'track', messageId: id, userId, event: 'Product Viewed', timestamp: '2026-11-20T00:00:00.000Z' } });

describe('log scrub', () => {
  it('blanks his lines in a closed segment (swapped whole) and in the one being appended to (in place), every offset unchanged', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'fidelis-scrub-'));
    const closed = new EventLog(folder);
    await closed.append([line('a', 'him'), line('b', 'other')]);
    await closed.close();
    const active = new EventLog(folder);
    await active.append([line('c', 'him'), line('d', 'other')]);
    const sizes = [statSync(segmentPath(folder, 1)).size, statSync(segmentPath(folder, 2)).size];
    const offsetOfB = readFileSync(segmentPath(folder, 1), 'utf8').indexOf('"id":"b"');

    expect(scrubLog(folder, (entry) => entry.message.userId === 'him', { activeSegment: 2 })).toEqual({ segments: 2, lines: 2 });
    expect([statSync(segmentPath(folder, 1)).size, statSync(segmentPath(folder, 2)).size]).toEqual(sizes);
    const first = readFileSync(segmentPath(folder, 1), 'utf8');
    expect(first).not.toContain('him');
    expect(first.indexOf('"id":"b"')).toBe(offsetOfB);
    expect(first.split('\n')[0]).toMatch(/^ +$/);
    // The server goes on appending to the file it holds, after the blanked line.
    await active.append([line('e', 'other')]);
    await active.close();
    expect(readFileSync(segmentPath(folder, 2), 'utf8')).not.toContain('him');
    expect(scrubLog(folder, (entry) => entry.message.userId === 'him')).toEqual({ segments: 0, lines: 0 });

    const engine = await openStore(':memory:');
    try {
      const loader = new EventLoader(engine, { folder, keyPages: [] });
      while ((await loader.loadOnce()) !== null);
      expect((await engine.query<{ message_id: string }>(sql`SELECT message_id FROM events ORDER BY message_id`)).map((r) => r.message_id)).toEqual(['b', 'd', 'e']);
      await loader.close();
    } finally {
      await engine.close();
    }
  });
});
