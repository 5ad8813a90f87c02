import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deadLetter, drop, EventLoader, EventLog, logEntry, messageStep, ok, segmentPath, type Message } from '../../src/collect/events/index.js';
import { sql, type Engine } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const RECEIVED = new Date('2024-05-01T10:00:00Z');

/** A log line as the server writes it, for a message that never went through the door's checks. */
const line = (message: Record<string, unknown>): string => JSON.stringify(logEntry(message as unknown as Message, RECEIVED, 'k'));

const order = (id: string, product: Record<string, unknown>): string =>
  line({ type: 'track', userId: `u-${id}`, event: 'Order Completed', messageId: id, properties: { order_id: `o-${id}`, products: [product] } });

/** What the loader's SQL refuses today (each checked to fail the commit: its dead letter's step is commit). */
const POISON = {
  // An emoji cut in half by `.slice`: a lone UTF-16 surrogate.
  surrogate: order('p-surrogate', { sku: 'CAFE', name: 'Caf\ud83d', price: 3 }),
  year10000: line({ type: 'track', userId: 'u-y', event: 'Signed Up', messageId: 'p-year', timestamp: '+010000-01-01T00:00:00.000Z' }),
  price: order('p-price', { sku: 'GOLD', price: 1e17 }),
};
/** A message the map step throws on (a type no rule knows), and a complete line that is not JSON. */
const MAP_THROWS = line({ type: 'teleport', userId: 'u-t', messageId: 'p-map' });
const NOT_JSON = '{"this is": not a log entry}';

const valid = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => line({ type: 'track', userId: `user-${i % 40}`, event: 'Product Viewed', messageId: `ok-${i}`, properties: { sku: `SKU-${i % 7}` } }));

async function count(engine: Engine, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await engine.query<{ n: number }>(query);
  return Number(row?.n ?? 0);
}

describe('dead letters: a message the datamart refuses never blocks the others', () => {
  it('sets the poison messages aside with their step and reason and loads the 1,000 valid ones after them within 2 load cycles', async () => {
    const folder = tempDir('fidelis-events-');
    const log = new EventLog(folder);
    await log.append([POISON.surrogate, POISON.year10000, POISON.price, MAP_THROWS, NOT_JSON, ...valid(1000)]);
    await log.close();
    const engine = await openStore(':memory:');
    const cycles: string[] = [];
    const loader = new EventLoader(engine, { folder, keyPages: [], trace: (what) => cycles.push(what) });
    try {
      while ((await loader.loadOnce()) !== null);
      expect(cycles.filter((c) => c === 'load-start').length).toBeLessThanOrEqual(2);
      expect(await count(engine, sql`SELECT count(*) AS n FROM events WHERE message_id LIKE 'ok-%'`)).toBe(1000);
      expect(await count(engine, sql`SELECT count(*) AS n FROM events WHERE message_id LIKE 'p-%'`)).toBe(0);

      const letters = await engine.query<{ message_id: string | null; step: string; reason: string; offset: number; line: string }>(
        sql`SELECT message_id, step, reason, "offset", line FROM events_dead_letter ORDER BY "offset"`,
      );
      expect(letters.map((l) => [l.message_id, l.step])).toEqual([
        ['p-surrogate', 'commit'],
        ['p-year', 'commit'],
        ['p-price', 'commit'],
        ['p-map', 'map'],
        [null, 'read'],
      ]);
      expect(letters[0]?.reason).toMatch(/surrogate/);
      expect(letters[1]?.reason).toMatch(/timestamp/);
      expect(letters[2]?.reason).toMatch(/decimal/i);
      expect(letters[4]?.reason).toMatch(/^not a log entry/);
      // Each dead letter keeps its line and its log position: the line found at that offset.
      expect(letters[3]?.line).toBe(MAP_THROWS);
      expect(letters[4]?.line).toBe(NOT_JSON);
      expect(letters[1]?.offset).toBe(Buffer.byteLength(`${POISON.surrogate}\n`));
      // The position went past them: the log is loaded, nothing is retried.
      expect(await loader.loadOnce()).toBeNull();
      expect(loader.deadLetters).toBe(5);
    } finally {
      await loader.close();
      await engine.close();
    }
  });

  it('loads the rest of a chunk in the same cycle when the culprit is in the middle, in the worker thread too', async () => {
    const folder = tempDir('fidelis-events-');
    const log = new EventLog(folder);
    const lines = valid(300);
    lines.splice(150, 0, POISON.price);
    await log.append(lines);
    await log.close();
    const engine = await openStore(':memory:');
    let cycles = 0;
    const loader = new EventLoader(engine, { folder, keyPages: [], worker: true, trace: (what) => (cycles += what === 'load-start' ? 1 : 0) });
    try {
      const chunk = await loader.loadOnce();
      expect(chunk).toMatchObject({ events: 300, deadLetters: 1, lines: 301 });
      expect(cycles).toBe(1);
      expect(await count(engine, sql`SELECT count(*) AS n FROM events`)).toBe(300);
    } finally {
      await loader.close();
      await engine.close();
    }
  });

  it('still skips a torn last line of a closed segment silently', async () => {
    const folder = tempDir('fidelis-events-');
    const first = new EventLog(folder);
    await first.append(valid(2));
    await first.close();
    appendFileSync(segmentPath(folder, 1), '{"id":"torn","rec');
    const second = new EventLog(folder);
    await second.close();
    const engine = await openStore(':memory:');
    const loader = new EventLoader(engine, { folder, keyPages: [] });
    while ((await loader.loadOnce()) !== null);
    expect(await count(engine, sql`SELECT count(*) AS n FROM events`)).toBe(2);
    expect(await count(engine, sql`SELECT count(*) AS n FROM events_dead_letter`)).toBe(0);
    await engine.close();
  });
});

describe('fidelis events dead-letters | retry-dead-letters', () => {
  it('lists the dead letters and reloads the ones that load now, keeping the others with their new reason', async () => {
    const dir = tempDir();
    const db = join(dir, 'shop.duckdb');
    const folder = `${db}.events`;
    const log = new EventLog(folder);
    await log.append([POISON.price, MAP_THROWS, ...valid(3)]);
    await log.close();
    const engine = await openStore(db);
    const loader = new EventLoader(engine, { folder, keyPages: [] });
    while ((await loader.loadOnce()) !== null);
    // A dead letter left by an earlier version whose fix has shipped: a valid message.
    const fixed = line({ type: 'identify', userId: 'u-fixed', messageId: 'm-fixed', traits: { email: 'fixed@example.com' } });
    await engine.exec(sql`INSERT INTO events_dead_letter VALUES ('old-log', 1, 0, 'm-fixed', 'commit', 'refused by an earlier version', ${fixed}, ${RECEIVED})`);
    await engine.close();

    const listed = await runCli(['events', 'dead-letters', '--db', db, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const letters = JSON.parse(listed.stdout) as { messageId: string | null; step: string; segment: number; offset: number; reason: string }[];
    expect(letters.map((l) => [l.messageId, l.step]).sort()).toEqual([
      ['m-fixed', 'commit'],
      ['p-map', 'map'],
      ['p-price', 'commit'],
    ]);
    const text = await runCli(['events', 'dead-letters', '--db', db]);
    expect(text.stdout).toContain('p-price');
    expect(text.stdout).toMatch(/decimal/i);
    expect(text.stdout).toContain('3 dead letters');

    const retried = await runCli(['events', 'retry-dead-letters', '--db', db]);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toContain('1 loaded');
    expect(retried.stdout).toContain('2 still failing');

    const reopened = await openStore(db);
    try {
      expect(await count(reopened, sql`SELECT count(*) AS n FROM events WHERE message_id = 'm-fixed'`)).toBe(1);
      expect(await count(reopened, sql`SELECT count(*) AS n FROM identifiers WHERE value = 'fixed@example.com'`)).toBe(1);
      const still = await reopened.query<{ message_id: string; step: string }>(sql`SELECT message_id, step FROM events_dead_letter ORDER BY message_id`);
      expect(still).toEqual([
        { message_id: 'p-map', step: 'validate' },
        { message_id: 'p-price', step: 'validate' },
      ]);
    } finally {
      await reopened.close();
    }
    const again = await runCli(['events', 'retry-dead-letters', '--db', db]);
    expect(again.stdout).toContain('0 loaded');
  });
});

describe('a failure of the machine, not of a message', () => {
  it('is never a dead letter: the chunk is tried again at the next load', async () => {
    const folder = tempDir('fidelis-events-');
    const log = new EventLog(folder);
    await log.append(valid(5));
    await log.close();
    const engine = await openStore(':memory:');
    // The rows' write fails as with a full or broken disk, until the disk is back.
    let diskBroken = true;
    const append = engine.appendColumns?.bind(engine);
    if (!append) throw new Error('the DuckDB engine appends');
    const failing = Object.create(engine) as Engine;
    failing.appendColumns = (table, columns, rowCount) => (diskBroken ? Promise.reject(new Error('IO Error: No space left on device')) : append(table, columns, rowCount));
    const loader = new EventLoader(failing, { folder, keyPages: [] });
    try {
      await expect(loader.loadOnce()).rejects.toThrow('No space left');
      expect(await count(engine, sql`SELECT count(*) AS n FROM events_dead_letter`)).toBe(0);
      expect(await count(engine, sql`SELECT count(*) AS n FROM event_log_position`)).toBe(0);
      diskBroken = false;
      expect(await loader.loadOnce()).toMatchObject({ events: 5, deadLetters: 0 });
    } finally {
      await loader.close();
      await engine.close();
    }
  });
});

describe('a step between dedupe and map (beforeMap), such as a suppression list', () => {
  it('drops or dead-letters single messages while the others load', async () => {
    const folder = tempDir('fidelis-events-');
    const log = new EventLog(folder);
    await log.append(valid(40));
    await log.close();
    const engine = await openStore(':memory:');
    const suppress = messageStep('suppress', (m) =>
      m.userId === 'user-3' ? drop('an erased person') : m.userId === 'user-5' ? deadLetter('held for review') : ok(m),
    );
    const loader = new EventLoader(engine, { folder, keyPages: [], beforeMap: [suppress] });
    try {
      expect(await loader.loadOnce()).toMatchObject({ events: 38, duplicates: 1, deadLetters: 1 });
      expect(await count(engine, sql`SELECT count(*) AS n FROM events WHERE user_id IN ('user-3', 'user-5')`)).toBe(0);
      expect(await engine.query(sql`SELECT message_id, step, reason FROM events_dead_letter`)).toEqual([
        { message_id: 'ok-5', step: 'suppress', reason: 'held for review' },
      ]);
    } finally {
      await loader.close();
      await engine.close();
    }
  });
});
