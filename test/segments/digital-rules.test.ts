import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/collect/index.js';
import { parseConfig, type ConfigInput } from '../../src/config/index.js';
import { sql, type Engine } from '../../src/store/index.js';
import { digitalMaturity } from '../../src/segments/digital-maturity.js';
import { explainDigitalType } from '../../src/segments/digital-explain.js';
import { explainOnlineMove, onlineMigrationMatrix } from '../../src/segments/online-migration.js';
import type { CustomerDigitalRow } from '../../src/segments/digital-types.js';
import { memoryStore, writeFiles } from '../helpers/fixtures.js';

const AS_OF = new Date('2026-01-01T00:00:00Z');
const LAUNCH = '2025-01-01';

/** Orders per customer: [date, channel]. One customer per rule and per move. */
const ORDERS: Record<string, readonly (readonly [string, string])[]> = {
  EARLY: [['2024-03-01', 'store'], ['2024-06-01', 'store'], ['2025-01-20', 'app']],
  HIGH: [['2025-03-01', 'web'], ['2025-04-01', 'web'], ['2025-05-01', 'web']],
  LATER: [['2024-02-01', 'store'], ['2025-09-01', 'app']],
  DIVERSE: [['2025-02-10', 'store'], ['2025-08-01', 'app']],
  MEDIUM: [['2024-01-10', 'store'], ['2024-05-10', 'web'], ['2024-08-10', 'store'], ['2024-11-10', 'web']],
  SIGN: [...Array.from({ length: 9 }, (_, k) => [`2024-0${k + 1}-15`, 'store'] as const), ['2024-10-15', 'web']],
  EMAIL: [['2024-01-05', 'store'], ['2024-04-05', 'store'], ['2024-07-05', 'phone']],
  THIN: [['2025-06-01', 'store']],
  OFFLINE: [['2024-01-02', 'store'], ['2024-03-02', 'phone'], ['2024-05-02', 'store'], ['2024-07-02', 'store']],
  LATE: [['2024-01-03', 'store'], ['2024-02-03', 'store'], ['2024-03-03', 'store'], ['2026-02-01', 'web']],
  BROWSER: [['2025-01-05', 'store'], ['2025-02-05', 'store'], ['2025-03-05', 'store']],
};

function company(): Record<string, string> {
  const ids = Object.keys(ORDERS);
  const orders = Object.entries(ORDERS).flatMap(([id, list]) => list.map(([at, channel], k) => `O-${id}-${k},${id},${at} 10:00:00,${channel}`));
  const events = [
    ...Array.from({ length: 12 }, (_, k) => `E${k},BROWSER,,2025-0${1 + (k % 9)}-20 20:00:00,page_view,S${k % 10}`),
    ...Array.from({ length: 5 }, (_, k) => `A${k},,dev-b,2025-04-0${k + 1} 21:00:00,search,SA`),
    'Z1,,dev-unknown,2025-04-01 21:00:00,page_view,SZ',
  ];
  return {
    'customers.csv': ['customer_id,source', ...ids.map((id) => `${id},store`)].join('\n'),
    'orders.csv': ['order_id,customer_id,ordered_at,channel', ...orders].join('\n'),
    'identifiers.csv': [
      'customer_id,type,value,source',
      'EMAIL,email,email@example.org,store',
      'HIGH,email,high@example.org,web',
      'BROWSER,anonymous_id,dev-b,web',
    ].join('\n'),
    'campaigns.csv': 'campaign_id,name,channel,started_at\nK1,news,email,2025-03-01\nK2,sms,sms,2025-03-01',
    'contacts.csv': [
      'contact_id,customer_id,campaign_id,channel,sent_at',
      ...[1, 2, 3, 4, 5].map((k) => `X${k},HIGH,K1,email,2025-0${k + 2}-02`),
      'X6,HIGH,K1,email,2026-03-02',
      'S1,HIGH,K2,sms,2025-03-02',
    ].join('\n'),
    'responses.csv': [
      'contact_id,type,at',
      'X1,opened,2025-03-03',
      'X2,opened,2025-04-03',
      'X2,clicked,2025-04-03',
      'X3,clicked,2025-05-03',
      'X5,bounced,2025-07-02',
      'S1,clicked,2025-03-03',
    ].join('\n'),
    'web_events.csv': ['event_id,customer_id,anonymous_id,at,type,session_id', ...events].join('\n'),
  };
}

async function run(engine: Engine, config: ConfigInput): Promise<Map<string, CustomerDigitalRow>> {
  const warnings: string[] = [];
  await digitalMaturity.run({ engine, config: parseConfig(config), asOf: AS_OF, warn: (m) => warnings.push(m) });
  expect(warnings).toEqual([]);
  const rows = await engine.query<CustomerDigitalRow & Record<string, unknown>>(sql`SELECT * FROM customer_digital`);
  return new Map(rows.map((r) => [r.person_id, r]));
}

describe('digital-maturity rules on a hand-made company', () => {
  let engine: Engine;
  let rows: Map<string, CustomerDigitalRow>;
  const row = (id: string): CustomerDigitalRow => {
    const found = rows.get(id);
    if (!found) throw new Error(`no row for ${id}`);
    return found;
  };
  beforeAll(async () => {
    engine = await memoryStore();
    await importFiles(engine, [writeFiles(company())]);
    await engine.exec(sql`CREATE TABLE customer_persons AS SELECT customer_id, customer_id AS person_id FROM customers`);
    rows = await run(engine, { digital: { newChannel: { launchedAt: LAUNCH } } });
  });
  afterAll(async () => {
    await engine.close();
  });

  it('decides each type by the first rule that holds', () => {
    const decided = Object.fromEntries([...rows.values()].map((r) => [r.person_id, `${r.rule}:${r.digital_type}`]));
    expect(decided).toEqual({
      EARLY: 'early_adopter:technophile',
      HIGH: 'high_score:technophile',
      LATER: 'later_adopter:technomouton',
      DIVERSE: 'later_adopter:technomouton',
      MEDIUM: 'medium_score:technomouton',
      SIGN: 'online_sign:techno-no',
      EMAIL: 'email_address:techno-no',
      BROWSER: 'online_sign:techno-no',
      THIN: 'thin_evidence:technonul',
      OFFLINE: 'offline_only:technonul',
      LATE: 'offline_only:technonul',
    });
  });

  it('keeps every figure the rules used', () => {
    expect(row('EARLY')).toMatchObject({ orders: 3, new_channel_orders: 1, adoption_days: 19 });
    expect(row('LATER').adoption_days).toBe(243);
    expect(row('MEDIUM')).toMatchObject({ orders: 4, online_orders: 2, online_share: 0.5, email_contacts: 0, email_signal: null });
    // 0.45 x 0.5 over the weights of the signals he gives evidence on (online and web, not email).
    expect(row('MEDIUM').digital_score).toBeCloseTo((100 * 0.45 * 0.5) / 0.65, 9);
    // Emails: X6 was sent after the as-of date, X5 bounced, a click counts as an open, SMS do not count.
    expect(row('HIGH')).toMatchObject({ email_contacts: 5, email_delivered: 4, email_opens: 3, email_clicks: 2, open_rate: 0.75 });
    expect(row('HIGH').digital_score).toBeCloseTo((100 * (0.45 * 1 + 0.35 * 1)) / 1, 9);
  });

  it('counts the logged-in web events and those of the devices linked to the customer', () => {
    const browser = row('BROWSER');
    expect(browser).toMatchObject({ web_events: 17, web_sessions: 11, searches: 5 });
    const months = browser.months_observed;
    expect(months).toBeCloseTo((Date.parse('2026-01-01') - Date.parse('2025-01-05T10:00:00Z')) / 86_400_000 / 30.4375, 0);
    expect(browser.web_signal).toBeCloseTo(Math.min(1, 17 / months / 4), 9);
  });

  it('ignores what happened after the as-of date', () => {
    expect(row('LATE')).toMatchObject({ orders: 3, online_orders: 0, services: 'offline' });
  });

  it('says when the evidence was thin, and the fallback type can be configured', async () => {
    expect(row('THIN').evidence).toBe('thin');
    expect(row('OFFLINE').evidence).toBe('enough');
    const cautious = await run(engine, { digital: { newChannel: { launchedAt: LAUNCH }, fallbackType: 'techno-no' } });
    expect(cautious.get('THIN')).toMatchObject({ rule: 'thin_evidence', digital_type: 'techno-no', treatment: 'accompany' });
    rows = await run(engine, { digital: { newChannel: { launchedAt: LAUNCH } } });
  });

  it('gives each customer his move in the online-migration matrix and the treatment of his type', () => {
    const moves = Object.fromEntries([...rows.values()].map((r) => [r.person_id, `${r.customer_status}/${r.services}/${r.online_move}/${r.treatment}`]));
    expect(moves).toMatchObject({
      EARLY: 'existing/new_online/mutation/push_online',
      HIGH: 'new/classic_online/conquest/push_online',
      DIVERSE: 'new/new_online/diversification/push_online',
      MEDIUM: 'existing/classic_online/migration/push_online',
      EMAIL: 'existing/offline/none_existing/accompany',
      THIN: 'new/offline/none_new/accompany',
    });
  });

  it('counts the matrix by type', async () => {
    const matrix = await onlineMigrationMatrix(engine);
    expect(matrix.existing.new_online).toEqual({ move: 'mutation', customers: 2, byType: { technophile: 1, technomouton: 1, 'techno-no': 0, technonul: 0 } });
    expect(matrix.new.new_online.customers).toBe(1);
    expect(matrix.new.classic_online).toMatchObject({ move: 'conquest', customers: 1 });
    expect(matrix.existing.classic_online).toMatchObject({ move: 'migration', customers: 2 });
    const total = Object.values(matrix).flatMap((r) => Object.values(r)).reduce((s, c) => s + c.customers, 0);
    expect(total).toBe(rows.size);
  });

  it('takes the first order on the new channel as its launch unless one is configured', async () => {
    const byDefault = await run(engine, {});
    expect(byDefault.get('EARLY')).toMatchObject({ adoption_days: 0, new_channel_launch: new Date('2025-01-20T10:00:00Z') });
    rows = await run(engine, { digital: { newChannel: { launchedAt: LAUNCH } } });
  });

  it('explains the type and the move with the figures', () => {
    expect(explainDigitalType(row('EARLY'))).toBe(
      'technophile: first app order 19 days after launch (early adopter); 33% of orders online (1 of 3), no email received, no web activity.',
    );
    expect(explainDigitalType(row('HIGH'))).toBe(
      'technophile: digital score 80 (at least 65); 100% of orders online (3 of 3), opens 75% of emails (3 of 4), no web activity.',
    );
    expect(explainDigitalType(row('THIN'))).toMatch(/^technonul: thin evidence, no online sign and no email address \(fallback type\); 0% of orders online \(0 of 1\)/);
    expect(explainDigitalType(row('BROWSER'))).toMatch(/web events a month \(17 events\)\.$/);
    expect(explainOnlineMove(row('MEDIUM'))).toBe(
      'migration: existing customer (first order 2024-01-10, before the launch on 2025-01-01), buys the classic services online: 2 of 4 orders online; push online (technomouton).',
    );
    expect(explainOnlineMove(row('OFFLINE'))).toMatch(/^no move yet: existing customer .* still offline: all 4 orders offline; accompany/);
  });
});
