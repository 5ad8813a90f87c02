import { parseConfig, type ConfigInput } from '../../../src/config/index.js';
import { EventCollector } from '../../../src/collect/events/index.js';
import { createApp, createKey, KeyRing, SerialEngine, type App } from '../../../src/server/index.js';
import type { Engine } from '../../../src/store/index.js';
import { openStore } from '../../../src/schema/index.js';
import { tempDir } from '../../helpers/fixtures.js';

export interface TestApp {
  readonly app: App;
  readonly engine: Engine;
  readonly collector: EventCollector;
  readonly writeKey: string;
  readonly readKey: string;
  readonly adminKey: string;
  /** POST a JSON body with the write key (or the given key; null for none). */
  post(path: string, body: unknown, options?: { key?: string | null; headers?: Record<string, string> }): Promise<Response>;
  /** Loads everything acknowledged into the datamart. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export function basic(key: string): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}

/** An app on an in-memory datamart, with one key of each scope and a log in a temp folder. */
export async function testApp(config: ConfigInput = {}): Promise<TestApp> {
  const parsed = parseConfig({ db: ':memory:', ...config });
  const engine = new SerialEngine(await openStore(':memory:'));
  const [writeKey, readKey, adminKey] = [
    (await createKey(engine, 'write', 'test')).key,
    (await createKey(engine, 'read')).key,
    (await createKey(engine, 'admin')).key,
  ];
  const keys = await KeyRing.load(engine);
  const collector = new EventCollector(engine, {
    folder: tempDir('fidelis-events-'),
    intervalMs: 60_000,
    maxEvents: 1_000_000,
    keyPages: parsed.server.keyPages,
  });
  const app = createApp({ engine, config: parsed, keys, collector });
  return {
    app,
    engine,
    collector,
    writeKey,
    readKey,
    adminKey,
    post: (path, body, options = {}) => {
      const key = options.key === undefined ? writeKey : options.key;
      return Promise.resolve(
        app.request(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key !== null ? { authorization: basic(key) } : {}), ...options.headers },
          body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
        }),
      );
    },
    drain: () => collector.drain(),
    close: async () => {
      await collector.close();
      await engine.close();
    },
  };
}
