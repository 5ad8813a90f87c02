// `npx tsx bench/dashboard.ts --db PATH [--repeat 30] [--step]`: the dashboard's data API on a
// datamart `fidelis run` has analysed (work on a copy: the bench adds a read key, and --step reruns
// the dashboard step alone first and reports its time). Starts the server (startServer), drives
// every endpoint sequentially --repeat times per case with varied inputs, and prints p50/p95/max
// of the server time (its Server-Timing header) and of the client time. Target (issue 6): every
// endpoint under 300 ms server time at p95 on 1M customers.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config/index.js';
import { dashboard } from '../src/dashboard/index.js';
import { createKey, startServer } from '../src/server/index.js';
import { sql } from '../src/store/index.js';
import { openStore } from '../src/schema/index.js';
import { round } from './round.js';

export interface EndpointFigures {
  readonly endpoint: string;
  /** Server time of the case's first (untimed, cold) request. */
  readonly first: number;
  readonly requests: number;
  readonly serverP50: number;
  readonly serverP95: number;
  readonly serverMax: number;
  readonly clientP50: number;
  readonly clientP95: number;
  readonly clientMax: number;
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

interface Inputs {
  readonly ids: string[];
  readonly emails: string[];
  readonly phones: string[];
  readonly names: string[];
  readonly smallSegment: string;
  readonly total: number;
}

/** Varied inputs read from the datamart: random persons, their emails, phones and names, a small segment. */
async function inputs(db: string, count: number): Promise<Inputs & { key: string; stepSeconds: number | null }> {
  const engine = await openStore(db);
  try {
    let stepSeconds: number | null = null;
    if (process.argv.includes('--step')) {
      const [run] = await engine.query<{ as_of: Date }>(sql`SELECT max(as_of) AS as_of FROM pipeline_runs`);
      const started = performance.now();
      await engine.transaction((tx) => dashboard.run({ engine: tx, config: loadConfig(undefined, { db }), asOf: run?.as_of ?? new Date(), warn: () => undefined }));
      stepSeconds = (performance.now() - started) / 1000;
    }
    // An admin key: the segment export needs one since the role matrix (a read key gets 403 there).
    const key = (await createKey(engine, 'admin', 'bench-dashboard')).key;
    const people = await engine.query<{ person_id: string; email: string | null; phone: string | null; first_name: string | null; last_name: string | null }>(
      sql`SELECT person_id, email, phone, first_name, last_name FROM customer_list USING SAMPLE ${sql.raw(String(count * 4))} ROWS`,
    );
    const [segment] = await engine.query<{ value: string }>(sql`SELECT rfm_cell AS value FROM customer_list GROUP BY rfm_cell
      ORDER BY abs(count(*) - 2000) LIMIT 1`);
    const [all] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM customer_list`);
    const pick = (values: (string | null)[]): string[] => values.filter((v): v is string => v !== null && v !== '').slice(0, count);
    return {
      key,
      stepSeconds,
      ids: pick(people.map((p) => p.person_id)),
      emails: pick(people.map((p) => p.email)),
      phones: pick(people.map((p) => p.phone)),
      names: pick(people.map((p, i) => (i % 2 === 0 ? p.last_name : p.first_name && p.last_name ? `${p.first_name} ${p.last_name.slice(0, 3)}` : null))),
      smallSegment: segment?.value ?? 'r1f1',
      total: Number(all?.n ?? 0),
    };
  } finally {
    await engine.close();
  }
}

/** Each case: a name and the paths its requests go to (cycled). */
function cases(x: Inputs, repeat: number): [string, string[]][] {
  const rnd = (i: number): number => Math.floor((((i * 2654435761) % 2 ** 32) / 2 ** 32) * Math.max(1, Math.floor(x.total / 50)));
  const n = Array.from({ length: repeat }, (_, i) => i);
  const e = encodeURIComponent;
  return [
    ['overview', ['/api/overview']],
    ['migration (default)', ['/api/migration', '/api/migration?dimension=grid', '/api/migration?dimension=rfm_segment']],
    ['customers (first page)', ['/api/customers']],
    ['customers (filter + sort)', ['/api/customers?value_tier=CPP&sort=clv', '/api/customers?grid=whale&digital_type=technophile&sort=last_purchase&order=asc', '/api/customers?rfm_cell=r5f5&sort=predicted_value&order=desc']],
    ['customers (deep pages)', n.map((i) => `/api/customers?page=${1 + rnd(i + 1)}&pageSize=50&sort=${['revenue', 'clv', 'name', 'last_purchase'][i % 4] ?? 'revenue'}`)],
    ['customers (q=email)', x.emails.map((v) => `/api/customers?q=${e(v)}`)],
    ['customers (q=phone)', x.phones.map((v) => `/api/customers?q=${e(v)}`)],
    ['customers (q=name)', x.names.map((v) => `/api/customers?q=${e(v)}`)],
    ['customers (q=id)', x.ids.map((v) => `/api/customers?q=${e(v)}`)],
    ['customer 360', x.ids.map((v) => `/api/customers/${e(v)}`)],
    ['segments', ['/api/segments']],
    ['segment detail', ['/api/segments/value_tier/CPP', '/api/segments/grid/whale', `/api/segments/rfm_cell/${x.smallSegment}`, '/api/segments/rfm_segment/champions']],
    [`export.csv (rfm_cell ${x.smallSegment})`, [`/api/segments/rfm_cell/${e(x.smallSegment)}/export.csv`]],
  ];
}

export async function benchDashboard(db: string, repeat: number): Promise<{ figures: EndpointFigures[]; stepSeconds: number | null; customers: number }> {
  const x = await inputs(db, repeat);
  const server = await startServer({ config: loadConfig(undefined, { db }), port: 0 });
  const headers = { authorization: `Basic ${Buffer.from(`${x.key}:`).toString('base64')}` };
  const figures: EndpointFigures[] = [];
  try {
    for (const [endpoint, paths] of cases(x, repeat)) {
      const serverMs: number[] = [];
      const clientMs: number[] = [];
      // The first request of a case warms the engine's caches: reported apart, as `first`.
      const first = await fetch(`${server.url}${paths[0] ?? '/'}`, { headers });
      await first.arrayBuffer();
      const cold = Number(/dur=([\d.]+)/.exec(first.headers.get('server-timing') ?? '')?.[1] ?? NaN);
      for (let i = 0; i < repeat; i++) {
        const path = paths[i % paths.length] ?? '/';
        const sent = performance.now();
        const res = await fetch(`${server.url}${path}`, { headers });
        await res.arrayBuffer();
        clientMs.push(performance.now() - sent);
        if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
        serverMs.push(Number(/dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1] ?? NaN));
      }
      serverMs.sort((a, b) => a - b);
      clientMs.sort((a, b) => a - b);
      figures.push({
        endpoint,
        first: round(cold, 1),
        requests: repeat,
        serverP50: round(quantile(serverMs, 0.5), 1),
        serverP95: round(quantile(serverMs, 0.95), 1),
        serverMax: round(serverMs.at(-1) ?? NaN, 1),
        clientP50: round(quantile(clientMs, 0.5), 1),
        clientP95: round(quantile(clientMs, 0.95), 1),
        clientMax: round(clientMs.at(-1) ?? NaN, 1),
      });
    }
  } finally {
    await server.close();
  }
  return { figures, stepSeconds: x.stepSeconds, customers: x.total };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { db: { type: 'string' }, repeat: { type: 'string', default: '30' }, step: { type: 'boolean' } } });
  if (!values.db) throw new Error('usage: npx tsx bench/dashboard.ts --db PATH [--repeat N] [--step]');
  const result = await benchDashboard(values.db, Number(values.repeat));
  console.log(`dashboard API on ${result.customers.toLocaleString('en-US')} customers, ${values.repeat} requests per endpoint, sequential` +
    (result.stepSeconds === null ? '' : `; dashboard step ${result.stepSeconds.toFixed(1)} s`));
  console.log('target: server p95 < 300 ms per endpoint (issue 6)');
  console.log(`${'endpoint'.padEnd(36)}${['first', 'p50', 'p95', 'max'].map((h) => h.padStart(7)).join('')} |${['p50', 'p95', 'max'].map((h) => h.padStart(7)).join('')}`);
  console.log(`${''.padEnd(36)}${'server time (ms)'.padStart(28)} |${'client time (ms)'.padStart(21)}`);
  for (const f of result.figures) {
    const cols = [f.first, f.serverP50, f.serverP95, f.serverMax, f.clientP50, f.clientP95, f.clientMax].map((v) => String(v).padStart(7));
    console.log(`${f.endpoint.padEnd(36)}${cols.slice(0, 4).join('')} |${cols.slice(4).join('')}${f.serverP95 < 300 ? '' : '   over target'}`);
  }
}
