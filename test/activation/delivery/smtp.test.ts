import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sendPlanned, verifyUnsubscribeToken } from '../../../src/activation/index.js';
import { parseConfig, type Config } from '../../../src/config/index.js';
import { sql } from '../../../src/store/index.js';
import { contactStates, deliveryDatabase, planCampaign, testClock, UNSUBSCRIBE_SECRET, withEngine } from './fixture.js';

interface Arrived {
  readonly from: string;
  readonly to: readonly string[];
  readonly mail: ParsedMail;
}

// A real SMTP server in this process: what the relay received is what a person would get.
describe('e-mail through the SMTP relay', () => {
  const arrived: Arrived[] = [];
  const refuse = new Set<string>();
  let server: SMTPServer;
  let port = 0;
  let db = '';
  let config: Config;

  beforeAll(async () => {
    vi.stubEnv('FIDELIS_UNSUBSCRIBE_SECRET', UNSUBSCRIBE_SECRET);
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (refuse.has(address.address)) callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        else callback();
      },
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((mail) => {
            arrived.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), mail });
            callback();
          })
          .catch((error: unknown) => callback(error as Error));
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
    db = await deliveryDatabase();
    config = parseConfig({
      db,
      activation: {
        delivery: {
          unsubscribe: { baseUrl: 'https://fidelis.shop.example' },
          smtp: { host: '127.0.0.1', port, requireTls: false, from: 'Shop <news@shop.example>' },
          email: {
            campaigns: {
              SPRING: {
                subject: 'Spring for you, {{first_name}}',
                text: 'Hello {{first_name}} {{last_name}} from {{city}}.\nUnsubscribe: {{unsubscribe_url}}\n',
                html: '<p>Hello <b>{{first_name}}</b></p><a href="{{unsubscribe_url}}">stop</a>',
              },
            },
          },
        },
      },
    });
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers the consenting persons their templated e-mail with List-Unsubscribe, and nobody else', async () => {
    arrived.length = 0;
    const clock = testClock();
    const report = await withEngine(db, async (engine) => {
      await planCampaign(engine, { id: 'SPRING', name: 'Spring sale' }, [
        { contact: 'S-ana', record: 'C1' },
        { contact: 'S-bob', record: 'C2' },
        { contact: 'S-zoe', record: 'C3' },
        { contact: 'S-dan', record: 'C4' },
        { contact: 'S-eve', record: 'C5' },
      ]);
      return sendPlanned(engine, config, { destination: 'smtp', campaign: 'SPRING', clock });
    });
    expect(report).toMatchObject({ examined: 5, ready: 2, sent: 2, cancelled: { 'consent.opt_out': 1, 'consent.unknown': 1, 'address.missing': 1 }, held: {} });
    expect(arrived.map((a) => a.to)).toEqual([['ana.martin@example.com'], ['zoe@example.com']]);
    expect(arrived.every((a) => a.from === 'news@shop.example')).toBe(true);

    const [ana, zoe] = arrived.map((a) => a.mail);
    expect(ana?.subject).toBe('Spring for you, Ana');
    expect(ana?.text).toContain('Hello Ana Martin from Lyon.');
    expect(zoe?.subject).toBe('Spring for you, Zoé <b>&');
    // The HTML carries his first name as text, never as markup.
    expect(zoe?.html).toContain('Hello <b>Zoé &lt;b&gt;&amp;</b>');

    const header = (mail: ParsedMail | undefined, name: string): string =>
      (mail?.headerLines.find((h) => h.key === name)?.line ?? '').replace(/\r?\n[ \t]+/g, '');
    const listUnsubscribe = header(ana, 'list-unsubscribe');
    const link = /https:\/\/fidelis\.shop\.example\/v1\/unsubscribe\?token=[\w.-]+/.exec(ana?.text ?? '')?.[0] ?? '';
    expect(link).not.toBe('');
    expect(listUnsubscribe).toContain(`<${link}>`);
    expect(header(ana, 'list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(ana?.html).toContain(`href="${link}"`);
    const token = new URL(link).searchParams.get('token') ?? '';
    expect(verifyUnsubscribeToken(UNSUBSCRIBE_SECRET, token)).toEqual({ record: 'C1', channel: 'email', contactId: 'S-ana' });

    await withEngine(db, async (engine) => {
      const states = await contactStates(engine, 'SPRING');
      expect(states['S-ana']).toEqual({ status: 'sent', sent_at: clock.now().toISOString() });
      expect(states['S-zoe']?.status).toBe('sent');
      expect(['S-bob', 'S-dan', 'S-eve'].map((id) => states[id]?.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    });

    // Sent again: nothing new leaves.
    const again = await withEngine(db, (engine) => sendPlanned(engine, config, { destination: 'smtp', campaign: 'SPRING', clock }));
    expect(again).toMatchObject({ examined: 0, sent: 0 });
    expect(arrived).toHaveLength(2);
  }, 60_000);

  it('leaves a contact the relay refused planned and retries it next time; never resends one a stopped send may have handed over', async () => {
    arrived.length = 0;
    refuse.add('zoe@example.com');
    const clock = testClock();
    const first = await withEngine(db, async (engine) => {
      await planCampaign(engine, { id: 'RELAY', name: 'Relay' }, [
        { contact: 'R-ana', record: 'W9' },
        { contact: 'R-zoe', record: 'C3' },
      ]);
      return sendPlanned(engine, config, { destination: 'smtp', campaign: 'RELAY', clock });
    });
    expect(first.sent).toBe(1);
    expect(Object.keys(first.failed)).toEqual([expect.stringMatching(/^SMTP 550/)]);
    await withEngine(db, async (engine) => expect((await contactStates(engine, 'RELAY'))['R-zoe']?.status).toBe('planned'));

    refuse.clear();
    const second = await withEngine(db, (engine) => sendPlanned(engine, config, { destination: 'smtp', campaign: 'RELAY', clock }));
    expect(second).toMatchObject({ examined: 1, sent: 1 });
    expect(arrived.map((a) => a.to[0])).toEqual(['ana.martin@example.com', 'zoe@example.com']);

    // A send that stopped after recording its attempt (a crash before the relay's answer was stored).
    arrived.length = 0;
    const third = await withEngine(db, async (engine) => {
      await planCampaign(engine, { id: 'CRASH', name: 'Crash' }, [{ contact: 'X-ana', record: 'W9' }]);
      await engine.exec(sql`INSERT INTO delivery_attempts VALUES ('X-ana', 'smtp', NULL, 'attempting', NULL, 1, ${clock.now()})`);
      return sendPlanned(engine, config, { destination: 'smtp', campaign: 'CRASH', clock });
    });
    expect(third).toMatchObject({ examined: 0, sent: 0, uncertain: 1 });
    expect(arrived).toHaveLength(0);
  }, 60_000);
});
