// A small hand-made company for the pressure rules: persons with one customer record each, their
// tier and current consents written as the pipeline would (customer_persons, customer_classes,
// person_consents), and helpers to add contacts, tickets, responses and consent events.
import { parseConfig, type Config, type ConfigInput } from '../../../src/config/index.js';
import { CONTACT_CHANNELS, sql, type Engine } from '../../../src/store/index.js';
import { openStore } from '../../../src/schema/index.js';

export interface WorldPerson {
  readonly id: string;
  readonly tier?: 'CPP' | 'CCM' | 'CNR' | null;
  /** Channels he opted in to; the others are unknown. Default: every channel. */
  readonly optIn?: readonly string[];
}

export interface World {
  readonly engine: Engine;
  config: Config;
  setPolicy(pressure: NonNullable<NonNullable<ConfigInput['activation']>['pressure']>): void;
  contact(person: string, channel: string, at: Date, status?: 'planned' | 'sent' | 'cancelled' | null, campaign?: string): Promise<string>;
  ticket(person: string, type: string, openedAt: Date, closedAt?: Date | null): Promise<void>;
  response(contactId: string, type: string, at: Date): Promise<void>;
  consentEvent(person: string, channel: string, status: 'opt_in' | 'opt_out', at: Date): Promise<void>;
  close(): Promise<void>;
}

export const record = (person: string): string => `${person}-rec`;

export async function world(
  persons: readonly WorldPerson[],
  policy: NonNullable<NonNullable<ConfigInput['activation']>['pressure']> = {},
  location = ':memory:',
): Promise<World> {
  const engine = await openStore(location);
  await engine.exec('CREATE TABLE customer_persons (customer_id VARCHAR, person_id VARCHAR)');
  await engine.exec('CREATE TABLE customer_classes (person_id VARCHAR, value_tier VARCHAR, clv DOUBLE)');
  await engine.exec('CREATE TABLE person_consents (person_id VARCHAR, channel VARCHAR, status VARCHAR, "at" TIMESTAMP, source VARCHAR, record VARCHAR)');
  for (const p of persons) {
    await engine.exec(sql`INSERT INTO customers (customer_id, source) VALUES (${record(p.id)}, 'store')`);
    await engine.exec(sql`INSERT INTO customer_persons VALUES (${record(p.id)}, ${p.id})`);
    await engine.exec(sql`INSERT INTO customer_classes VALUES (${p.id}, ${p.tier === undefined ? 'CCM' : p.tier}, 100)`);
    for (const channel of CONTACT_CHANNELS) {
      const status = (p.optIn ?? CONTACT_CHANNELS).includes(channel) ? 'opt_in' : 'unknown';
      await engine.exec(sql`INSERT INTO person_consents VALUES (${p.id}, ${channel}, ${status}, NULL, NULL, NULL)`);
    }
  }
  let contacts = 0;
  const w: World = {
    engine,
    config: parseConfig({ activation: { pressure: policy } }),
    setPolicy(pressure) {
      w.config = parseConfig({ activation: { pressure } });
    },
    async contact(person, channel, at, status = null, campaign = 'CAMP1') {
      contacts += 1;
      const id = `K${contacts}`;
      await engine.exec(sql`INSERT INTO contacts (contact_id, customer_id, campaign_id, channel, sent_at, status) VALUES (${id}, ${record(person)}, ${campaign}, ${channel}, ${at}, ${status})`);
      return id;
    },
    async ticket(person, type, openedAt, closedAt = null) {
      await engine.exec(sql`INSERT INTO tickets (ticket_id, customer_id, opened_at, closed_at, type, channel) VALUES (${`T${person}${openedAt.getTime()}`}, ${record(person)}, ${openedAt}, ${closedAt}, ${type}, 'phone')`);
    },
    async response(contactId, type, at) {
      await engine.exec(sql`INSERT INTO responses (contact_id, type, "at") VALUES (${contactId}, ${type}, ${at})`);
    },
    async consentEvent(person, channel, status, at) {
      await engine.exec(sql`INSERT INTO consents (customer_id, channel, status, "at", source) VALUES (${record(person)}, ${channel}, ${status}, ${at}, 'web')`);
    },
    close: () => engine.close(),
  };
  return w;
}
