// `npx tsx bench/loader.ts [--events 100000] [--preload 0] [--worker on|off] [--indexes off|on]`: the event loader
// alone. Writes a log of N bench events (bench/events.ts), optionally loads `--preload` events
// first (a datamart that already holds some; `--indexes on`: with the lookup step's indexes, as after a run), then loads the log chunk by chunk as the server
// does (identity linking after each chunk included) and reports events per second of wall time
// and per CPU-second, split by thread: the event loop (SQL calls), the loader's worker thread
// (parse, map, stage) and the others (DuckDB, GC), with the SQL time by statement.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EventLoader, EventLog } from '../src/collect/events/index.js';
import { logLine, logLinePrefix } from '../src/collect/events/envelope.js';
import { parseConfig } from '../src/config/index.js';
import { lookupIndexes } from '../src/profiles/index.js';
import { linkIdentitiesStep } from '../src/server/load-steps.js';
import { sql, type AppendColumn, type Engine, type Row, type Sql, type SqlValue } from '../src/store/index.js';
import { openStore } from '../src/schema/index.js';
import { batchTemplate, fillTemplate } from './events.js';

/** CPU seconds of each thread of this process, by thread id. */
function threadCpu(): Map<number, number> {
  const ticks = 100; // USER_HZ
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / ticks);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

/** Wall time of the SQL by statement kind. */
class TimedEngine implements Engine {
  constructor(
    readonly inner: Engine,
    readonly times: Map<string, { ms: number; calls: number }>,
  ) {}
  get dialect(): Engine['dialect'] {
    return this.inner.dialect;
  }
  get location(): string {
    return this.inner.location;
  }
  private async timed<T>(query: Sql | string, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      const text = typeof query === 'string' ? query : labelOf(query);
      const entry = this.times.get(text) ?? { ms: 0, calls: 0 };
      entry.ms += performance.now() - t0;
      entry.calls += 1;
      this.times.set(text, entry);
    }
  }
  exec(query: Sql | string): Promise<void> {
    return this.timed(query, () => this.inner.exec(query));
  }
  query<T extends Row = Row>(query: Sql | string): Promise<T[]> {
    return this.timed(query, () => this.inner.query<T>(query));
  }
  append(table: string, rows: readonly (readonly SqlValue[])[]): Promise<void> {
    const inner = this.inner;
    if (!inner.append) return Promise.reject(new Error('append is not supported'));
    return this.timed(`APPEND ${table}`, () => (inner.append as NonNullable<Engine['append']>).call(inner, table, rows));
  }
  appendColumns(table: string, columns: readonly AppendColumn[], rowCount: number): Promise<void> {
    const inner = this.inner;
    if (!inner.appendColumns) return Promise.reject(new Error('appendColumns is not supported'));
    return this.timed(`APPEND ${table}`, () => (inner.appendColumns as NonNullable<Engine['appendColumns']>).call(inner, table, columns, rowCount));
  }
  /** The time between the transaction's work and its end is its COMMIT (a checkpoint included, when one runs). */
  /** One wrapper per connection, as the loader caches what it learns per connection. */
  private readonly wrappers = new WeakMap<Engine, TimedEngine>();

  async transaction<T>(work: (engine: Engine) => Promise<T>): Promise<T> {
    let done = 0;
    const result = await this.inner.transaction(async (tx) => {
      let wrapped = tx === this.inner ? this : this.wrappers.get(tx);
      if (!wrapped) this.wrappers.set(tx, (wrapped = new TimedEngine(tx, this.times)));
      const out = await work(wrapped);
      done = performance.now();
      return out;
    });
    const label = process.env.COMMITS ? `COMMIT ${Math.round(performance.now() - done)}` : 'COMMIT';
    const entry = this.times.get(label) ?? { ms: 0, calls: 0 };
    entry.ms += performance.now() - done;
    entry.calls += 1;
    this.times.set(label, entry);
    return result;
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A statement's kind: its first words and the tables it names. */
function labelOf(query: Sql): string {
  let text = '';
  for (const part of query.parts) text += part.kind === 'text' ? part.text : part.kind === 'ident' ? part.name : '?';
  text = text.replace(/\s+/g, ' ').trim();
  const tables = [...text.matchAll(/\b(?:FROM|INTO|TABLE|JOIN|UPDATE)\s+"?([a-z_]+)"?/gi)].map((m) => m[1]);
  return `${text.split(' ').slice(0, 2).join(' ')} ${[...new Set(tables)].join(',')}`.slice(0, 70);
}

async function writeLog(folder: string, events: number, batch: number, run: string): Promise<void> {
  const log = new EventLog(folder);
  const template = batchTemplate(batch);
  const receivedAt = new Date();
  for (let b = 0; b * batch < events; b++) {
    const body = JSON.parse(fillTemplate(template, `${run}-${b}-`)) as { batch: { messageId: string }[]; sentAt: string };
    const prefix = logLinePrefix(receivedAt, 'bench', body.sentAt);
    await log.append(body.batch.map((m) => logLine(prefix, m.messageId, JSON.stringify(m))));
  }
  await log.close();
}

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    preload: { type: 'string', default: '0' },
    worker: { type: 'string', default: 'on' },
    'chunk-mb': { type: 'string' },
    checkpoint: { type: 'string' },
    threads: { type: 'string' },
    indexes: { type: 'string', default: 'off' },
  },
});
const events = Number(values.events);
const preload = Number(values.preload);
const work = mkdtempSync(join(tmpdir(), 'fidelis-loader-'));
try {
  const db = join(work, 'bench.duckdb');
  const folder = join(work, 'log');
  const config = parseConfig({ db });
  const store = await openStore(db, values.threads ? { threads: Number(values.threads) } : {});
  if (values.checkpoint) await store.exec(`SET checkpoint_threshold = '${values.checkpoint.replace(/[^0-9A-Za-z]/g, '')}'`);
  if (values.indexes === 'on') {
    // The case of a server after a run: the lookup step's indexes are kept up to date by every insert.
    await lookupIndexes.run({ engine: store, config } as Parameters<typeof lookupIndexes.run>[0]);
  }
  const times = new Map<string, { ms: number; calls: number }>();
  const engine = new TimedEngine(store, times);
  const afterCommit = [linkIdentitiesStep(config, engine)];
  const before = new Set(threadCpu().keys());
  const loader = new EventLoader(engine, { folder, keyPages: config.server.keyPages, worker: values.worker === 'on', afterCommit, ...(values['chunk-mb'] ? { maxBytes: Number(values['chunk-mb']) * 1024 * 1024 } : {}) });
  if (preload > 0) {
    await writeLog(folder, preload, 100, 'pre');
    while ((await loader.loadOnce()) !== null);
    times.clear();
  }
  await writeLog(folder, events, 100, 'run');
  const workerThreads = [...threadCpu().keys()].filter((t) => !before.has(t));
  const cpu0 = threadCpu();
  const t0 = performance.now();
  let loaded = 0;
  let chunks = 0;
  for (let chunk = await loader.loadOnce(); chunk !== null; chunk = await loader.loadOnce()) {
    loaded += chunk.events;
    chunks += 1;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu1 = threadCpu();
  const used = (tids: (t: number) => boolean): number => [...cpu1].filter(([t]) => tids(t)).reduce((s, [t, c]) => s + c - (cpu0.get(t) ?? 0), 0);
  const main = used((t) => t === process.pid);
  const workerCpu = used((t) => workerThreads.includes(t));
  const total = used(() => true);
  const [stored] = await store.query<{ n: number }>(sql`SELECT count(*) AS n FROM events`);
  await loader.close();
  await store.close();
  const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d });
  console.log(`loader: ${fmt(loaded)} events in ${chunks} chunks (${fmt(preload)} preloaded; events table holds ${fmt(Number(stored?.n))}), worker ${values.worker}, lookup indexes ${values.indexes}`);
  console.log(`wall ${fmt(wall, 2)} s: ${fmt(loaded / wall)} events/s; CPU ${fmt(total, 2)} s: ${fmt(loaded / total)} events per CPU-second`);
  console.log(`CPU by thread: event loop ${fmt(main, 2)} s, loader worker ${fmt(workerCpu, 2)} s, others (DuckDB, GC) ${fmt(total - main - workerCpu, 2)} s`);
  console.log(`SQL wall time by statement (total ${fmt([...times.values()].reduce((n, t) => n + t.ms, 0))} ms):`);
  for (const [label, { ms, calls }] of [...times].sort((a, b) => b[1].ms - a[1].ms).filter(([l, t]) => t.ms >= 20 || l.startsWith("COMMIT"))) {
    console.log(`${fmt(ms).padStart(8)} ms ${String(calls).padStart(6)} calls  ${label}`);
  }
  console.log(`load average: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
