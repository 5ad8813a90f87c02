// `npx tsx bench/profiles.ts --db PATH [--rate 1000] [--seconds 10] [--warmup 5] [--sample 2000]` (a datamart `fidelis run` has
// analysed) or `--customers N` (generates, imports and runs one): profile lookups through
// GET /v1/customers/{id} and ?email= (--sample persons, and a quarter as many emails, drawn at
// random) at a fixed rate, open loop, from a separate load process;
// prints the achieved rate and p50/p99 latency. Target (issue 5): p99 under 10 ms at 1,000/s on 1M.
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { importFiles } from '../src/collect/index.js';
import { parseConfig } from '../src/config/index.js';
import { generateDemoCompany } from '../src/generate/index.js';
import { runPipeline } from '../src/pipeline/index.js';
import { createKey, startServer } from '../src/server/index.js';
import { sql } from '../src/store/index.js';
import { openStore } from '../src/schema/index.js';

export interface ProfileLoadResult {
  readonly requests: number;
  readonly failed: number;
  readonly shed: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Where the server read profiles from: the run's documents, or the tables (and why). */
  readonly road?: string;
  /**
   * CPU milliseconds per answered request (warm-up included) of the load process and of the
   * server's process: on 2 shared cores, whether the load generator or the server is the limit.
   */
  readonly loadCpuMsPerRequest?: number;
  readonly serverCpuMsPerRequest?: number;
  /** Requests answered (any status), warm-up included. */
  readonly answered?: number;
  /** The 1-minute load average when the load ended: what else ran on the machine. */
  readonly loadAverage?: number;
}

const cpuMs = (since?: NodeJS.CpuUsage): number => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};

const MAX_IN_FLIGHT = 256;

/** GET with the body read and dropped; resolves to the status. */
function get(agent: Agent, url: string, authorization: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization } }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The load process: paths from a file, one request every 1/rate s, latencies measured here. */
async function load(url: string, key: string, pathsFile: string, rate: number, seconds: number, warmup: number): Promise<ProfileLoadResult> {
  const { readFileSync } = await import('node:fs');
  const paths = JSON.parse(readFileSync(pathsFile, 'utf8')) as string[];
  const auth = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  // node:http with kept-alive sockets, not fetch: undici's fetch cost the load process 2.8 ms of
  // CPU a request (measured), so at 1,000/s on 2 shared cores it took more than the server did.
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  let answered = 0;
  /** Answers other than 200 (a shared email is a 400), and requests not sent because 256 were in flight. */
  let failed = 0;
  let shed = 0;
  let inFlight = 0;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  // The first `warmup` seconds run at the same rate but are not counted: a server in service has
  // its documents' blocks in memory, a freshly started one reads them from disk.
  const counted = started + warmup * 1000;
  for (let i = 0; performance.now() - started < (warmup + seconds) * 1000; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // Open loop, but a melting server must not take the load process with it.
    const measured = performance.now() >= counted;
    if (inFlight >= MAX_IN_FLIGHT) {
      if (measured) shed++;
      continue;
    }
    inFlight++;
    const sent = performance.now();
    pending.push(
      get(agent, `${url}${paths[i % paths.length] ?? '/'}`, auth)
        .then((status) => {
          answered++;
          if (!measured) return;
          if (status === 200) latencies.push(performance.now() - sent);
          else failed++;
        })
        .catch(() => {
          if (measured) failed++;
        })
        .finally(() => {
          inFlight--;
        }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  const elapsed = (performance.now() - counted) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    requests: latencies.length + failed + shed,
    failed,
    shed,
    seconds: elapsed,
    requestsPerSecond: latencies.length / elapsed,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    answered,
    loadCpuMsPerRequest: cpuMs(cpu0) / Math.max(1, answered),
  };
}

export async function benchProfiles(opts: { db?: string; customers?: number; rate: number; seconds: number; warmup?: number; sample?: number }): Promise<ProfileLoadResult> {
  const work = mkdtempSync(join(tmpdir(), 'fidelis-profiles-'));
  try {
    let db = opts.db;
    if (!db) {
      db = join(work, 'profiles.duckdb');
      await generateDemoCompany({ customers: opts.customers ?? 20_000, seed: 42, outDir: join(work, 'data'), format: 'csv' });
      const engine = await openStore(db);
      await importFiles(engine, [join(work, 'data')]);
      await runPipeline(engine, parseConfig({ db }));
      await engine.close();
    }
    const engine = await openStore(db);
    const key = (await createKey(engine, 'read', 'bench')).key;
    // Persons asked for: a larger sample reaches more documents that are not in memory yet.
    const sample = opts.sample ?? 2000;
    const ids = await engine.query<{ person_id: string }>(sql`SELECT person_id FROM customer_classes USING SAMPLE ${sql.raw(String(sample))} ROWS`);
    const emails = await engine.query<{ value: string }>(sql`SELECT value FROM person_identifiers WHERE type = 'email' USING SAMPLE ${sql.raw(String(Math.ceil(sample / 4)))} ROWS`);
    await engine.close();
    const paths = [...ids.map((r) => `/v1/customers/${encodeURIComponent(r.person_id)}`), ...emails.map((r) => `/v1/customers?email=${encodeURIComponent(r.value)}`)];
    const pathsFile = join(work, 'paths.json');
    writeFileSync(pathsFile, JSON.stringify(paths));
    const server = await startServer({ config: parseConfig({ db }), port: 0 });
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--load', server.url, key, pathsFile, String(opts.rate), String(opts.seconds), String(opts.warmup ?? 5)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const serverCpu0 = process.cpuUsage();
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      await new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`load process exited with ${code}`)))));
      const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as ProfileLoadResult;
      const serverCpuMsPerRequest = cpuMs(serverCpu0) / Math.max(1, result.answered ?? 0);
      const { state } = server.profiles;
      return { ...result, serverCpuMsPerRequest, loadAverage: loadavg()[0] ?? NaN, road: state.documents ? 'documents' : `live (${state.reason ?? ''})` };
    } finally {
      await server.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const loadAt = process.argv.indexOf('--load');
  if (loadAt >= 0) {
    const [url = '', key = '', file = '', rate = '1000', seconds = '10', warmup = '5'] = process.argv.slice(loadAt + 1);
    console.log(JSON.stringify(await load(url, key, file, Number(rate), Number(seconds), Number(warmup))));
  } else {
    const { values } = parseArgs({ options: { db: { type: 'string' }, customers: { type: 'string' }, rate: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '10' }, warmup: { type: 'string', default: '5' }, sample: { type: 'string', default: '2000' } } });
    const result = await benchProfiles({
      ...(values.db ? { db: values.db } : {}),
      ...(values.customers ? { customers: Number(values.customers) } : {}),
      rate: Number(values.rate),
      seconds: Number(values.seconds),
      warmup: Number(values.warmup),
      sample: Number(values.sample),
    });
    console.log(`profile lookups at ${values.rate}/s for ${values.seconds} s after ${values.warmup} s of warm-up: ${result.requestsPerSecond.toFixed(0)}/s served, ` +
      `p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms; of ${result.requests}, ${result.failed} not 200 (shared emails: 400), ${result.shed} shed (256 in flight); profiles read from ${result.road ?? '?'}; ` +
      `CPU a request: server ${result.serverCpuMsPerRequest?.toFixed(2) ?? '?'} ms, load process ${result.loadCpuMsPerRequest?.toFixed(2) ?? '?'} ms; load average ${result.loadAverage?.toFixed(1) ?? '?'}`);
  }
}
