import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventCollector, logEntry, type LoaderClock } from '../../src/collect/events/index.js';
import { parseConfig } from '../../src/config/index.js';
import { sql, type Engine } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { tempDir } from '../helpers/fixtures.js';

/**
 * server.loader.yieldToRequests, on a clock the test moves: every load "takes" LOAD_MS on it (the
 * trace hook moves it on), and the collector's timers fire only when the test advances it, so
 * what starts a load, and when, is decided here and not by the machine's speed.
 */
const LOAD_MS = 30;
const INTERVAL_MS = 200;

const line = (id: string): string =>
  JSON.stringify(logEntry({ type: 'track', userId: 'u-1', event: 'Signed Up', messageId: id }, new Date('2024-05-01T10:00:00Z'), 'k'));

class ManualClock implements LoaderClock {
  time = 0;
  private timers: { id: number; at: number; callback: () => void }[] = [];
  private nextId = 1;
  private waiters: (() => void)[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ id, at: this.time + ms, callback });
    for (const resolve of this.waiters.splice(0)) resolve();
    return id;
  }

  clearTimeout(timer: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== timer);
  }

  /** Due times of the pending timers. */
  get due(): number[] {
    return this.timers.map((t) => t.at);
  }

  /** Resolves when the collector next sets a timer: its background loop has stopped and waits. */
  timerSet(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Moves the time on by `ms`, firing the timers due on the way. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = next.at;
      next.callback();
    }
    this.time = target;
  }

  /** Fires the one pending timer and waits until the loop that it started sets the next. */
  async fireAndWait(): Promise<void> {
    expect(this.due).toHaveLength(1);
    const set = this.timerSet();
    this.advance((this.due[0] ?? this.time) - this.time);
    await set;
  }
}

interface Load {
  start: number;
  end: number;
  /** A request (an append) arrived during this load. */
  request: boolean;
}

interface Rig {
  engine: Engine;
  collector: EventCollector;
  clock: ManualClock;
  loads: Load[];
  rests: { at: number; ms: number }[];
  appends: Promise<void>[];
  /** Loads during which a request arrives (the first ones). */
  stream: { loads: number };
  /** The first timer the collector sets (start's, or a rest's after a load the log's lines started). */
  firstTimer: Promise<void>;
}

const rigs: Rig[] = [];

afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    await rig.collector.close();
    await rig.engine.close();
  }
});

/** A collector whose log holds `lines` lines, loaded two or so at a time; not started. */
async function rig(options: { yieldToRequests: boolean; lines: number; streamLoads: number; maxEvents?: number; yieldMaxLag?: number }): Promise<Rig> {
  const engine = await openStore(':memory:');
  const clock = new ManualClock();
  const loads: Load[] = [];
  const rests: { at: number; ms: number }[] = [];
  const appends: Promise<void>[] = [];
  const stream = { loads: options.streamLoads };
  const lineBytes = Buffer.byteLength(line('m-00')) + 1;
  let sent = 0;
  const collector: EventCollector = new EventCollector(engine, {
    folder: tempDir('fidelis-yield-'),
    intervalMs: INTERVAL_MS,
    // Only the clock's timers start background loads, unless a test says otherwise.
    maxEvents: options.maxEvents ?? 1_000_000,
    maxBytes: 2 * lineBytes + 8,
    keyPages: [],
    worker: false,
    yieldToRequests: options.yieldToRequests,
    ...(options.yieldMaxLag !== undefined ? { yieldMaxLag: options.yieldMaxLag } : {}),
    clock,
    onRest: (ms) => rests.push({ at: clock.now(), ms }),
    trace: (what) => {
      if (what === 'load-end') {
        const last = loads.at(-1);
        if (last) last.end = clock.now();
        return;
      }
      const request = loads.length < stream.loads;
      loads.push({ start: clock.now(), end: Number.NaN, request });
      clock.time += LOAD_MS;
      if (request) appends.push(collector.acceptLines([line(`r-${String(++sent).padStart(2, '0')}`)]));
    },
  });
  const made: Rig = { engine, collector, clock, loads, rests, appends, stream, firstTimer: clock.timerSet() };
  rigs.push(made);
  await collector.acceptLines(Array.from({ length: options.lines }, (_, i) => line(`m-${String(i).padStart(2, '0')}`)));
  return made;
}

async function stored(engine: Engine): Promise<{ n: number; distinct: number }> {
  const [row] = await engine.query<{ n: number; distinct: number }>(sql`SELECT count(*) AS n, count(DISTINCT message_id) AS "distinct" FROM events`);
  return { n: Number(row?.n), distinct: Number(row?.distinct) };
}

/** Runs the background loop, timer after timer, until it waits the normal interval. */
async function runUntilIdle(r: Rig): Promise<void> {
  r.collector.start();
  for (let round = 0; round < 50; round++) {
    const rests = r.rests.length;
    await r.clock.fireAndWait();
    if (r.rests.length === rests) return;
  }
  throw new Error('the loader never went idle');
}

describe('the loader yielding to requests (server.loader.yieldToRequests)', () => {
  it('is on by default', () => {
    expect(parseConfig({}).server.loader.yieldToRequests).toBe(true);
    expect(parseConfig({}).server.loader.yieldMaxLag).toBe(20_000);
    expect(parseConfig({ server: { loader: { yieldToRequests: false } } }).server.loader.yieldToRequests).toBe(false);
  });

  it('rests after each load that requests arrived during, as long as the load took, then loads again', async () => {
    const r = await rig({ yieldToRequests: true, lines: 12, streamLoads: 3 });
    await runUntilIdle(r);

    // A rest after each of the three loads that a request came during, of that load's length.
    expect(r.rests).toEqual(r.loads.slice(0, 3).map((load) => ({ at: load.end, ms: LOAD_MS })));
    // The next load starts when the rest ends, not before; once requests stop, loads follow each
    // other at once until the log is loaded, then the loader waits its normal interval.
    expect(r.loads.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < r.loads.length; i++) {
      const previous = r.loads[i - 1] as Load;
      expect((r.loads[i] as Load).start - previous.end).toBe(previous.request ? LOAD_MS : 0);
    }
    expect(r.clock.due).toEqual([(r.loads.at(-1) as Load).end + INTERVAL_MS]);

    await Promise.all(r.appends);
    await r.collector.drain();
    expect(await stored(r.engine)).toEqual({ n: 15, distinct: 15 });
  });

  it('does not rest while the lag is at yieldMaxLag or past it, and ends a rest at the append that brings it there', async () => {
    // 12 lines wait, a load takes 2, a request brings 1 during each of the first three loads.
    const r = await rig({ yieldToRequests: true, lines: 12, streamLoads: 3, yieldMaxLag: 10 });
    r.collector.start();
    await r.clock.fireAndWait();
    // After loads 1 and 2, 11 then 10 wait: no rest. After load 3, 9 wait: it rests.
    expect(r.loads.slice(0, 3).map((load) => load.request)).toEqual([true, true, true]);
    expect(r.rests).toEqual([{ at: (r.loads[2] as Load).end, ms: LOAD_MS }]);
    expect(r.loads).toHaveLength(3);
    for (let i = 1; i < 3; i++) expect((r.loads[i] as Load).start).toBe((r.loads[i - 1] as Load).end);
    const restStarted = r.clock.now();

    // One more event during the rest brings the lag back to 10: loading resumes at once, the clock still.
    const idle = r.clock.timerSet();
    await r.collector.acceptLines([line('late-1')]);
    await idle;
    expect(r.loads[3]?.start).toBe(restStarted);
    expect(r.rests).toHaveLength(1);
    expect(r.clock.due).toEqual([(r.loads.at(-1) as Load).end + INTERVAL_MS]);

    await Promise.all(r.appends);
    await r.collector.drain();
    expect(await stored(r.engine)).toEqual({ n: 16, distinct: 16 });
  });

  it('does not rest when no request arrives during a load', async () => {
    const r = await rig({ yieldToRequests: true, lines: 12, streamLoads: 0 });
    await runUntilIdle(r);
    expect(r.rests).toEqual([]);
    // One timer (the start's) loaded the whole log, load after load.
    expect(r.loads.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < r.loads.length; i++) expect((r.loads[i] as Load).start).toBe((r.loads[i - 1] as Load).end);
    expect(await stored(r.engine)).toEqual({ n: 12, distinct: 12 });
  });

  it('never rests when turned off', async () => {
    const r = await rig({ yieldToRequests: false, lines: 12, streamLoads: 3 });
    await runUntilIdle(r);
    expect(r.rests).toEqual([]);
    for (let i = 1; i < r.loads.length; i++) expect((r.loads[i] as Load).start).toBe((r.loads[i - 1] as Load).end);
  });

  it('never delays a drain, even during a rest and with requests arriving during its loads', async () => {
    const r = await rig({ yieldToRequests: true, lines: 12, streamLoads: 3 });
    r.collector.start();
    await r.clock.fireAndWait();
    expect(r.rests).toHaveLength(1);
    const restStarted = r.clock.now();

    // The clock stands still: a drain that waited for the rest would never end.
    await r.collector.drain();
    expect(r.rests).toHaveLength(1);
    const drained = r.loads.slice(1);
    expect(drained.length).toBeGreaterThanOrEqual(4);
    expect(drained.filter((load) => load.request)).toHaveLength(2);
    expect(drained[0]?.start).toBe(restStarted);
    for (let i = 1; i < drained.length; i++) expect((drained[i] as Load).start).toBe((drained[i - 1] as Load).end);

    await Promise.all(r.appends);
    await r.collector.drain();
    expect(await stored(r.engine)).toEqual({ n: 15, distinct: 15 });
  });

  it('is not cut short by the events that wait (maxEvents)', async () => {
    const r = await rig({ yieldToRequests: true, lines: 12, streamLoads: 1, maxEvents: 1 });
    const loadOnce = vi.spyOn(r.collector.loader, 'loadOnce');
    // The log's first lines started a load at once (maxEvents 1), which a request came during.
    await r.firstTimer;
    expect(r.rests).toEqual([{ at: LOAD_MS, ms: LOAD_MS }]);
    await Promise.all(r.appends);
    const calls = loadOnce.mock.calls.length;

    // Requests during the rest: each durable append asks for a load (maxEvents 1), synchronously.
    await r.collector.acceptLines([line('late-1')]);
    await r.collector.acceptLines([line('late-2')]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(loadOnce.mock.calls.length).toBe(calls);
    expect(r.clock.due).toEqual([(r.loads[0] as Load).end + LOAD_MS]);

    // The rest's end loads again.
    const set = r.clock.timerSet();
    r.clock.advance(LOAD_MS);
    await set;
    expect(loadOnce.mock.calls.length).toBeGreaterThan(calls);
    expect(r.loads[1]?.start).toBe((r.loads[0] as Load).end + LOAD_MS);
  });
});
