import { join } from 'node:path';
import { sql, type Engine } from '../../../src/store/index.js';
import { openStore } from '../../../src/schema/index.js';
import { runCli } from '../../helpers/cli.js';
import { SMALL_COMPANY, tempDir, writeFiles } from '../../helpers/fixtures.js';
import type { DeliveryClock } from '../../../src/activation/index.js';

/**
 * A small company run through the real pipeline (identity resolution, golden records, consent),
 * on which each test plans its own contacts. The planner (h-planner) is not merged yet: planned
 * contacts and their campaigns are inserted with plain SQL, as it will write them.
 *
 * - Ana: two records (store card C1, web account W9 sharing her e-mail); e-mail opt_in (W9 later
 *   than C1's opt_out), SMS opt_in; the web account has her street address.
 * - Bob (C2): e-mail opt_out.
 * - Zoé (C3): e-mail opt_in, a first name a template must escape in HTML.
 * - Dan (C4): no consent at all (unknown is not consent).
 * - Eve (C5): e-mail opt_in, no e-mail address.
 */
export const DELIVERY_COMPANY: Record<string, string> = {
  ...SMALL_COMPANY,
  'customers.csv': [
    'customer_id,source,first_name,last_name,street_address,postcode,city,country,signup_at,updated_at',
    'C1,store,Ana,Martin,,,Lyon,FR,2023-01-03,2023-01-03',
    'W9,web,Ana,Martin,12 rue de la République,69002,Lyon,FR,2024-01-10,2024-01-10',
    'C2,web,Bob,Durand,,,Paris,FR,2023-06-01,2023-06-01',
    'C3,web,Zoé <b>&,Roux,,,Nantes,FR,2023-06-01,2023-06-01',
    'C4,web,Dan,Petit,,,Lille,FR,2023-06-01,2023-06-01',
    'C5,store,Eve,Blanc,,,Nice,FR,2023-06-01,2023-06-01',
  ].join('\n'),
  'identifiers.csv': [
    'customer_id,type,value,source',
    'C1,email,ana.martin@example.com,store',
    'W9,email,Ana.Martin@example.com,web',
    'W9,user_id,u-ana,web',
    'W9,phone,+33612345678,web',
    'C2,email,bob@example.com,web',
    'C3,email,zoe@example.com,web',
    'C4,email,dan@example.com,web',
  ].join('\n'),
  'consents.csv': [
    'customer_id,channel,status,at,source',
    'C1,email,opt_out,2023-03-01 09:00:00,store',
    'W9,email,opt_in,2024-01-05 09:00:00,web_form',
    'W9,sms,opt_in,2024-01-05 09:00:00,web_form',
    'W9,mail,opt_in,2024-01-05 09:00:00,web_form',
    'W9,push,opt_in,2024-01-05 09:00:00,web_form',
    'C2,email,opt_out,2024-01-05 09:00:00,web_form',
    'C3,email,opt_in,2024-01-05 09:00:00,web_form',
    'C5,email,opt_in,2024-01-05 09:00:00,web_form',
  ].join('\n'),
};

export const UNSUBSCRIBE_SECRET = 'unsubscribe-secret-for-tests-0123456789abcdef';
export const WEBHOOK_SECRET = 'webhook-secret-for-tests-0123456789';

/** A database file with the company imported and run. */
export async function deliveryDatabase(): Promise<string> {
  const db = join(tempDir('fidelis-delivery-'), 'delivery.duckdb');
  const imported = await runCli(['import', writeFiles(DELIVERY_COMPANY), '--db', db]);
  if (imported.code !== 0) throw new Error(imported.stderr);
  const run = await runCli(['run', '--db', db, '--as-of', '2024-02-28']);
  if (run.code !== 0) throw new Error(run.stderr);
  return db;
}

export interface PlannedRow {
  readonly contact: string;
  readonly record: string;
  readonly channel?: string;
  /** When it was planned for (default: in the past, so it is due). */
  readonly at?: Date;
}

/** A campaign and its planned contacts, as the planner writes them. */
export async function planCampaign(engine: Engine, campaign: { id: string; name: string; channel?: string }, rows: readonly PlannedRow[]): Promise<void> {
  await engine.exec(sql`INSERT INTO campaigns (campaign_id, name, channel, objective, started_at)
    VALUES (${campaign.id}, ${campaign.name}, ${campaign.channel ?? 'email'}, 'promotion', ${new Date('2024-03-01T00:00:00Z')})`);
  for (const r of rows) {
    await engine.exec(sql`INSERT INTO contacts (contact_id, customer_id, campaign_id, channel, sent_at, unit_cost, status)
      VALUES (${r.contact}, ${r.record}, ${campaign.id}, ${r.channel ?? campaign.channel ?? 'email'}, ${r.at ?? new Date('2024-03-01T08:00:00Z')}, NULL, 'planned')`);
  }
}

export async function withEngine<T>(db: string, work: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await openStore(db);
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

export async function contactStates(engine: Engine, campaign: string): Promise<Record<string, { status: string; sent_at: string }>> {
  const rows = await engine.query<{ contact_id: string; status: string; sent_at: Date }>(
    sql`SELECT contact_id, status, sent_at FROM contacts WHERE campaign_id = ${campaign} ORDER BY contact_id`,
  );
  return Object.fromEntries(rows.map((r) => [r.contact_id, { status: r.status, sent_at: r.sent_at.toISOString() }]));
}

/** A clock that records the waits instead of waiting, with a seeded sequence for the jitter. */
export function testClock(start = new Date('2024-03-02T10:00:00Z'), randoms: readonly number[] = [0.5]): DeliveryClock & { readonly waits: number[] } {
  let now = start.getTime();
  let i = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => new Date(now),
    sleep: (ms) => {
      waits.push(ms);
      now += ms;
      return Promise.resolve();
    },
    random: () => randoms[i++ % randoms.length] ?? 0,
  };
}
