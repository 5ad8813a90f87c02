import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventLoader, EventLog, logLine, logLinePrefix } from '../../src/collect/events/index.js';
import { MessageIdFilter } from '../../src/collect/events/stored-ids.js';
import { sql, type Engine, type Sql } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';

function textOf(query: Sql | string): string {
  if (typeof query === 'string') return query;
  return query.parts.map((p) => (p.kind === 'text' ? p.text : p.kind === 'ident' ? p.name : '?')).join('');
}

/** The engine, counting the dedupe's lookups of ids in `events`; `failAt` makes one statement fail once, after what the transaction wrote before it stayed written (as on an engine without transactions). */
function watched(inner: Engine, failAt?: RegExp): { engine: Engine; lookups: () => number } {
  let lookups = 0;
  let failed = false;
  const engine: Engine = new Proxy(inner, {
    get(target, name, receiver) {
      if (name === 'query') {
        return (query: Sql | string) => {
          if (/FROM events\s+WHERE message_id IN/.test(textOf(query))) lookups++;
          return target.query(query);
        };
      }
      if (name === 'exec') {
        return (query: Sql | string) => {
          if (failAt && !failed && failAt.test(textOf(query))) {
            failed = true;
            return Promise.reject(new Error('disk full'));
          }
          return target.exec(query);
        };
      }
      if (name === 'transaction' && failAt) return <T>(work: (tx: Engine) => Promise<T>) => work(receiver as Engine);
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { engine, lookups: () => lookups };
}

describe('MessageIdFilter', () => {
  it('never misses an id it was given', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 300 }), (ids) => {
        const filter = new MessageIdFilter(ids.length);
        for (const id of ids) filter.add(id);
        return ids.every((id) => filter.mightHold(id));
      }),
    );
  });

  it('holds about one id in a million it was not given, within its capacity', () => {
    const filter = new MessageIdFilter(20_000);
    for (let i = 0; i < 20_000; i++) filter.add(`run-${i}-${i % 100}`);
    let falsePositives = 0;
    for (let i = 0; i < 200_000; i++) if (filter.mightHold(`other-${i}`)) falsePositives++;
    // Expected 0.2 at a rate of 1e-6; a filter no better than one in 10,000 would show about 20.
    expect(falsePositives).toBeLessThanOrEqual(3);
    expect(filter.full).toBe(false);
  });
});

describe("the loader's dedupe with its filter of stored ids", () => {
  let folder: string;
  let engine: Engine;
  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'fidelis-stored-ids-'));
    engine = await openStore(':memory:');
  });
  afterEach(async () => {
    await engine.close();
    rmSync(folder, { recursive: true, force: true });
  });

  async function append(ids: readonly string[]): Promise<void> {
    const log = new EventLog(folder);
    const prefix = logLinePrefix(new Date('2026-01-01T00:00:00Z'), 'k');
    await log.append(ids.map((id) => logLine(prefix, id, JSON.stringify({ type: 'track', event: 'Product Viewed', messageId: id, userId: 'u1', properties: { sku: 'S1' } }))));
    await log.close();
  }

  /** Loads until nothing is new (a new EventLog starts a segment: its first load only moves there). */
  async function loadAll(loader: EventLoader): Promise<{ events: number; duplicates: number }> {
    const total = { events: 0, duplicates: 0 };
    for (let chunk = await loader.loadOnce(); chunk !== null; chunk = await loader.loadOnce()) {
      total.events += chunk.events;
      total.duplicates += chunk.duplicates;
    }
    return total;
  }

  const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

  async function stored(): Promise<{ n: number; distinct: number }> {
    const [row] = await engine.query<{ n: number; distinct: number }>(sql`SELECT count(*) AS n, count(DISTINCT message_id) AS "distinct" FROM events`);
    return { n: Number(row?.n), distinct: Number(row?.distinct) };
  }

  it('asks events only about ids it might hold, and still drops every replay', async () => {
    const { engine: counted, lookups } = watched(engine);
    const loader = new EventLoader(counted, { folder, keyPages: [] });
    try {
      await append(ids('a', 50));
      expect(await loadAll(loader)).toEqual({ events: 50, duplicates: 0 });
      await append(ids('b', 50));
      expect(await loadAll(loader)).toEqual({ events: 50, duplicates: 0 });
      // Fresh ids only: the table was not asked (it was before at every load, scanning message_id whole).
      expect(lookups()).toBe(0);
      await append([...ids('a', 10), 'c0', 'c0']);
      expect(await loadAll(loader)).toEqual({ events: 1, duplicates: 11 });
      expect(lookups()).toBe(1);
    } finally {
      await loader.close();
    }
    expect(await stored()).toEqual({ n: 101, distinct: 101 });
  });

  it('knows the ids stored before it started, and loads again an id deleted since (retention, erasure)', async () => {
    const first = new EventLoader(engine, { folder, keyPages: [] });
    await append(ids('a', 20));
    await loadAll(first);
    await first.close();
    await engine.exec(sql`DELETE FROM events WHERE message_id = 'a3'`);
    const second = new EventLoader(engine, { folder, keyPages: [] });
    try {
      await append(ids('a', 20));
      expect(await loadAll(second)).toEqual({ events: 1, duplicates: 19 });
    } finally {
      await second.close();
    }
    expect(await stored()).toEqual({ n: 20, distinct: 20 });
  });

  it('builds its filter from the table again after a write that failed half way, so the retried chunk adds no duplicate', async () => {
    // The rows are written, then the position's update fails: on an engine whose transaction does
    // not undo them, the next load reads the same lines again.
    const { engine: flaky } = watched(engine, /^DELETE FROM event_log_position/);
    const loader = new EventLoader(flaky, { folder, keyPages: [] });
    try {
      await append(ids('a', 30));
      await expect(loadAll(loader)).rejects.toThrow('disk full');
      expect(await stored()).toEqual({ n: 30, distinct: 30 });
      expect(await loadAll(loader)).toEqual({ events: 0, duplicates: 30 });
    } finally {
      await loader.close();
    }
    expect(await stored()).toEqual({ n: 30, distinct: 30 });
  });
});
