// `npx tsx bench/ingest.ts [--seconds 10] [--concurrency 16] [--batch 100] [--rounds 1] [--yield on|off]`: sustained
// ingest through POST /v1/batch from a separate load process, for Fidelis (validation, durable
// log, the background loader writing the datamart in the same process) and for the floor: a bare
// Node HTTP server that only parses the JSON and appends it to a file with the same group-commit
// fsync policy. Both run in the same invocation and are printed side by side; with several
// rounds, floor and Fidelis alternate (the machine is shared, its load drifts) and the median
// ratio is given. `--yield` sets server.loader.yieldToRequests (default on, as the config's).
//
// Two rates for Fidelis: the front door's (events acknowledged per second while the load runs)
// and the end-to-end rate (events in the datamart, hence in the profile API, per second: all the
// acknowledged events over the time from the first acknowledgement to the datamart holding them
// all, the loader's catching up after the load included). The lag is how long ago the datamart's
// newest events were acknowledged: sampled every 200 ms in the server, its maximum is printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EventLog } from '../src/collect/events/index.js';
import { parseConfig } from '../src/config/index.js';
import { createKey, startServer, type RunningServer } from '../src/server/index.js';
import { sql } from '../src/store/index.js';
import { openStore } from '../src/schema/index.js';
import { batchTemplate, fillTemplate } from './events.js';

export interface IngestOptions {
  readonly seconds: number;
  readonly concurrency: number;
  /** Events per request. */
  readonly batch?: number;
  /** Floor and Fidelis measured this many times each, alternately. */
  readonly rounds?: number;
  /** server.loader.yieldToRequests (default true). */
  readonly yieldToRequests?: boolean;
}

export interface LoadResult {
  readonly events: number;
  readonly requests: number;
  readonly failed: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** What the Fidelis process saw of its datamart (bench/ingest.ts's server role). */
export interface DatamartProgress {
  /** Events acknowledged (appended to the log) and loaded when the load process ended. */
  readonly appendedAtEnd: number;
  readonly loadedAtEnd: number;
  /** Events acknowledged in all, and loaded once the datamart caught up. */
  readonly appended: number;
  readonly loaded: number;
  /** Seconds from the first acknowledgement to the datamart holding every acknowledged event. */
  readonly secondsToLoaded: number;
  /** Loaded events per second over that time. */
  readonly endToEndPerSecond: number;
  /** Largest lag sampled while the load ran, and after it until caught up (ms). */
  readonly maxLagMs: number;
  readonly maxLagDuringLoadMs: number;
  /** Resident memory of the server process when the load started and when it was caught up (MB). */
  readonly rssStartMb: number;
  readonly rssEndMb: number;
  /** CPU seconds of the server process (all its threads: requests, loader, DuckDB) from its start to caught up. */
  readonly serverCpuSeconds: number;
}

export interface IngestResult {
  readonly fidelis: LoadResult;
  readonly floor: LoadResult;
  /** Fidelis events/s over the floor's. */
  readonly ratio: number;
  /** Events in the datamart when the load ended: the loader works behind the acknowledgements. */
  readonly loaded: number;
  readonly datamart: DatamartProgress;
  /** /proc/loadavg when the round ended. */
  readonly loadAverage: string;
}

const SELF = fileURLToPath(import.meta.url);

/** A role of a bench script (this one by default) in its own process. */
export function child(role: string, args: string[], script = SELF): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, '--role', role, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** The first stdout line of a child, parsed as JSON. */
export function firstLine<T>(proc: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(JSON.parse(out.slice(0, newline)) as T);
    });
    proc.once('exit', (code) => reject(new Error(`${proc.spawnargs.join(' ')} exited with ${code}`)));
  });
}

/** The next stdout line of a child, parsed as JSON. */
export function nextLine<T>(proc: ChildProcess): Promise<T> {
  return new Promise((resolve) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline < 0) return;
      proc.stdout?.off('data', onData);
      resolve(JSON.parse(out.slice(0, newline)) as T);
    };
    proc.stdout?.on('data', onData);
  });
}

export async function stopChild(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  await exited;
}

async function measure(url: string, key: string, options: IngestOptions): Promise<LoadResult> {
  const load = child('load', [url, key, String(options.seconds), String(options.concurrency), String(options.batch ?? 100)]);
  return firstLine<LoadResult>(load);
}

/** One round: the floor, then Fidelis on a new datamart. */
export async function benchIngest(options: IngestOptions): Promise<IngestResult> {
  const work = mkdtempSync(join(tmpdir(), 'fidelis-ingest-'));
  try {
    const floorServer = child('floor', [join(work, 'floor.jsonl')]);
    const { url: floorUrl } = await firstLine<{ url: string }>(floorServer);
    const floor = await measure(floorUrl, 'none', options);
    await stopChild(floorServer);

    const db = join(work, 'bench.duckdb');
    const store = await openStore(db);
    const { key } = await createKey(store, 'write', 'bench');
    await store.close();
    const fidelisServer = child('fidelis', [db, options.yieldToRequests === false ? 'off' : 'on']);
    const { url } = await firstLine<{ url: string }>(fidelisServer);
    const fidelis = await measure(url, key, options);
    // The server says what its loader had written when the load ended, then when it has caught up.
    const progress = nextLine<DatamartProgress>(fidelisServer);
    fidelisServer.kill('SIGUSR2');
    const datamart = await progress;
    await stopChild(fidelisServer);
    return {
      fidelis,
      floor,
      ratio: fidelis.eventsPerSecond / floor.eventsPerSecond,
      loaded: datamart.loadedAtEnd,
      datamart,
      loadAverage: readFileSync('/proc/loadavg', 'utf8').trim(),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---- roles, each in its own process ----

/**
 * Follows the datamart behind the log: every `everyMs`, the events loaded against the events
 * acknowledged, and how long ago the newest loaded ones were acknowledged (the lag).
 */
export class DatamartWatch {
  private readonly appends: { at: number; lines: number }[] = [];
  private timer: NodeJS.Timeout | null = null;
  firstAppendAt: number | null = null;
  loaded = 0;
  maxLagMs = 0;
  lagMs = 0;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly server: RunningServer,
    private readonly everyMs = 200,
  ) {
    server.collector.log.onAppend(() => {
      const at = performance.now();
      this.firstAppendAt ??= at;
      this.appends.push({ at, lines: server.collector.log.appendedLines });
    });
  }

  get appended(): number {
    return this.server.collector.log.appendedLines;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample());
    }, this.everyMs);
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return this.sampling;
  }

  /** Counts the loaded events; the lag is the age of the first acknowledgement of an event not loaded yet. */
  async sample(): Promise<void> {
    const [row] = await this.server.engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM events`);
    const now = performance.now();
    this.loaded = Number(row?.n ?? 0);
    // Appends that the datamart holds entirely are history: drop them, keep the first one it lacks.
    while (this.appends.length > 0 && (this.appends[0]?.lines ?? 0) <= this.loaded) this.appends.shift();
    this.lagMs = this.appends.length > 0 ? now - (this.appends[0]?.at ?? now) : 0;
    this.maxLagMs = Math.max(this.maxLagMs, this.lagMs);
  }

  /** Resolves when the datamart holds every acknowledged event. */
  async caughtUp(): Promise<number> {
    for (;;) {
      await this.sample();
      if (this.loaded >= this.appended) return performance.now();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

const rssMb = (): number => process.memoryUsage().rss / 1024 / 1024;

async function runFidelis(db: string, yieldToRequests: boolean): Promise<void> {
  const server = await startServer({ config: parseConfig({ db, server: { loader: { yieldToRequests } } }), port: 0 });
  const watch = new DatamartWatch(server);
  const rssStartMb = rssMb();
  const cpuStart = process.cpuUsage();
  watch.start();
  process.once('SIGUSR2', () => {
    void (async () => {
      await watch.sample();
      const appendedAtEnd = watch.appended;
      const loadedAtEnd = watch.loaded;
      const maxLagDuringLoadMs = watch.maxLagMs;
      const caughtUpAt = await watch.caughtUp();
      await watch.stop();
      const seconds = (caughtUpAt - (watch.firstAppendAt ?? caughtUpAt)) / 1000;
      const progress: DatamartProgress = {
        appendedAtEnd,
        loadedAtEnd,
        appended: watch.appended,
        loaded: watch.loaded,
        secondsToLoaded: seconds,
        endToEndPerSecond: seconds > 0 ? watch.loaded / seconds : 0,
        maxLagMs: watch.maxLagMs,
        maxLagDuringLoadMs,
        rssStartMb,
        rssEndMb: rssMb(),
        serverCpuSeconds: ((cpu) => (cpu.user + cpu.system) / 1e6)(process.cpuUsage(cpuStart)),
      };
      process.stdout.write(`${JSON.stringify(progress)}\n`);
    })();
  });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  await new Promise((resolve) => process.once('SIGTERM', resolve));
  // Everything acknowledged is loaded by now; the log of a temporary folder needs no drain.
  process.exit(0);
}

/** The floor: parse the JSON, append its messages as lines, answer once they are fsynced (group commit). */
async function runFloor(file: string): Promise<void> {
  const folder = `${file}.d`;
  const log = new EventLog(folder);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { batch: unknown[] };
      log.append(body.batch.map((m) => JSON.stringify(m))).then(
        () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}'),
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
  await new Promise((resolve) => process.once('SIGTERM', resolve));
  server.close();
  await log.close();
}

async function runLoad(url: string, key: string, seconds: number, concurrency: number, batch: number): Promise<void> {
  const template = batchTemplate(batch);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL('/v1/batch', url);
  const auth = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  const latencies: number[] = [];
  let events = 0;
  let failed = 0;
  let sequence = 0;
  const send = (body: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(target, { method: 'POST', agent, headers: { authorization: auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const body = fillTemplate(template, `${process.pid}-${sequence++}-`);
        const t0 = performance.now();
        const status = await send(body);
        latencies.push(performance.now() - t0);
        if (status === 200) events += batch;
        else failed++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const quantile = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const result: LoadResult = {
    events,
    requests: latencies.length,
    failed,
    seconds: elapsed,
    eventsPerSecond: events / elapsed,
    p50Ms: quantile(0.5),
    p99Ms: quantile(0.99),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  agent.destroy();
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

function printResults(results: readonly IngestResult[], options: IngestOptions): void {
  const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });
  console.log(
    `ingest through POST /v1/batch: ${options.seconds} s, ${options.concurrency} concurrent requests of ${options.batch ?? 100} events; loader yields to requests: ${options.yieldToRequests === false ? 'off' : 'on'}`,
  );
  console.log('                        events/s   p50 ms   p99 ms   requests  failed');
  results.forEach((result, i) => {
    const round = results.length > 1 ? `${i + 1}: ` : '';
    for (const [name, r] of [[`${round}fidelis`, result.fidelis], [`${round}floor (parse+fsync)`, result.floor]] as const) {
      console.log(
        `${name.padEnd(23)} ${fmt(r.eventsPerSecond).padStart(9)} ${fmt(r.p50Ms, 1).padStart(8)} ${fmt(r.p99Ms, 1).padStart(8)} ${fmt(r.requests).padStart(10)} ${fmt(r.failed).padStart(7)}`,
      );
    }
    const d = result.datamart;
    console.log(
      `${round}fidelis / floor: ${fmt(result.ratio * 100, 1)}%; datamart at the end of the load: ${fmt(d.loadedAtEnd)} of ${fmt(d.appendedAtEnd)} events loaded`,
    );
    console.log(
      `${round}end to end: ${fmt(d.endToEndPerSecond)} events/s (${fmt(d.loaded)} events in the datamart ${fmt(d.secondsToLoaded, 1)} s after the first acknowledgement); ` +
        `lag: max ${fmt(d.maxLagDuringLoadMs)} ms during the load, ${fmt(d.maxLagMs)} ms until caught up; server RSS ${fmt(d.rssStartMb)} -> ${fmt(d.rssEndMb)} MB; ` +
        `server CPU ${fmt(d.serverCpuSeconds, 1)} s, ${fmt(d.loaded / d.serverCpuSeconds)} events per CPU-second; load average ${result.loadAverage}`,
    );
  });
  const ratio = median(results.map((r) => r.ratio));
  console.log(`fidelis / floor${results.length > 1 ? `, median of ${results.length} rounds` : ''}: ${fmt(ratio * 100, 1)}% (target >= 50%, and >= 30,000 events/s)`);
  const endToEnd = median(results.map((r) => r.datamart.endToEndPerSecond));
  console.log(`end to end${results.length > 1 ? `, median of ${results.length} rounds` : ''}: ${fmt(endToEnd)} events/s (target >= 50,000 events/s)`);
}

const isMain = process.argv[1] === SELF;
if (isMain) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      seconds: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '16' },
      batch: { type: 'string', default: '100' },
      rounds: { type: 'string', default: '1' },
      yield: { type: 'string', default: 'on' },
    },
  });
  const [a = '', b = '', c = '', d = '', e = ''] = positionals;
  if (values.role === 'fidelis') await runFidelis(a, b !== 'off');
  else if (values.role === 'floor') await runFloor(a);
  else if (values.role === 'load') await runLoad(a, b, Number(c), Number(d), Number(e));
  else {
    if (values.yield !== 'on' && values.yield !== 'off') throw new Error('--yield takes on or off');
    const options = {
      seconds: Number(values.seconds),
      concurrency: Number(values.concurrency),
      batch: Number(values.batch),
      rounds: Number(values.rounds),
      yieldToRequests: values.yield === 'on',
    };
    const results: IngestResult[] = [];
    for (let round = 0; round < options.rounds; round++) results.push(await benchIngest(options));
    printResults(results, options);
  }
}
