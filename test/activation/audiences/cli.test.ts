import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from '../../../src/store/index.js';
import { openStore } from '../../../src/schema/index.js';
import { runCli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/fixtures.js';
import { audienceFixture } from './fixture.js';

let db: string;
const dir = tempDir();
beforeAll(async () => {
  db = join(dir, 'base.duckdb');
  const engine = await openStore(db);
  await audienceFixture(engine);
  await engine.close();
});
afterAll(() => undefined);

const at = ['--db', () => db, '--as-of', '2025-06-30T12:00:00Z'] as const;
const args = (...rest: string[]): string[] => [...rest, ...at.map((a) => (typeof a === 'function' ? a() : a))];

describe('fidelis audiences', () => {
  test('every subcommand has --help', async () => {
    for (const sub of ['fields', 'create', 'list', 'show', 'delete', 'export']) {
      const r = await runCli(['audiences', sub, '--help']);
      expect(r.code, sub).toBe(0);
      expect(r.stdout, sub).toContain('--json');
    }
  });

  test('fields lists the catalogue, in JSON too, in French on demand', async () => {
    const json = await runCli(['audiences', 'fields', '--json']);
    const fields = (JSON.parse(json.stdout) as { fields: { name: string; type: string }[] }).fields;
    expect(fields.find((f) => f.name === 'tier')).toMatchObject({ type: 'enum' });
    expect(fields.map((f) => f.name)).toEqual(expect.arrayContaining(['p_alive', 'consent.email', 'preferred_channel', 'last_contact', 'affinity', 'trait.<name>']));
    const fr = await runCli(['audiences', 'fields', '--lang', 'fr']);
    expect(fr.stdout).toContain('Niveau de valeur');
  });

  test('create, list, show, export and delete an audience, with live counts', async () => {
    const created = await runCli(args('audiences', 'create', 'vip', '--where', 'tier in ("CPP","CCM") and not contacted_within(7d)', '--json'));
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'vip', count: 2, text: 'tier in ("CPP", "CCM") and not contacted_within(7d)' });

    const again = await runCli(args('audiences', 'create', 'vip', '--where', 'consent.email'));
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists already');

    const list = await runCli(args('audiences', 'list', '--json'));
    expect(JSON.parse(list.stdout)).toMatchObject({ audiences: [{ name: 'vip', count: 2 }] });
    const shown = await runCli(args('audiences', 'show', 'vip'));
    expect(shown.stdout).toContain('vip: 2 persons');

    // p2 (opted in on email) and p4 (no consent event): one written, one left out.
    const out = join(dir, 'vip.csv');
    const exported = await runCli(args('audiences', 'export', 'vip', '--channel', 'email', '--out', out));
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('wrote 1 persons of 2');
    expect(exported.stdout).toContain('left out: 1 (0 opted out and 1 without any consent event on email; 0 held back by the contact-pressure policy)');
    const lines = readFileSync(out, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe('person_id,first_name,last_name,email,phone,street_address,postcode,city,country,value_tier,consent_channel,consent_at,consent_source');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['p2']);

    const jsonl = join(dir, 'vip.jsonl');
    const j = await runCli(args('audiences', 'export', 'vip', '--channel', 'sms', '--out', jsonl, '--format', 'jsonl', '--json'));
    expect(JSON.parse(j.stdout)).toMatchObject({ members: 2, exported: 1, leftOut: 1, unknown: 1 });
    expect(readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { person_id: string }).person_id)).toEqual(['p2']);

    const engine = await openStore(db);
    const audit = await engine.query(sql`SELECT action, subject, row_count FROM audit_log WHERE action = 'audience_export' ORDER BY occurred_at`);
    await engine.close();
    expect(audit).toEqual([
      { action: 'audience_export', subject: 'audience=vip', row_count: 1 },
      { action: 'audience_export', subject: 'audience=vip', row_count: 1 },
    ]);

    expect((await runCli(args('audiences', 'delete', 'vip', '--json'))).stdout).toContain('"deleted": "vip"');
    const gone = await runCli(args('audiences', 'show', 'vip'));
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('no audience named "vip"');
  });

  test('a bad filter is refused with its position, and nothing is saved', async () => {
    const r = await runCli(args('audiences', 'create', 'bad', '--where', 'tier = "CPP" and clvv > 3'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 1, column 18 (offset 17): unknown field "clvv"');
    expect(JSON.parse((await runCli(args('audiences', 'list', '--json'))).stdout)).toEqual({ audiences: [] });
  });

  test('export leaves out the persons the contact-pressure policy holds back, and says how many', async () => {
    // p1 (CPP, opted in on email) got one email on 2025-06-27; two more on 2025-06-28 and 29 reach
    // the default cap of 2 emails in 7 days plus the CPP tier's one extra, so on 2025-06-30 he may
    // not get a fourth.
    const engine = await openStore(db);
    await engine.exec(`INSERT INTO contacts (contact_id, customer_id, campaign_id, channel, sent_at, status) VALUES
      ('k9', 'r1', 'C1', 'email', TIMESTAMP '2025-06-29 10:00:00', 'sent'), ('k10', 'r1', 'C1', 'email', TIMESTAMP '2025-06-28 10:00:00', NULL)`);
    await engine.close();
    expect((await runCli(args('audiences', 'create', 'optin', '--where', 'consent.email'))).code).toBe(0);
    const out = join(dir, 'optin.csv');
    const r = await runCli(args('audiences', 'export', 'optin', '--channel', 'email', '--out', out, '--json'));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ members: 2, exported: 1, leftOut: 1, optedOut: 0, unknown: 0, pressure: 1 });
    expect(readFileSync(out, 'utf8').trim().split('\r\n').slice(1).map((l) => l.split(',')[0])).toEqual(['p2']);
    // A week later the cap has rolled off: both are written.
    const later = await runCli([...args('audiences', 'export', 'optin', '--channel', 'email', '--out', out, '--json').slice(0, -1), '2025-07-08T12:00:00Z']);
    expect(JSON.parse(later.stdout)).toMatchObject({ members: 2, exported: 2, pressure: 0 });
  });

  test('exports in the French Excel dialect with --dialect excel-fr, and the audit log lists it', async () => {
    expect((await runCli(args('audiences', 'create', 'fr', '--where', 'tier in ("CPP","CCM")'))).code).toBe(0);
    const out = join(dir, 'fr.csv');
    const r = await runCli(args('audiences', 'export', 'fr', '--channel', 'email', '--out', out, '--dialect', 'excel-fr', '--json'));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dialect: 'excel-fr', exported: 1 });
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe('person_id;first_name;last_name;email;phone;street_address;postcode;city;country;value_tier;consent_channel;consent_at;consent_source');
    expect(lines[1]?.split(';')[0]).toBe('p2');
    expect(lines[1]?.split(';')[11]).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    expect((await runCli(args('audiences', 'export', 'fr', '--channel', 'email', '--out', out, '--dialect', 'excel'))).code).toBe(2);

    const audit = await runCli(['privacy', 'audit', '--limit', '1', '--json', '--db', db]);
    expect(audit.code, audit.stderr).toBe(0);
    const { entries } = JSON.parse(audit.stdout) as { entries: { actor: string; action: string; subject: string; rows: number; detail: Record<string, unknown> }[] };
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'audience_export', subject: 'audience=fr', rows: 1, detail: { format: 'csv', dialect: 'excel-fr', channel: 'email' } });
    expect(entries[0]?.actor).toMatch(/^cli:/);
    expect((await runCli(['privacy', 'audit', '--db', db])).stdout).toMatch(/audience_export\s+audience=fr\s+1/);
    expect((await runCli(['privacy', 'audit', '--help'])).stdout).toContain('--json');
  });
});
