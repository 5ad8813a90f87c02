// `npx tsx bench/soak.ts [--minutes 5 | --seconds S] [--rate R | --fraction 0.7] [--batch 100] [--memory-limit 1GB] [--yield off|on]`:
// Fidelis under a steady stream. Without --rate it first measures the maximum end-to-end rate
// (bench/ingest.ts, one 10 s round) and sends `--fraction` of it. A separate process sends
// batches at that rate (open loop: one batch every 1/(rate/batch) s, however long the answers
// take) to a server process that samples, every 200 ms, how far its datamart is behind the
// acknowledgements (the lag) and its resident memory. At the end the datamart must hold every
// acknowledged messageId exactly once: the distinct messageIds of the acknowledged batches are
// compared with those stored. `--memory-limit` is duckdb.memoryLimit: DuckDB keeps what it
// wrote in memory up to its limit (80% of the machine by default), which is not a leak.
// `--yield` is server.loader.yieldToRequests, off by default here: a loader that rests as long as
// each load took while requests keep coming has half its capacity under a steady stream, and
// docs/collect.md says to turn it off when the datamart must follow one.
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseConfig } from '../src/config/index.js';
import { createKey, startServer } from '../src/server/index.js';
import { sql } from '../src/store/index.js';
import { openStore } from '../src/schema/index.js';
import { batchTemplate, fillTemplate } from './events.js';
import { benchIngest, child, DatamartWatch, firstLine, nextLine } from './ingest.js';

export interface SoakOptions {
  readonly seconds: number;
  /** Events per second to send; default: `fraction` of the end-to-end rate measured first. */
  readonly rate?: number;
  readonly fraction?: number;
  readonly batch?: number;
  readonly memoryLimit?: string;
  /** server.loader.yieldToRequests, for the rate measured first and the soak (default false). */
  readonly yieldToRequests?: boolean;
}

interface SenderResult {
  readonly seconds: number;
  readonly requests: number;
  readonly failed: number;
  /** Answers other than 200 and errors, by status code (or error code). */
  readonly failures: Record<string, number>;
  /** Batches the sender could not start on time because `maxInFlight` were waiting. */
  readonly late: number;
  readonly acknowledgedEvents: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Sequence numbers of the acknowledged batches (messageIds `${pid}-${seq}-${slot}`), written to this file. */
  readonly ackedFile: string;
  readonly pid: number;
}

interface ServerReport {
  readonly appended: number;
  readonly loaded: number;
  readonly maxLagMs: number;
  /** Lag at the 99th percentile of the samples taken while the sender ran. */
  readonly p99LagMs: number;
  readonly rssStartMb: number;
  readonly rssEndMb: number;
  readonly rssMaxMb: number;
  /** RSS at the end of each fifth of the run: whether memory levels off or keeps growing. */
  readonly rssByFifthMb: readonly number[];
  /** Seconds from the sender's last batch to the datamart holding everything. */
  readonly catchUpSeconds: number;
  /** Each loader step's runs, total and longest time (ms): where a lag comes from. */
  readonly steps: Record<string, { runs: number; totalMs: number; maxMs: number }>;
}

export interface SoakResult {
  readonly rate: number;
  /** The end-to-end rate measured first (when no rate was given). */
  readonly measuredEndToEnd: number | null;
  readonly sender: Omit<SenderResult, 'ackedFile' | 'pid'>;
  readonly server: ServerReport;
  readonly expected: number;
  readonly storedRows: number;
  readonly storedDistinct: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Stored messageIds of batches that were not acknowledged (a request that failed after its log append). */
  readonly unacknowledgedStored: number;
  readonly loadAverage: string;
}

const SELF = fileURLToPath(import.meta.url);
const rssMb = (): number => process.memoryUsage().rss / 1024 / 1024;

export async function benchSoak(options: SoakOptions): Promise<SoakResult> {
  const batch = options.batch ?? 100;
  let measuredEndToEnd: number | null = null;
  let rate = options.rate;
  if (rate === undefined) {
    const ingest = await benchIngest({ seconds: 10, concurrency: 16, batch, yieldToRequests: options.yieldToRequests ?? false });
    measuredEndToEnd = ingest.datamart.endToEndPerSecond;
    rate = Math.max(batch, Math.round(measuredEndToEnd * (options.fraction ?? 0.7)));
  }
  const work = mkdtempSync(join(tmpdir(), 'fidelis-soak-'));
  try {
    const db = join(work, 'soak.duckdb');
    const store = await openStore(db);
    const { key } = await createKey(store, 'write', 'soak');
    await store.close();
    const server = child('server', [db, options.yieldToRequests === true ? 'on' : 'off', options.memoryLimit ?? ''], SELF);
    const { url } = await firstLine<{ url: string }>(server);
    const ackedFile = join(work, 'acked.json');
    const sender = child('send', [url, key, String(options.seconds), String(rate), String(batch), ackedFile], SELF);
    const sent = await firstLine<SenderResult>(sender);
    const reported = nextLine<ServerReport>(server);
    server.kill('SIGUSR2');
    const report = await reported;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;

    // Every acknowledged messageId once, nothing else: the acknowledged batches against the stored ids.
    const acked = JSON.parse(readFileSync(ackedFile, 'utf8')) as number[];
    const idsPerBatch = batchTemplate(batch).messageIds.length;
    const check = await openStore(db);
    try {
      await check.exec(sql`CREATE TEMP TABLE acked (seq BIGINT)`);
      if (!check.append) throw new Error('the soak check needs an engine with an appender');
      await check.append('acked', acked.map((seq) => [seq]));
      const prefix = `${sent.pid}-`;
      const [row] = await check.query<{ rows: number; distinct_ids: number; acked_distinct: number }>(sql`
        WITH mine AS (SELECT message_id, CAST(split_part(message_id, '-', 2) AS BIGINT) AS seq FROM events WHERE starts_with(message_id, ${prefix}))
        SELECT count(*) AS rows, count(DISTINCT message_id) AS distinct_ids,
          count(DISTINCT message_id) FILTER (WHERE seq IN (SELECT seq FROM acked)) AS acked_distinct
        FROM mine`);
      const expected = acked.length * idsPerBatch;
      const storedRows = Number(row?.rows ?? 0);
      const storedDistinct = Number(row?.distinct_ids ?? 0);
      const ackedDistinct = Number(row?.acked_distinct ?? 0);
      const { ackedFile: _file, pid: _pid, ...senderFigures } = sent;
      return {
        rate,
        measuredEndToEnd,
        sender: senderFigures,
        server: report,
        expected,
        storedRows,
        storedDistinct,
        lost: expected - ackedDistinct,
        duplicated: storedRows - storedDistinct,
        unacknowledgedStored: storedDistinct - ackedDistinct,
        loadAverage: readFileSync('/proc/loadavg', 'utf8').trim(),
      };
    } finally {
      await check.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---- roles, each in its own process ----

async function runServer(db: string, yieldToRequests: boolean, memoryLimit: string): Promise<void> {
  const config = parseConfig({ db, server: { loader: { yieldToRequests } }, ...(memoryLimit ? { duckdb: { memoryLimit } } : {}) });
  const steps: ServerReport['steps'] = {};
  const onStep = (name: string, ms: number): void => {
    const step = (steps[name] ??= { runs: 0, totalMs: 0, maxMs: 0 });
    step.runs += 1;
    step.totalMs += ms;
    step.maxMs = Math.max(step.maxMs, ms);
  };
  const server = await startServer({ config, port: 0, onStep });
  const watch = new DatamartWatch(server);
  const rssStartMb = rssMb();
  let rssMaxMb = rssStartMb;
  const lags: number[] = [];
  const rssSamples: number[] = [];
  const sampler = setInterval(() => {
    lags.push(watch.lagMs);
    const rss = rssMb();
    rssSamples.push(rss);
    rssMaxMb = Math.max(rssMaxMb, rss);
  }, 200);
  watch.start();
  process.once('SIGUSR2', () => {
    void (async () => {
      clearInterval(sampler);
      const stopped = performance.now();
      const caughtUpAt = await watch.caughtUp();
      await watch.stop();
      lags.sort((a, b) => a - b);
      const report: ServerReport = {
        appended: watch.appended,
        loaded: watch.loaded,
        maxLagMs: watch.maxLagMs,
        p99LagMs: lags[Math.min(lags.length - 1, Math.floor(0.99 * lags.length))] ?? 0,
        rssStartMb,
        rssEndMb: rssMb(),
        rssMaxMb: Math.max(rssMaxMb, rssMb()),
        rssByFifthMb: [1, 2, 3, 4, 5].map((k) => rssSamples[Math.max(0, Math.ceil((k * rssSamples.length) / 5) - 1)] ?? rssStartMb),
        catchUpSeconds: (caughtUpAt - stopped) / 1000,
        steps,
      };
      process.stdout.write(`${JSON.stringify(report)}\n`);
    })();
  });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  await new Promise((resolve) => process.once('SIGTERM', resolve));
  await server.close();
  process.exit(0);
}

/** Open loop: batch k leaves at start + k / (rate / batch) s, unless too many are waiting for their answer. */
async function runSender(url: string, key: string, seconds: number, rate: number, batch: number, ackedFile: string): Promise<void> {
  const template = batchTemplate(batch);
  const maxInFlight = 64;
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight });
  const target = new URL('/v1/batch', url);
  const auth = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  const latencies: number[] = [];
  const acked: number[] = [];
  let failed = 0;
  const failures: Record<string, number> = {};
  let late = 0;
  let inFlight = 0;
  const send = (seq: number): Promise<void> =>
    new Promise((resolve) => {
      const body = fillTemplate(template, `${process.pid}-${seq}-`);
      const t0 = performance.now();
      inFlight += 1;
      const done = (outcome: number | string): void => {
        inFlight -= 1;
        latencies.push(performance.now() - t0);
        if (outcome === 200) acked.push(seq);
        else {
          failed += 1;
          failures[String(outcome)] = (failures[String(outcome)] ?? 0) + 1;
        }
        resolve();
      };
      const req = request(target, { method: 'POST', agent, headers: { authorization: auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      });
      req.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
      req.end(body);
    });
  const interval = (1000 * batch) / rate;
  const started = performance.now();
  const total = Math.floor((seconds * 1000) / interval);
  const pending: Promise<void>[] = [];
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
      while (next < due) {
        if (inFlight >= maxInFlight) {
          // The server is not answering fast enough: this batch leaves late (counted), with the next tick.
          late += 1;
          break;
        }
        pending.push(send(next++));
      }
      if (next >= total) resolve();
      else setTimeout(tick, Math.max(1, Math.min(interval, 10)));
    };
    tick();
  });
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const quantile = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  writeFileSync(ackedFile, JSON.stringify(acked));
  const result: SenderResult = {
    seconds: elapsed,
    requests: latencies.length,
    failed,
    failures,
    late,
    acknowledgedEvents: acked.length * batch,
    p50Ms: quantile(0.5),
    p99Ms: quantile(0.99),
    ackedFile,
    pid: process.pid,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  agent.destroy();
}

export function printSoak(result: SoakResult): void {
  const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });
  const { sender, server } = result;
  const verdict = (ok: boolean): string => (ok ? 'ok' : 'FAILED');
  if (result.measuredEndToEnd !== null) console.log(`measured end-to-end rate: ${fmt(result.measuredEndToEnd)} events/s`);
  console.log(
    `soak: ${fmt(result.rate)} events/s asked for ${fmt(sender.seconds, 1)} s: ${fmt(sender.acknowledgedEvents)} events acknowledged ` +
      `(${fmt(sender.acknowledgedEvents / sender.seconds)} events/s), ${fmt(sender.failed)} failed requests ${JSON.stringify(sender.failures)}, ${fmt(sender.late)} batches late; p50 ${fmt(sender.p50Ms, 1)} ms, p99 ${fmt(sender.p99Ms, 1)} ms`,
  );
  console.log(`lag: max ${fmt(server.maxLagMs)} ms, p99 ${fmt(server.p99LagMs)} ms (under 5 s: ${verdict(server.maxLagMs < 5000)}); caught up ${fmt(server.catchUpSeconds, 1)} s after the last batch`);
  const slowest = Object.entries(server.steps).sort((a, b) => b[1].totalMs - a[1].totalMs);
  console.log(`loader steps (runs, total s, longest ms): ${slowest.map(([name, t]) => `${name} ${fmt(t.runs)}, ${fmt(t.totalMs / 1000, 1)}, ${fmt(t.maxMs)}`).join('; ')}`);
  console.log(`server RSS: ${fmt(server.rssStartMb)} MB at the start, ${fmt(server.rssEndMb)} MB at the end, ${fmt(server.rssMaxMb)} MB at most; at the end of each fifth of the run: ${server.rssByFifthMb.map((mb) => fmt(mb)).join(', ')} MB`);
  console.log(
    `messageIds: ${fmt(result.expected)} acknowledged, ${fmt(result.storedDistinct)} distinct stored in ${fmt(result.storedRows)} rows: ` +
      `${fmt(result.lost)} lost (${verdict(result.lost === 0)}), ${fmt(result.duplicated)} duplicated (${verdict(result.duplicated === 0)}), ${fmt(result.unacknowledgedStored)} stored from unacknowledged requests`,
  );
  console.log(`load average: ${result.loadAverage}`);
}

const isMain = process.argv[1] === SELF;
if (isMain) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      minutes: { type: 'string', default: '5' },
      seconds: { type: 'string' },
      rate: { type: 'string' },
      fraction: { type: 'string', default: '0.7' },
      batch: { type: 'string', default: '100' },
      'memory-limit': { type: 'string', default: '1GB' },
      yield: { type: 'string', default: 'off' },
    },
  });
  const [a = '', b = '', c = '', d = '', e = '', f = ''] = positionals;
  if (values.role === 'server') await runServer(a, b === 'on', c);
  else if (values.role === 'send') await runSender(a, b, Number(c), Number(d), Number(e), f);
  else {
    const result = await benchSoak({
      seconds: values.seconds !== undefined ? Number(values.seconds) : Number(values.minutes) * 60,
      ...(values.rate !== undefined ? { rate: Number(values.rate) } : {}),
      fraction: Number(values.fraction),
      batch: Number(values.batch),
      memoryLimit: values['memory-limit'],
      yieldToRequests: values.yield === 'on',
    });
    printSoak(result);
  }
}
