import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyUnsubscribeToken } from '../../../src/activation/index.js';
import { sql } from '../../../src/store/index.js';
import { runCli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/fixtures.js';
import { contactStates, deliveryDatabase, planCampaign, UNSUBSCRIBE_SECRET, withEngine } from './fixture.js';

// `fidelis send --destination export`: one file per channel with the fields its sender needs.
describe('fidelis send: exports', () => {
  let db = '';
  const dir = tempDir('fidelis-send-out-');
  const config = join(dir, 'fidelis.config.json');

  beforeAll(async () => {
    vi.stubEnv('FIDELIS_UNSUBSCRIBE_SECRET', UNSUBSCRIBE_SECRET);
    db = await deliveryDatabase();
    // The CLI sends at the real time: quiet hours off, so the test does not depend on the hour it runs at.
    writeFileSync(config, JSON.stringify({
      activation: { delivery: { unsubscribe: { baseUrl: 'https://fidelis.shop.example' } }, pressure: { quietHours: { days: [], channels: [] } } },
    }));
    await withEngine(db, async (engine) => {
      await planCampaign(engine, { id: 'NEWS', name: 'Newsletter, March' }, [
        { contact: 'N-ana', record: 'W9' },
        { contact: 'N-bob', record: 'C2' },
        { contact: 'N-zoe', record: 'C3' },
        { contact: 'N-later', record: 'C3', at: new Date('2999-01-01T00:00:00Z') },
      ]);
      await planCampaign(engine, { id: 'LETTER', name: 'Catalogue', channel: 'mail' }, [
        { contact: 'L-ana', record: 'C1' },
        { contact: 'L-dan', record: 'C4' },
      ]);
    });
  }, 120_000);

  it('has --help naming its options', async () => {
    const help = await runCli(['send', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--campaign', '--channel', '--destination', '--out', '--dry-run', '--json', '--lang']) expect(help.stdout).toContain(flag);
  });

  it('refuses an export without a channel or a file, and e-mail through SMTP only', async () => {
    const noChannel = await runCli(['send', '--db', db, '--config', config, '--out', join(dir, 'x.csv')]);
    expect(noChannel.code).toBe(2);
    expect(noChannel.stderr).toContain('--destination export needs --channel');
    const sms = await runCli(['send', '--db', db, '--config', config, '--destination', 'smtp', '--channel', 'sms']);
    expect(sms.code).toBe(2);
    expect(sms.stderr).toContain('e-mail only');
  });

  it('counts in a dry run and writes nothing', async () => {
    const out = join(dir, 'dry.csv');
    const dry = await runCli(['send', '--db', db, '--config', config, '--channel', 'email', '--campaign', 'NEWS', '--out', out, '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, examined: 3, ready: 2, sent: 0, cancelled: { 'consent.opt_out': 1 }, auditId: null });
    expect(existsSync(out)).toBe(false);
    // The report in French: every sentence and reason from the delivery messages.
    const fr = await runCli(['send', '--db', db, '--config', config, '--channel', 'email', '--campaign', 'NEWS', '--out', out, '--dry-run', '--lang', 'fr']);
    expect(fr.stdout).toContain('Essai à blanc (rien envoyé, rien écrit) : 3 contacts planifiés échus examinés (email, campagne NEWS)');
    expect(fr.stdout).toContain('seraient envoyés : 2');
    expect(fr.stdout).toContain('seraient annulés : 1 (1 consentement retiré pour le canal)');
    await withEngine(db, async (engine) => expect(Object.values(await contactStates(engine, 'NEWS')).map((s) => s.status)).toEqual(['planned', 'planned', 'planned', 'planned']));
  });

  it('writes the e-mail CSV with address, first name, campaign, contact id and a signed unsubscribe link, marks them sent, and audits it', async () => {
    const out = join(dir, 'email.csv');
    const sent = await runCli(['send', '--db', db, '--config', config, '--channel', 'email', '--campaign', 'NEWS', '--out', out]);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain('sent: 2 (file');
    expect(sent.stdout).toContain('cancelled: 1 (1 consent withdrawn for the channel)');
    const lines = readFileSync(out, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('contact_id,campaign_id,campaign_name,channel,person_id,planned_at,email,first_name,last_name,unsubscribe_url');
    expect(lines).toHaveLength(3);
    const [ana, zoe] = lines.slice(1).map((l) => l.split(','));
    expect(lines[1]).toMatch(/^N-ana,NEWS,"Newsletter, March",email,\w+,2024-03-01T08:00:00.000Z,ana.martin@example.com,Ana,Martin,https:\/\/fidelis.shop.example\/v1\/unsubscribe\?token=/);
    expect(zoe?.[0]).toBe('N-zoe');
    const token = new URL(ana?.at(-1) ?? '').searchParams.get('token') ?? '';
    expect(verifyUnsubscribeToken(UNSUBSCRIBE_SECRET, token)).toEqual({ record: 'W9', channel: 'email', contactId: 'N-ana' });
    await withEngine(db, async (engine) => {
      const states = await contactStates(engine, 'NEWS');
      expect(Object.fromEntries(Object.entries(states).map(([id, s]) => [id, s.status]))).toEqual({ 'N-ana': 'sent', 'N-bob': 'cancelled', 'N-later': 'planned', 'N-zoe': 'sent' });
      const [audit] = await engine.query<{ actor: string; action: string; row_count: number; detail: string }>(
        sql`SELECT actor, action, row_count, detail FROM audit_log WHERE subject = 'campaign=NEWS'`,
      );
      expect(audit).toMatchObject({ action: 'contacts_send', row_count: 2 });
      expect(audit?.actor).toMatch(/^cli:/);
      expect(audit?.detail).not.toMatch(/example\.com|Ana|Martin/);
      expect(JSON.parse(audit?.detail ?? '{}')).toMatchObject({ destination: 'export', channels: ['email'], format: 'csv', cancelled: { 'consent.opt_out': 1 } });
    });
    // Again: nothing is due and unsent any more; the new file holds the header alone.
    const again = await runCli(['send', '--db', db, '--config', config, '--channel', 'email', '--campaign', 'NEWS', '--out', join(dir, 'again.csv'), '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ examined: 0, sent: 0 });
    expect(readFileSync(join(dir, 'again.csv'), 'utf8').split('\r\n').filter(Boolean)).toHaveLength(1);
  });

  it('writes the postal JSON Lines from the golden record', async () => {
    const out = join(dir, 'mail.jsonl');
    const sent = await runCli(['send', '--db', db, '--config', config, '--channel', 'mail', '--campaign', 'LETTER', '--out', out, '--json']);
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ sent: 1, cancelled: { 'consent.unknown': 1 } });
    const rows = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    // The store card was contacted; his postal address comes from his web account (the golden record).
    expect(rows).toEqual([
      {
        contact_id: 'L-ana', campaign_id: 'LETTER', campaign_name: 'Catalogue', channel: 'mail', person_id: expect.any(String) as string, planned_at: '2024-03-01T08:00:00.000Z',
        first_name: 'Ana', last_name: 'Martin', street_address: '12 rue de la République', postcode: '69002', city: 'Lyon', country: 'FR',
      },
    ]);
  });
});
