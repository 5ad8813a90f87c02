import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerChannels } from '../../../src/activation/index.js';
import { parseConfig, type ConfigInput } from '../../../src/config/index.js';
import { sql, type Engine, type Row as DbRow } from '../../../src/store/index.js';
import { openStore } from '../../../src/schema/index.js';

const AS_OF = new Date('2025-06-30T00:00:00Z');

/**
 * A hand-made history. P1 (record C1): four emails (opened, clicked, nothing, converted) and one
 * planned; two SMS, the later followed 3 days on by an order of its campaign; one catalogue
 * followed 5 days on by an order of no campaign. P2 (record C2): never contacted, no consent.
 * The derived tables the step reads (persons, consents, value, classes) are plain SQL fixtures.
 */
async function fixture(engine: Engine): Promise<void> {
  await engine.exec(sql`INSERT INTO campaigns (campaign_id, name, channel, started_at) VALUES
    ('K1', 'news', 'email', '2025-01-01'), ('K2', 'sales', 'sms', '2025-05-01'), ('K3', 'catalogue', 'mail', '2025-03-01'), ('K4', 'winter', 'sms', '2025-01-10')`);
  await engine.exec(sql`INSERT INTO contacts (contact_id, customer_id, campaign_id, channel, sent_at, unit_cost, status) VALUES
    ('e1', 'C1', 'K1', 'email', '2025-01-01 10:00:00', 0.01, NULL), ('e2', 'C1', 'K1', 'email', '2025-02-01 10:00:00', 0.01, 'sent'),
    ('e3', 'C1', 'K1', 'email', '2025-03-01 10:00:00', NULL, NULL), ('e4', 'C1', 'K1', 'email', '2025-04-01 10:00:00', 0.01, NULL),
    ('e5', 'C1', 'K1', 'email', '2025-06-01 10:00:00', 0.01, 'planned'),
    ('s1', 'C1', 'K4', 'sms', '2025-01-10 10:00:00', 0.06, NULL), ('s2', 'C1', 'K2', 'sms', '2025-05-01 10:00:00', 0.06, NULL),
    ('m1', 'C1', 'K3', 'mail', '2025-03-01 08:00:00', 0.9, NULL)`);
  await engine.exec(sql`INSERT INTO responses (contact_id, type, ${sql.id('at')}) VALUES
    ('e1', 'delivered', '2025-01-01 10:01:00'), ('e1', 'opened', '2025-01-01 12:00:00'),
    ('e2', 'opened', '2025-02-01 12:00:00'), ('e2', 'clicked', '2025-02-01 12:01:00'), ('e4', 'converted', '2025-04-03 12:00:00'),
    ('s1', 'delivered', '2025-01-10 10:00:30')`);
  await engine.exec(sql`INSERT INTO orders (order_id, customer_id, ordered_at, channel, campaign_id) VALUES
    ('O1', 'C1', '2025-05-04 15:00:00', 'web', 'K2'), ('O2', 'C1', '2025-03-06 15:00:00', 'store', NULL)`);
  await engine.exec(sql`CREATE TABLE customer_persons AS SELECT * FROM (VALUES ('C1', 'P1'), ('C2', 'P2')) AS t(customer_id, person_id)`);
  await engine.exec(sql`CREATE TABLE person_consents AS SELECT p.person_id, c.channel,
      CASE WHEN p.person_id = 'P1' AND c.channel IN ('email', 'sms') THEN 'opt_in' WHEN p.person_id = 'P1' AND c.channel = 'mail' THEN 'opt_out' ELSE 'unknown' END AS status
    FROM (VALUES ('P1'), ('P2')) AS p(person_id) CROSS JOIN (VALUES ('email'), ('sms'), ('mail'), ('phone'), ('push')) AS c(channel)`);
  await engine.exec(sql`CREATE TABLE customer_clv AS SELECT * FROM (VALUES ('P1', 80.0)) AS t(person_id, expected_spend)`);
  await engine.exec(sql`CREATE TABLE customer_facts AS SELECT * FROM (VALUES ('P1', 200.0, 50.0), ('P2', 0.0, 0.0)) AS t(person_id, revenue, gross_margin)`);
  await engine.exec(sql`CREATE TABLE customer_digital AS SELECT * FROM (VALUES ('P1', 'technophile'), ('P2', 'technonul')) AS t(person_id, digital_type)`);
  await engine.exec(sql`CREATE TABLE customer_value_tiers AS SELECT * FROM (VALUES ('P1', 'CPP')) AS t(person_id, value_tier)`);
}

type Row = DbRow & {
  person_id: string;
  channel: string;
  segment: string;
  contacts: number;
  responses: number;
  conversions: number;
  unit_cost: number;
  response_value: number | null;
  consented: boolean;
  is_preferred: boolean;
};

describe('what the channels step counts as a contact, a response and a conversion', () => {
  let engine: Engine;
  beforeEach(async () => {
    engine = await openStore(':memory:');
    await fixture(engine);
  });
  afterEach(async () => {
    await engine.close();
  });

  async function run(channels: NonNullable<NonNullable<ConfigInput['activation']>['channels']> = {}): Promise<Map<string, Row>> {
    const warnings: string[] = [];
    await customerChannels.run({ engine, config: parseConfig({ activation: { channels } }), asOf: AS_OF, warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
    const rows = await engine.query<Row>(sql`SELECT * FROM customer_channels ORDER BY person_id, channel`);
    return new Map(rows.map((r) => [`${r.person_id}:${r.channel}`, { ...r, contacts: Number(r.contacts), responses: Number(r.responses), conversions: Number(r.conversions) }]));
  }
  const counts = (r: Row | undefined): [number, number, number] => [r?.contacts ?? -1, r?.responses ?? -1, r?.conversions ?? -1];

  it('by default: sent contacts only, opens and clicks and conversions respond, an order of the campaign within 30 days converts', async () => {
    const rows = await run();
    expect(counts(rows.get('P1:email'))).toEqual([4, 3, 1]);
    expect(counts(rows.get('P1:sms'))).toEqual([2, 1, 1]);
    // The catalogue's order carries no campaign: not its conversion under the default rule.
    expect(counts(rows.get('P1:mail'))).toEqual([1, 0, 0]);
    expect(rows.get('P1:email')?.segment).toBe('technophile/CPP');
    expect(rows.get('P2:email')?.segment).toBe('technonul/unknown');
  });

  it('clicks, or conversions only, when configured so', async () => {
    expect(counts((await run({ response: 'clicked' })).get('P1:email'))).toEqual([4, 2, 1]);
    expect(counts((await run({ response: 'converted' })).get('P1:email'))).toEqual([4, 1, 1]);
  });

  it('any order within the window converts under `any`; none under `none`; none outside a shorter window', async () => {
    const any = await run({ attribution: { orders: 'any' } });
    expect(counts(any.get('P1:mail'))).toEqual([1, 1, 1]);
    expect(counts(any.get('P1:sms'))).toEqual([2, 1, 1]);
    expect(counts((await run({ attribution: { orders: 'none' } })).get('P1:sms'))).toEqual([2, 0, 0]);
    expect(counts((await run({ attribution: { windowDays: 2 } })).get('P1:sms'))).toEqual([2, 0, 0]);
  });

  it('costs a contact at the channel history average (configured cost where a contact has none), or the configured cost', async () => {
    const history = await run();
    expect(history.get('P1:email')?.unit_cost).toBeCloseTo((0.01 * 3 + 0.002) / 4, 10);
    expect(history.get('P1:phone')?.unit_cost).toBeCloseTo(3.5, 10);
    expect((await run({ unitCost: 'configured' })).get('P1:email')?.unit_cost).toBeCloseTo(0.002, 10);
  });

  it('values a conversion at his expected order margin, prefers only a consented channel, and none for a person without consent', async () => {
    const rows = await run({ response: 'converted' });
    // Expected spend 80 EUR x margin rate 50/200.
    expect(rows.get('P1:sms')?.response_value).toBeCloseTo(20, 10);
    const preferred = [...rows.values()].filter((r) => r.is_preferred);
    expect(preferred.map((r) => r.person_id)).toEqual(['P1']);
    expect(['email', 'sms']).toContain(preferred[0]?.channel);
    expect(rows.get('P1:mail')?.consented).toBe(false);
    expect([...rows.values()].filter((r) => r.person_id === 'P2').every((r) => !r.consented && r.contacts === 0)).toBe(true);
    // P2 has no orders: his value of a response is his segment's, else the base's (P1's here).
    expect(rows.get('P2:sms')?.response_value).toBeCloseTo(20, 10);
  });

  it('keeps the history window: contacts older than historyDays do not count', async () => {
    expect(counts((await run({ historyDays: 100 })).get('P1:email'))).toEqual([1, 1, 1]);
  });
});
