import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/collect/index.js';
import { parseConfig } from '../../src/config/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { liveProfileParts } from '../../src/profiles/index.js';
import { sql, type Engine, type Row, type Sql } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { SMALL_COMPANY, writeFiles } from '../helpers/fixtures.js';

// A profile read live (its person changed since the run) finds his tracked events by record,
// userId and anonymousId through the events' indexes, newest first, each once.
describe('the last events of a profile read live', () => {
  let engine: Engine;
  let person: string;
  beforeAll(async () => {
    engine = await openStore(':memory:');
    await importFiles(engine, [writeFiles(SMALL_COMPANY)]);
    await engine.exec(`INSERT INTO identifiers VALUES ('C1', 'user_id', 'u-1', 'web', NULL), ('C1', 'anonymous_id', 'a-1', 'web', NULL)`);
    await runPipeline(engine, parseConfig({}));
    const [row] = await engine.query<{ person_id: string }>(sql`SELECT person_id FROM identity_nodes WHERE node_id = 'C1'`);
    person = row?.person_id ?? '';
    // Collected after the run: by his record, his userId, his anonymousId, one matching all three, and noise.
    const events: string[] = [];
    for (let i = 0; i < 30; i++) {
      const [user, anonymous, record] = [['u-1', null, null], [null, 'a-1', null], [null, null, 'C1'], ['u-1', 'a-1', 'C1'], ['u-9', 'a-9', 'C9']][i % 5] ?? [];
      const text = (v: string | null | undefined): string => (v ? `'${v}'` : 'NULL');
      events.push(`('m-${i}', 'track', 'Viewed ${i}', ${text(user)}, ${text(anonymous)}, ${text(record)}, TIMESTAMP '2026-01-01' + INTERVAL (${i}) MINUTE, now(), '{}')`);
    }
    await engine.exec(`INSERT INTO events (message_id, type, event, user_id, anonymous_id, customer_id, "timestamp", received_at, properties) VALUES ${events.join(', ')}`);
  });
  afterAll(async () => {
    await engine.close();
  });

  it('finds them by record, userId and anonymousId, newest first, each once', async () => {
    const { events } = await liveProfileParts(engine, person, 10);
    const mine = [...Array(30).keys()].filter((i) => i % 5 !== 4).reverse().slice(0, 10);
    expect(events.map((e) => e.message_id)).toEqual(mine.map((i) => `m-${i}`));
  });

  it('reads them through the events indexes, not a scan of every event', async () => {
    const plans: string[] = [];
    const traced: Engine = {
      ...engine,
      dialect: engine.dialect,
      location: engine.location,
      exec: (query) => engine.exec(query),
      transaction: (work) => engine.transaction(work),
      close: () => Promise.resolve(),
      query: async <T extends Row>(query: Sql | string): Promise<T[]> => {
        if (typeof query !== 'string' && query.parts.some((p) => p.kind === 'text' && /FROM events\b/.test(p.text))) {
          const explained = await engine.query(sql`EXPLAIN ANALYZE ${query}`);
          plans.push(explained.map((r) => Object.values(r).join('\n')).join('\n'));
        }
        return engine.query<T>(query);
      },
    };
    await liveProfileParts(traced, person);
    expect(plans).toHaveLength(1);
    expect(plans[0]?.match(/Index Scan/g)).toHaveLength(3);
    expect(plans[0]).not.toMatch(/Sequential Scan/);
  });
});
