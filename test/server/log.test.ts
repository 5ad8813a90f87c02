import { appendFileSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventLoader, EventLog, listSegments, logEntry, segmentPath } from '../../src/collect/events/index.js';
import { sql } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { tempDir } from '../helpers/fixtures.js';

const line = (id: string): string =>
  JSON.stringify(logEntry({ type: 'track', userId: 'u', event: 'Signed Up', messageId: id }, new Date('2024-05-01T10:00:00Z'), 'k'));

describe('the event log', () => {
  it('makes concurrent appends durable with fewer fsyncs than appends (group commit)', async () => {
    const folder = tempDir();
    const log = new EventLog(folder);
    await Promise.all(Array.from({ length: 200 }, (_, i) => log.append([line(`a${i}`), line(`b${i}`)])));
    expect(log.syncs).toBeGreaterThan(0);
    expect(log.syncs).toBeLessThan(200);
    await log.close();
    const lines = readFileSync(segmentPath(folder, 1), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(400);
  });

  it('starts a new segment at each start, so a torn last line stays at the end of a closed one', async () => {
    const folder = tempDir();
    const first = new EventLog(folder);
    await first.append([line('x1')]);
    await first.close();
    appendFileSync(segmentPath(folder, 1), '{"id":"torn","rec'); // a crash in the middle of a write
    const second = new EventLog(folder);
    await second.append([line('x2')]);
    await second.close();
    expect(listSegments(folder)).toEqual([1, 2]);

    const engine = await openStore(':memory:');
    const loader = new EventLoader(engine, { folder, keyPages: [] });
    while ((await loader.loadOnce()) !== null);
    expect(await engine.query(sql`SELECT message_id FROM events ORDER BY message_id`)).toEqual([{ message_id: 'x1' }, { message_id: 'x2' }]);
    expect(listSegments(folder)).toEqual([2]);
    await engine.close();
  });

  it('resumes from the position stored with the rows, loading nothing twice', async () => {
    const folder = tempDir();
    const log = new EventLog(folder);
    await log.append([line('r1'), line('r2')]);
    const engine = await openStore(':memory:');
    const first = new EventLoader(engine, { folder, keyPages: [] });
    expect((await first.loadOnce())?.events).toBe(2);

    await log.append([line('r3'), line('r1')]);
    const restarted = new EventLoader(engine, { folder, keyPages: [] });
    const chunk = await restarted.loadOnce();
    expect(chunk).toMatchObject({ events: 1, duplicates: 1 });
    expect(await restarted.loadOnce()).toBeNull();
    expect(await engine.query(sql`SELECT segment, "offset" FROM event_log_position`)).toEqual([
      { segment: 1, offset: readFileSync(segmentPath(folder, 1)).length },
    ]);
    expect(await engine.query(sql`SELECT count(*) AS n FROM events`)).toEqual([{ n: 3 }]);
    await log.close();
    await engine.close();
  });
});
