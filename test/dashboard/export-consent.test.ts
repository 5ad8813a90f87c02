import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/collect/index.js';
import { parseConfig } from '../../src/config/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { segmentCsv } from '../../src/dashboard/export.js';
import { readAudit } from '../../src/privacy/audit.js';
import { addUser, createKey, startServer, type RunningServer } from '../../src/server/index.js';
import { sql } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { tempDir, writeFiles } from '../helpers/fixtures.js';
import { basic } from '../server/helpers/app.js';
import { CONSENT_COMPANY } from '../consent/company.js';

// Four buyers: Ana opted in on email (web account, her store card opted out earlier), Bob never
// said anything (unknown), Chloé opted in then withdrew, David opted in at the store.
const COMPANY = {
  ...CONSENT_COMPANY,
  'customers.csv': `${CONSENT_COMPANY['customers.csv'] ?? ''}\nC3,store,Chloé,Petit,Nantes,2023-02-01,2023-02-01\nC4,store,David,Roux,Lille,2023-02-01,2023-02-01`,
  'identifiers.csv': `${CONSENT_COMPANY['identifiers.csv'] ?? ''}\nC3,email,chloe@example.com,store\nC4,email,david@example.com,store`,
  'consents.csv': [
    CONSENT_COMPANY['consents.csv'] ?? '',
    'C3,email,opt_in,2023-02-01 10:00:00,store',
    'C3,email,opt_out,2023-11-20 18:00:00,unsubscribe_link',
    'C4,email,opt_in,2023-02-01 10:00:00,store',
  ].join('\n'),
  'orders.csv': `${CONSENT_COMPANY['orders.csv'] ?? ''}\nO3,C3,2024-01-20 10:00:00,store,S1\nO4,C4,2024-02-10 10:00:00,store,S1`,
  'order_lines.csv': `${CONSENT_COMPANY['order_lines.csv'] ?? ''}\nO3,1,P1,1,49.90,0,20\nO4,1,P2,2,15,0,7.5`,
};

interface Csv {
  header: string[];
  rows: Record<string, string>[];
}

function parse(text: string): Csv {
  const [head = '', ...lines] = text.split('\r\n').filter((l) => l !== '');
  const header = head.split(',');
  // The fixture's fields hold no comma or quote: a split is enough here.
  return { header, rows: lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i] ?? '', v]))) };
}

describe('segment CSV export filtered by consent', () => {
  let server: RunningServer;
  let adminKey: string;
  let adminKeyId: string;
  let writeKey: string;
  let persons: Record<string, string>;
  let tiers: { value_tier: string; n: number }[];
  beforeAll(async () => {
    const db = join(tempDir(), 'export.duckdb');
    const setup = await openStore(db);
    await importFiles(setup, [writeFiles(COMPANY)]);
    await runPipeline(setup, parseConfig({ db }), { asOf: new Date('2024-02-28T00:00:00Z') });
    const admin = await createKey(setup, 'admin');
    adminKey = admin.key;
    adminKeyId = admin.apiKey.keyId;
    writeKey = (await createKey(setup, 'write')).key;
    await addUser(setup, 'claire', 'admin', 'a long enough password 1');
    const rows = await setup.query<{ node_id: string; person_id: string }>(sql`SELECT node_id, person_id FROM identity_nodes WHERE node_id IN ('C1', 'C2', 'C3', 'C4')`);
    persons = Object.fromEntries(rows.map((r) => [r.node_id, r.person_id]));
    tiers = (await setup.query<{ value_tier: string; n: bigint }>(sql`SELECT value_tier, count(*) AS n FROM customer_list GROUP BY value_tier ORDER BY value_tier`)).map((r) => ({
      value_tier: r.value_tier,
      n: Number(r.n),
    }));
    await setup.close();
    server = await startServer({ config: parseConfig({ db }), host: '127.0.0.1', port: 0 });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  const exportAll = async (channel: string | null, headers: Record<string, string> = { authorization: basic(adminKey) }) => {
    const files: { res: Response; csv: Csv }[] = [];
    for (const { value_tier } of tiers) {
      const res = await fetch(`${server.url}/api/segments/value_tier/${encodeURIComponent(value_tier)}/export.csv${channel === null ? '' : `?channel=${channel}`}`, { headers });
      expect(res.status).toBe(200);
      files.push({ res, csv: parse(await res.text()) });
    }
    return files;
  };
  const sum = (files: { res: Response }[], header: string): number => files.reduce((s, f) => s + Number(f.res.headers.get(header)), 0);

  it('exports only persons opted in on email by default, says how many were left out and why, with consent columns', async () => {
    expect(tiers.reduce((s, t) => s + t.n, 0)).toBe(4);
    const files = await exportAll(null);
    const rows = files.flatMap((f) => f.csv.rows);
    expect(rows.map((r) => r.id).sort()).toEqual([persons.C1, persons.C4].sort());
    expect(files.every((f) => f.res.headers.get('x-fidelis-consent-channel') === 'email')).toBe(true);
    expect(sum(files, 'x-fidelis-exported')).toBe(2);
    expect(sum(files, 'x-fidelis-left-out')).toBe(2);
    expect(sum(files, 'x-fidelis-left-out-opted-out')).toBe(1); // Chloé
    expect(sum(files, 'x-fidelis-left-out-unknown')).toBe(1); // Bob
    for (const f of files) expect(Number(f.res.headers.get('x-fidelis-exported'))).toBe(f.csv.rows.length);
    expect(files[0]?.csv.header.slice(-8)).toEqual(['consent_channel', 'consent_at', 'consent_source', 'consent_email', 'consent_sms', 'consent_mail', 'consent_phone', 'consent_push']);
    const ana = rows.find((r) => r.id === persons.C1);
    expect(ana).toMatchObject({ consent_channel: 'email', consent_at: '2024-01-05T09:00:00.000Z', consent_source: 'web_form', consent_email: 'opt_in', consent_sms: 'opt_out', consent_mail: 'opt_out', consent_push: 'unknown' });
  });

  it('gives the same file read one person at a time, pages of left-out persons included', async () => {
    for (const { value_tier } of tiers) {
      const whole = await new Response(segmentCsv(server.engine, 'value_tier', value_tier, 'email')).text();
      expect(await new Response(segmentCsv(server.engine, 'value_tier', value_tier, 'email', 1)).text()).toBe(whole);
    }
    const everyone = await Promise.all(tiers.map(({ value_tier }) => new Response(segmentCsv(server.engine, 'value_tier', value_tier, 'email', 1)).text()));
    expect(everyone.flatMap((text) => parse(text).rows.map((r) => r.id)).sort()).toEqual([persons.C1, persons.C4].sort());
  });

  it('filters on the channel asked for and refuses an unknown one', async () => {
    const sms = await exportAll('sms');
    // Only Ana has an sms event (withdrawn): nobody is exported, three have no event at all.
    expect(sms.flatMap((f) => f.csv.rows)).toEqual([]);
    expect(sum(sms, 'x-fidelis-left-out-opted-out')).toBe(1);
    expect(sum(sms, 'x-fidelis-left-out-unknown')).toBe(3);
    const bad = await fetch(`${server.url}/api/segments/value_tier/${encodeURIComponent(tiers[0]?.value_tier ?? '')}/export.csv?channel=fax`, { headers: { authorization: basic(adminKey) } });
    expect(bad.status).toBe(400);
  });

  it('leaves out at once a person who unsubscribed after the run, and the profile API shows it at once', async () => {
    // Profiles come from the run's documents until a load changes a person: the live road must take over for her.
    expect(server.profiles.state.documents).toBe(true);
    const res = await fetch(`${server.url}/v1/track`, {
      method: 'POST',
      headers: { authorization: basic(writeKey), 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'track', userId: 'u-ana', event: 'Unsubscribed', messageId: 'x1', timestamp: '2024-03-01T08:00:00Z', properties: { email_id: 'nl-12' } }),
    });
    expect(res.status).toBe(200);
    // Loaded when the profile API (which reads the same consents) shows it.
    const deadline = Date.now() + 10_000;
    let status = 'opt_in';
    while (status !== 'opt_out' && Date.now() < deadline) {
      const profile = (await (await fetch(`${server.url}/v1/customers/C1`, { headers: { authorization: basic(adminKey) } })).json()) as { currentConsents: { channel: string; status: string }[] };
      status = profile.currentConsents.find((c) => c.channel === 'email')?.status ?? '';
    }
    expect(status).toBe('opt_out');
    const files = await exportAll('email');
    expect(files.flatMap((f) => f.csv.rows).map((r) => r.id)).toEqual([persons.C4]);
    expect(sum(files, 'x-fidelis-left-out-opted-out')).toBe(2);
  });

  it('writes an audit entry for every export: who, what, how many rows, the channel and how many were left out', async () => {
    const login = await fetch(`${server.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'claire', password: 'a long enough password 1' }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const before = (await readAudit(server.engine, 1000)).length;
    const [byUser] = await exportAll('email', { cookie });
    const entries = await readAudit(server.engine, 1000);
    expect(entries.length - before).toBe(tiers.length);
    const mine = entries.filter((e) => e.actor === 'user:claire');
    expect(mine).toHaveLength(tiers.length);
    const first = mine.find((e) => e.subject === `value_tier=${tiers[0]?.value_tier ?? ''}`);
    expect(first).toMatchObject({ action: 'segment_export', row_count: Number(byUser?.res.headers.get('x-fidelis-exported')) });
    expect(JSON.parse(first?.detail ?? '{}')).toEqual({
      format: 'csv',
      dialect: 'plain',
      role: 'admin',
      channel: 'email',
      members: tiers[0]?.n,
      leftOut: Number(byUser?.res.headers.get('x-fidelis-left-out')),
      optedOut: Number(byUser?.res.headers.get('x-fidelis-left-out-opted-out')),
      unknown: Number(byUser?.res.headers.get('x-fidelis-left-out-unknown')),
    });
    // The earlier exports, made with the admin key, are on record under the key's id (never the key itself).
    const byKey = entries.filter((e) => e.actor === `key:${adminKeyId}`);
    expect(byKey.length).toBe(3 * tiers.length);
    expect(JSON.stringify(entries)).not.toContain('example.com');
  });
});
