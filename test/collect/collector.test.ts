import { describe, expect, it } from 'vitest';
import { EventCollector, logEntry } from '../../src/collect/events/index.js';
import { sql } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { tempDir } from '../helpers/fixtures.js';

const message = (id: string) => ({ type: 'track' as const, userId: `u-${id.length}`, event: 'Signed Up', messageId: id });

describe('the event collector', () => {
  it('loads each logged line once when drains meet the background loop', async () => {
    const engine = await openStore(':memory:');
    // A background load every 10 ms, in chunks of a few lines: drains land in the middle of one.
    const collector = new EventCollector(engine, { folder: tempDir('fidelis-events-'), intervalMs: 10, maxEvents: 1, maxBytes: 400, keyPages: [] });
    collector.start();
    try {
      for (let batch = 0; batch < 20; batch++) {
        const ids = Array.from({ length: 25 }, (_, i) => `b${batch}-m${i}`);
        await collector.acceptLines(ids.map((id) => JSON.stringify(logEntry(message(id), new Date('2024-05-01T10:00:00Z'), 'k'))));
        await collector.drain();
      }
    } finally {
      await collector.close();
    }
    const [counts] = await engine.query<{ n: number; distinct: number }>(sql`SELECT count(*) AS n, count(DISTINCT message_id) AS "distinct" FROM events`);
    expect(counts).toEqual({ n: 500, distinct: 500 });
    await engine.close();
  });
});
