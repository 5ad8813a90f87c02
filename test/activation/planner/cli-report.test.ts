import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EventLoader, EventLog, logEntry, type Message } from '../../../src/collect/events/index.js';
import { sql } from '../../../src/store/index.js';
import { openStore } from '../../../src/schema/index.js';
import { runCli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/fixtures.js';
import { loadDemoCompany } from '../../helpers/demo-company.js';

let db: string;
let work: string;
let asOf: Date;
/** The campaign runs after the demo company's last order, so the only orders in its window are the test's events. */
let start: Date;
const day = (d: Date, plus: number): string => new Date(d.getTime() + plus * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  const demo = await loadDemoCompany({ customers: 1500, seed: 9, file: true });
  db = join(demo.dir, '..', 'base.duckdb');
  const [last] = await demo.engine.query<{ last: Date }>(sql`SELECT max(ordered_at) AS last FROM orders`);
  asOf = new Date(last!.last);
  start = new Date(`${day(asOf, 7)}T00:00:00Z`);
  // The planner reads what the pipeline wrote (the channels step's customer_channels) and the pressure policy's allowance `fidelis plan` computes.
  await demo.close();
  work = tempDir('fidelis-plan-');
  writeFileSync(join(work, 'campaigns.json'), JSON.stringify({
    campaigns: [{ id: 'winter', name: 'Winter offer', audience: { all: true }, channels: ['email', 'sms'], responseValue: { margin: 30 }, start: day(start, 0), end: day(start, 6), budget: 20, holdoutShare: 0.2 }],
  }));
}, 180_000);

describe('fidelis plan and fidelis campaigns report', () => {
  it('have --help, and refuse a campaign file naming the field to fix', async () => {
    expect((await runCli(['plan', '--help'])).stdout).toContain('--campaigns <file>');
    expect((await runCli(['campaigns', 'report', '--help'])).stdout).toContain('--json');
    writeFileSync(join(work, 'bad.json'), JSON.stringify({ campaigns: [{ id: 'x', name: 'X', audience: { all: true }, channels: ['fax'], responseValue: { margin: 1 }, start: '2025-01-02', end: '2025-01-01', budget: -1 }] }));
    const bad = await runCli(['plan', '--campaigns', join(work, 'bad.json'), '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('campaigns.0.channels.0');
    expect(bad.stderr).toContain('campaigns.0.budget');
    writeFileSync(join(work, 'dates.json'), JSON.stringify({ campaigns: [{ id: 'x', name: 'X', audience: { all: true }, channels: ['email'], responseValue: { margin: 1 }, start: '2025-01-02', end: '2025-01-01', budget: 1 }] }));
    expect((await runCli(['plan', '--campaigns', join(work, 'dates.json'), '--db', db])).stderr).toContain('campaigns.0.end: end must not be before start');
  });

  it('plans, and the report after email opens and orders coming back through the collection log measures both arms', async () => {
    const out = join(work, 'plan.json');
    const planned = await runCli(['plan', '--campaigns', join(work, 'campaigns.json'), '--as-of', asOf.toISOString(), '--out', out, '--db', db, '--json']);
    expect(planned.stderr).toBe('');
    const plan = JSON.parse(planned.stdout) as { planId: string; contacts: number; gap: number; campaigns: { holdout: number; cost: number }[] };
    expect(plan.contacts).toBeGreaterThan(10);
    expect(plan.campaigns[0]!.cost).toBeLessThanOrEqual(20);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(plan);
    const text = await runCli(['plan', '--campaigns', join(work, 'campaigns.json'), '--as-of', asOf.toISOString(), '--db', db]);
    expect(text.stdout).toContain('dual upper bound');

    const engine = await openStore(db);
    // On the real inputs: no planned contact without consent on its channel, none beyond what the pressure policy allowed.
    const plannedContacts = sql`SELECT p.person_id AS person_id, c.channel AS channel FROM contacts AS c JOIN customer_persons AS p ON p.customer_id = c.customer_id
      WHERE c.campaign_id = 'winter' AND c.status = 'planned'`;
    expect(await engine.query(sql`SELECT count(*) AS n FROM (${plannedContacts}) AS k
      LEFT JOIN person_consents AS pc ON pc.person_id = k.person_id AND pc.channel = k.channel WHERE coalesce(pc.status, '') <> 'opt_in'`)).toEqual([{ n: 0 }]);
    expect(await engine.query(sql`SELECT count(*) AS n FROM (SELECT person_id, channel, count(*) AS used FROM (${plannedContacts}) AS k GROUP BY person_id, channel) AS u
      JOIN contact_allowance AS a ON a.person_id = u.person_id AND a.channel = u.channel WHERE u.used > a.remaining`)).toEqual([{ n: 0 }]);
    // Reactions: two targeted persons open the email and order with the campaign, one holdout person orders.
    const targeted = await engine.query<{ person_id: string; contact_id: string }>(sql`SELECT p.person_id AS person_id, c.contact_id AS contact_id
      FROM contacts AS c JOIN customer_persons AS p ON p.customer_id = c.customer_id WHERE c.campaign_id = 'winter' AND c.status = 'planned' ORDER BY 1 LIMIT 2`);
    const [held] = await engine.query<{ person_id: string }>(sql`SELECT person_id FROM campaign_holdouts WHERE campaign_id = 'winter' ORDER BY 1 LIMIT 1`);
    const folder = tempDir('fidelis-events-');
    const log = new EventLog(folder);
    const at = `${day(start, 2)}T10:00:00.000Z`;
    const line = (m: Record<string, unknown>): string => JSON.stringify(logEntry(m as unknown as Message, new Date(at), 'k'));
    const user = (personId: string): string => `plan-test-${personId}`;
    await log.append([
      ...targeted.map((t, i) => line({ type: 'track', userId: user(t.person_id), event: 'Email Opened', messageId: `open-${i}`, timestamp: at, properties: { campaign_id: 'winter', contact_id: t.contact_id } })),
      ...targeted.map((t, i) => line({ type: 'track', userId: user(t.person_id), event: 'Order Completed', messageId: `order-${i}`, timestamp: at, properties: { order_id: `w-${i}`, campaign_id: 'winter', products: [{ sku: 'W1', price: 40 + i * 10 }] } })),
      line({ type: 'track', userId: user(held!.person_id), event: 'Order Completed', messageId: 'order-h', timestamp: at, properties: { order_id: 'w-h', products: [{ sku: 'W1', price: 25 }] } }),
    ]);
    await log.close();
    const loader = new EventLoader(engine, { folder, keyPages: [] });
    while ((await loader.loadOnce()) !== null);
    // Stands in for identity resolution: each event's record joins the person it was sent for.
    for (const p of [...targeted.map((t) => t.person_id), held!.person_id]) {
      await engine.exec(sql`INSERT INTO customer_persons (customer_id, person_id) VALUES (${`evt:u:${user(p)}`}, ${p})`);
    }
    const [attributed] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM orders WHERE campaign_id = 'winter'`);
    expect(Number(attributed!.n)).toBe(2);
    await engine.close();

    const report = await runCli(['campaigns', 'report', 'winter', '--db', db, '--json']);
    expect(report.stderr).toBe('');
    const r = JSON.parse(report.stdout) as {
      targeted: { persons: number; responders: number; revenue: number; attributedOrders: number; reactions: number };
      holdout: { persons: number; responders: number; revenue: number };
      responseUplift: { estimate: number; low: number; high: number };
      cost: number; roi: number | null;
    };
    expect(r.targeted.persons).toBe(plan.contacts);
    expect(r.holdout.persons).toBe(plan.campaigns[0]!.holdout);
    expect(r.targeted.responders).toBe(2);
    expect(r.targeted.revenue).toBeCloseTo(90, 6);
    expect(r.targeted.attributedOrders).toBe(2);
    expect(r.targeted.reactions).toBeGreaterThanOrEqual(2);
    expect(r.holdout.responders).toBe(1);
    expect(r.holdout.revenue).toBeCloseTo(25, 6);
    expect(r.responseUplift.estimate).toBeCloseTo(2 / r.targeted.persons - 1 / r.holdout.persons, 9);
    expect(r.responseUplift.low).toBeLessThan(r.responseUplift.estimate);
    expect(r.responseUplift.high).toBeGreaterThan(r.responseUplift.estimate);
    expect(r.cost).toBeCloseTo(plan.campaigns[0]!.cost, 6);
    const textReport = await runCli(['campaigns', 'report', 'winter', '--db', db]);
    expect(textReport.stdout).toContain('Response uplift');
  }, 180_000);
});
