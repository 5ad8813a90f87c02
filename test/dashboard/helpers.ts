// A generated company analysed at two dates (two snapshots), served on a real socket with one
// key of each scope: the fixture of the dashboard API tests.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { join } from 'node:path';
import { importFiles } from '../../src/collect/index.js';
import { generateDemoCompany } from '../../src/generate/index.js';
import { defaultAsOf, runPipeline } from '../../src/pipeline/index.js';
import { createApp, createKey, KeyRing, SerialEngine } from '../../src/server/index.js';
import type { Config } from '../../src/config/index.js';
import type { Engine, Row } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { fixtureConfig } from '../helpers/fixture-config.js';
import { tempDir } from '../helpers/fixtures.js';
import { basic } from '../server/helpers/app.js';

export interface DashboardFixture {
  readonly engine: Engine;
  readonly config: Config;
  readonly url: string;
  readonly readKey: string;
  readonly writeKey: string;
  /** Exports of personal data need it (the read role cannot export). */
  readonly adminKey: string;
  readonly asOf: Date;
  readonly earlier: Date;
  /** GET with the read key (or the given key; null for none). */
  get(path: string, key?: string | null): Promise<Response>;
  json<T = Row>(path: string): Promise<T>;
  close(): Promise<void>;
}

export async function dashboardFixture(customers = 1200, seed = 11, model?: 'bgnbd' | 'paretonbd' | 'mbgnbd' | 'auto'): Promise<DashboardFixture> {
  const dir = join(tempDir(), 'company');
  await generateDemoCompany({ customers, seed, outDir: dir, format: 'csv' });
  const store = await openStore(':memory:');
  await importFiles(store, [dir]);
  const engine = new SerialEngine(store);
  // One transaction model, not auto's four (test/helpers/fixture-config.ts): these tests are about the API.
  const config = fixtureConfig(model ? { value: { clv: { model } } } : {});
  const asOf = await defaultAsOf(engine);
  const earlier = new Date(asOf.getTime() - 120 * 86_400_000);
  // An earlier snapshot, then the run as of the last purchase, whose tables the API reads.
  await runPipeline(engine, config, { asOf: earlier });
  await runPipeline(engine, config, { asOf });
  const readKey = (await createKey(engine, 'read')).key;
  const writeKey = (await createKey(engine, 'write')).key;
  const adminKey = (await createKey(engine, 'admin')).key;
  const app = createApp({ engine, config, keys: await KeyRing.load(engine) });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = (path: string, key: string | null = readKey): Promise<Response> =>
    fetch(`${url}${path}`, { headers: key === null ? {} : { authorization: basic(key) } });
  return {
    engine,
    config,
    url,
    readKey,
    writeKey,
    adminKey,
    asOf,
    earlier,
    get,
    json: async <T>(path: string): Promise<T> => {
      const res = await get(path);
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close();
    },
  };
}

let shared: Promise<DashboardFixture> | undefined;

/** One fixture for every suite of the file that imports them (generating and analysing it is the slow part). */
export function sharedFixture(): Promise<DashboardFixture> {
  // BG/NBD, whose one-time buyers have no P(alive) (p_alive_reason): the segment page's suite shows
  // how the list and the comparison say so, and the other suites read any model's figures.
  shared ??= dashboardFixture(1200, 11, 'bgnbd');
  return shared;
}
