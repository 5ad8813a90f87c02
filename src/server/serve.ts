import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { EventCollector, verifyLog } from '../collect/events/index.js';
import { parseDbLocation, type Config } from '../config/index.js';
import { ProfileReader } from '../profiles/index.js';
import { openReadPool, tuneForServing, type Engine } from '../store/index.js';
import { openStore } from '../schema/index.js';
import { createApp } from './app.js';
import { KeyRing } from './keys.js';
import { linkIdentitiesStep, markProfilesStep } from './load-steps.js';
import { retentionStep, suppressStep } from '../privacy/index.js';
import { SerialEngine } from './serial-engine.js';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly engine: Engine;
  readonly collector: EventCollector;
  /** Where profiles are read from (the run's documents, or live; `state.reason` says why). */
  readonly profiles: ProfileReader;
  /** Stops taking requests, loads what the log holds, closes the datamart. */
  close(): Promise<void>;
}

export interface StartOptions {
  readonly config: Config;
  /** Default: config.server.host / port (0 picks a free port). */
  readonly host?: string;
  readonly port?: number;
  /** Told of each load (set FIDELIS_TRACE_LOADS=1 for `fidelis serve` to print them). */
  readonly trace?: (what: 'load-start' | 'load-end', position: { segment: number; offset: number }) => void;
  /** Told of each loader step run and its time in ms (benches: where a lag comes from). */
  readonly onStep?: (name: string, ms: number) => void;
  /** Test hook: told after each write of a load's commit; a throw there stands for a crash between two writes. */
  readonly onWrite?: (what: string) => void | Promise<void>;
}

/** The log folder: configured, else "<db>.events" beside the database (for ClickHouse, "<database>.events" in the working folder). */
export function logFolder(config: Config): string {
  if (config.server.log.folder) return config.server.log.folder;
  if (config.db === ':memory:') return mkdtempSync(join(tmpdir(), 'fidelis-events-'));
  const location = parseDbLocation(config.db);
  // A server's URL is no path (and holds the password): the log is a local folder named after the database.
  if ('database' in location) return `${location.database}.events`;
  return `${config.db}.events`;
}

/** Opens the datamart, starts the collector and listens. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config } = options;
  const store = await openStore(config.db, config.duckdb);
  try {
    await tuneForServing(store, config.server.loader.checkpointThreshold);
  } catch (error) {
    await store.close();
    throw error;
  }
  const reads = await openReadPool(store, config.server.readConnections);
  const engine = new SerialEngine(store);
  const keys = await KeyRing.load(engine);
  // Opened before the collector's first load, which would make the run's documents look stale.
  const profiles = await ProfileReader.open(reads, config);
  // Before the log is opened: a folder that is not the database's log is refused as it is.
  const folder = logFolder(config);
  try {
    await verifyLog(engine, folder);
  } catch (error) {
    await profiles.close();
    await reads.close();
    await engine.close();
    throw error;
  }
  const collector: EventCollector = new EventCollector(engine, {
    folder,
    segmentBytes: config.server.log.segmentBytes,
    intervalMs: config.server.loader.intervalMs,
    maxEvents: config.server.loader.maxEvents,
    yieldToRequests: config.server.loader.yieldToRequests,
    yieldMaxLag: config.server.loader.yieldMaxLag,
    maxBytes: config.server.loader.chunkBytes,
    keyPages: config.server.keyPages,
    // The loader runs read -> dedupe -> suppress -> map -> stage -> commit, then these.
    beforeMap: [suppressStep(engine, folder)],
    afterCommit: [
      linkIdentitiesStep(config, engine),
      markProfilesStep(profiles),
      retentionStep(engine, folder, config.collect.retention, (): number => collector.log.currentSegment),
    ],
    ...(options.trace ? { trace: options.trace } : {}),
    ...(options.onStep ? { onStep: options.onStep } : {}),
    ...(options.onWrite ? { onWrite: options.onWrite } : {}),
    onError: (error) => process.stderr.write(`fidelis serve: load failed, retrying: ${error instanceof Error ? error.message : String(error)}\n`),
  });
  collector.start();
  const app = createApp({ engine, reads, profiles, config, keys, collector });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: options.host ?? config.server.host, port: options.port ?? config.server.port }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    engine,
    collector,
    profiles,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await collector.drain();
      await collector.close();
      await profiles.close();
      await reads.close();
      await engine.close();
    },
  };
}
