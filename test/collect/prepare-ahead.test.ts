import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventLog, logLine, logLinePrefix, segmentPath } from '../../src/collect/events/index.js';
import { ChunkPreparer } from '../../src/collect/events/prepare.js';
import type { StagedTable } from '../../src/collect/events/write.js';
import { appendColumnValues } from '../../src/store/index.js';

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

  const eventIds = (tables: readonly StagedTable[]): unknown[] => {
    const ids = tables.find((t) => t.name === 'events')?.columns[0];
    return ids ? [...appendColumnValues(ids)] : [];
  };

  it('serves the next read from the chunk read ahead, and maps again when only some of its messages are asked for', async () => {
    const sizes = await writeLog(['a', 'b', 'c', 'd']);
    const firstTwo = (sizes[0] ?? 0) + (sizes[1] ?? 0);
    const preparer = new ChunkPreparer({ folder, keyPages: [] });
    const first = await preparer.read(1, 0, firstTwo);
    expect(first.messages.map((m) => m.messageId)).toEqual(['a', 'b']);
    await preparer.map([0, 1]);
    expect(eventIds(await preparer.stage())).toEqual(['a', 'b']);
    // The next chunk (c, d) is read and mapped ahead once the first is staged.
    const second = await preparer.read(1, first.nextOffset, firstTwo);
    expect(second.messages.map((m) => m.messageId)).toEqual(['c', 'd']);
    // d already stored (a replay): only c is mapped and staged.
    expect(await preparer.map([0])).toMatchObject({ events: 1 });
    expect(eventIds(await preparer.stage())).toEqual(['c']);
    // All of it, as a bisecting trial's second try could ask: both again.
    expect(await preparer.map([0, 1])).toMatchObject({ events: 2 });
    expect(eventIds(await preparer.stage())).toEqual(['c', 'd']);
    await preparer.close();
  });

  it('reads for itself when asked for another range, and after discardAhead sees lines changed in place', async () => {
    const sizes = await writeLog(['a', 'b', 'c']);
    const preparer = new ChunkPreparer({ folder, keyPages: [] });
    const first = await preparer.read(1, 0, sizes[0] ?? 0);
    await preparer.map([0]);
    await preparer.stage();
    // Larger than the range read ahead (b alone): both remaining lines.
    const second = await preparer.read(1, first.nextOffset, 1 << 20);
    expect(second.messages.map((m) => m.messageId)).toEqual(['b', 'c']);

    // Read ahead again from b, then b is blanked in place (as an erasure does) and the read-ahead discarded.
    const again = await preparer.read(1, first.nextOffset, sizes[1] ?? 0);
    await preparer.map([0]);
    await preparer.stage();
    const file = segmentPath(folder, 1);
    const text = readFileSync(file, 'utf8');
    const at = (sizes[0] ?? 0) + (sizes[1] ?? 0);
    const cLine = text.slice(at, at + (sizes[2] ?? 0) - 1);
    writeFileSync(file, text.slice(0, at) + ' '.repeat(cLine.length) + text.slice(at + cLine.length));
    await preparer.discardAhead();
    const third = await preparer.read(1, again.nextOffset, sizes[2] ?? 0);
    expect(third.lines).toBe(1);
    expect(third.messages).toEqual([]);
    await preparer.close();
  });
});
