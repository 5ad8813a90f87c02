import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventLog, logLine, logLinePrefix } from '../../src/collect/events/index.js';
import { ChunkPreparer } from '../../src/collect/events/prepare.js';

function track(id: string, userId: string): string {
  return JSON.stringify({ type: 'track', event: 'Product Viewed', messageId: id, userId, properties: { sku: 'S1' } });
}

describe('ChunkPreparer reading ahead', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'fidelis-ahead-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  async function writeLog(ids: readonly string[]): Promise<number[]> {
    const log = new EventLog(folder);
    const prefix = logLinePrefix(new Date('2026-01-01T00:00:00Z'), 'k');
    const lines = ids.map((id, i) => logLine(prefix, id, track(id, `u${i}`)));
    await log.append(lines);
    await log.close();
    return lines.map((l) => Buffer.byteLength(l) + 1);
  }

  it('maps a chunk read ahead again without the messageIds the datamart already holds', async () => {
    const sizes = await writeLog(['a', 'b', 'c', 'a']);
    const firstTwo = (sizes[0] ?? 0) + (sizes[1] ?? 0);
    const preparer = new ChunkPreparer({ folder, keyPages: [] });
    const first = await preparer.read(1, 0, firstTwo);
    expect(first.messageIds).toEqual(['a', 'b']);
    expect((await preparer.stage([])).events).toBe(2);
    // The next chunk (c and a replayed) was read and mapped ahead, guessing nothing of it was stored.
    const second = await preparer.read(1, first.nextOffset, firstTwo);
    expect(second.messageIds).toEqual(['c', 'a']);
    const staged = await preparer.stage(['a']);
    expect(staged.events).toBe(1);
    expect(staged.duplicates).toBe(1);
    const events = staged.tables.find((t) => t.name === 'events');
    expect(events?.rows.map((r) => r[0])).toEqual(['c']);
    await preparer.close();
  });

  it('reads for itself when asked for another range than the one read ahead', async () => {
    const sizes = await writeLog(['a', 'b', 'c']);
    const preparer = new ChunkPreparer({ folder, keyPages: [] });
    const first = await preparer.read(1, 0, sizes[0] ?? 0);
    await preparer.stage([]);
    // Larger than the range read ahead (b alone): both remaining lines.
    const second = await preparer.read(1, first.nextOffset, 1 << 20);
    expect(second.messageIds).toEqual(['b', 'c']);
    expect((await preparer.stage([])).events).toBe(2);
    await preparer.close();
  });
});
