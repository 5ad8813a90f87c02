// A demo company in a database file with everything beside it (profile documents, an event log
// holding a person's messages), and the person the privacy tests ask about.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EventCollector } from '../../src/collect/events/index.js';
import type { Message } from '../../src/collect/events/messages.js';
import { importFiles } from '../../src/collect/index.js';
import { parseConfig, type Config } from '../../src/config/index.js';
import { generateDemoCompany } from '../../src/generate/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { suppressStep } from '../../src/privacy/index.js';
import { sql, type Engine } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { tempDir } from '../helpers/fixtures.js';

export interface PrivacyCompany {
  /** The database's own folder: the file, its log, its profile documents, nothing else. */
  readonly folder: string;
  readonly db: string;
  readonly config: Config;
  /** The person with the most records among those with an email and orders. */
  readonly personId: string;
  readonly email: string;
  /** The userId his tracked events came with. */
  readonly userId: string;
}

/** Messages of a person: identify with his email, pages, an order, a custom event that ends in raw_events. */
export function personMessages(userId: string, email: string, anonymousId: string, tag: string): Message[] {
  const at = '2026-11-20T10:00:00.000Z';
  return [
    { type: 'identify', messageId: `${tag}-identify`, userId, anonymousId, timestamp: at, traits: { email } },
    { type: 'page', messageId: `${tag}-page`, userId, anonymousId, timestamp: at, properties: { path: '/checkout' } },
    { type: 'track', messageId: `${tag}-order`, userId, event: 'Order Completed', timestamp: at, properties: { order_id: `${tag}-o1`, revenue: 42, products: [{ sku: 'S1', price: 42 }] } },
    { type: 'track', messageId: `${tag}-raw`, userId, event: 'Newsletter Signup', timestamp: at, properties: { email } },
  ] as unknown as Message[];
}

/** Loads messages through the collector (log, then datamart), with the suppress step, as a server would. */
export async function collect(engine: Engine, folder: string, messages: readonly Message[]): Promise<void> {
  const collector = new EventCollector(engine, {
    folder,
    intervalMs: 60_000,
    maxEvents: 1_000_000,
    keyPages: ['/checkout'],
    worker: false,
    beforeMap: [suppressStep(engine, folder)],
  });
  try {
    await collector.accept(messages, new Date('2026-11-20T10:00:01Z'), 'test-key');
    await collector.drain();
  } finally {
    await collector.close();
  }
}

export async function privacyCompany(customers = 300, seed = 5): Promise<PrivacyCompany> {
  const root = tempDir('fidelis-privacy-');
  const company = join(root, 'company');
  const folder = join(root, 'db');
  mkdirSync(folder);
  const db = join(folder, 'shop.duckdb');
  await generateDemoCompany({ customers, seed, outDir: company, format: 'csv' });
  const config = parseConfig({ db });
  const engine = await openStore(db);
  try {
    await importFiles(engine, [company]);
    await runPipeline(engine, config, {});
    // His email is his alone (not a family's), so it must leave every file.
    const [chosen] = await engine.query<{ person_id: string; email: string }>(sql`SELECT n.person_id, min(i.value) AS email
      FROM identity_nodes n JOIN identifiers i ON i.customer_id = n.node_id AND i.type = 'email'
      WHERE n.person_id IN (SELECT c.person_id FROM customer_persons c JOIN orders o ON o.customer_id = c.customer_id)
        AND lower(i.value) NOT IN (SELECT lower(j.value) FROM identifiers j JOIN identity_nodes m ON m.node_id = j.customer_id WHERE m.person_id <> n.person_id)
      GROUP BY n.person_id ORDER BY count(DISTINCT n.node_id) DESC, n.person_id LIMIT 1`);
    if (!chosen) throw new Error('no person with an email and orders in the demo company');
    // His tracked events come with the userId he already holds (two userIds on one person never merge).
    const [held] = await engine.query<{ value: string }>(sql`SELECT min(i.value) AS value FROM identifiers i JOIN identity_nodes n ON n.node_id = i.customer_id
      WHERE n.person_id = ${chosen.person_id} AND i.type IN ('account_id', 'user_id')`);
    const userId = held?.value ?? `web-${chosen.person_id}`;
    await collect(engine, `${db}.events`, personMessages(userId, chosen.email, `anon-${chosen.person_id}`, 'm'));
    // Identity links his tracked record to his others (by the email), and the documents include it.
    await runPipeline(engine, config, {});
    return { folder, db, config, personId: chosen.person_id, email: chosen.email, userId };
  } finally {
    await engine.close();
  }
}

/** Every file under a folder (recursively) whose bytes contain `needle`, as paths relative to it (a file: itself, when it does). */
export function filesContaining(folder: string, needle: string): string[] {
  const found: string[] = [];
  const bytes = Buffer.from(needle, 'utf8');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (readFileSync(path).includes(bytes)) found.push(path.slice(folder.length + 1));
    }
  };
  if (statSync(folder).isDirectory()) walk(folder);
  else if (readFileSync(folder).includes(bytes)) found.push(folder);
  return found.sort();
}
