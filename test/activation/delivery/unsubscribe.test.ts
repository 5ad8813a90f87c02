import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sendPlanned, unsubscribeUrl, verifyUnsubscribeToken } from '../../../src/activation/index.js';
import { parseConfig, type Config } from '../../../src/config/index.js';
import { createApp, KeyRing, SerialEngine, startServer, type RunningServer } from '../../../src/server/index.js';
import { sql } from '../../../src/store/index.js';
import { openStore } from '../../../src/schema/index.js';
import { deliveryDatabase, planCampaign, testClock, UNSUBSCRIBE_SECRET, withEngine } from './fixture.js';

// The link every e-mail carries, hit over a socket on a started Fidelis server.
describe('GET/POST /v1/unsubscribe', () => {
  let db = '';
  let config: Config;
  let server: RunningServer;

  beforeAll(async () => {
    vi.stubEnv('FIDELIS_UNSUBSCRIBE_SECRET', UNSUBSCRIBE_SECRET);
    db = await deliveryDatabase();
    await withEngine(db, (engine) =>
      planCampaign(engine, { id: 'UNSUB', name: 'Unsub' }, [
        { contact: 'U-ana', record: 'W9' },
        { contact: 'U-ana-later', record: 'C1' },
        { contact: 'U-zoe', record: 'C3' },
      ]),
    );
    config = parseConfig({ db, server: { host: '127.0.0.1', port: 0 } });
    server = await startServer({ config, host: '127.0.0.1', port: 0 });
  }, 120_000);

  afterAll(async () => {
    await server.close();
  });

  const link = (contactId: string, record: string): string => {
    const url = new URL(unsubscribeUrl(config, UNSUBSCRIBE_SECRET, { record, channel: 'email', contactId }));
    return `${server.url}${url.pathname}${url.search}`;
  };

  it('records an opt-out on the contacted record, answers in French, and the next send leaves him out', async () => {
    const res = await fetch(link('U-ana', 'W9'), { headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await res.text();
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain('Vous ne recevrez plus nos messages par e-mail.');

    const consents = await server.engine.query<{ customer_id: string; channel: string; status: string; source: string }>(
      sql`SELECT customer_id, channel, status, source FROM consents WHERE source = 'unsubscribe_link'`,
    );
    expect(consents).toEqual([{ customer_id: 'W9', channel: 'email', status: 'opt_out', source: 'unsubscribe_link' }]);
    const responses = await server.engine.query<{ contact_id: string; type: string }>(sql`SELECT contact_id, type FROM responses WHERE contact_id = 'U-ana'`);
    expect(responses).toEqual([{ contact_id: 'U-ana', type: 'unsubscribed' }]);
    // Her other planned e-mail, to her other record, is cancelled by the re-check before sending.
    const report = await sendPlanned(server.engine, parseConfig({ db, activation: { delivery: { unsubscribe: { baseUrl: server.url } } } }), {
      destination: 'export',
      channel: 'email',
      campaign: 'UNSUB',
      out: `${db}.unsub.csv`,
      dryRun: true,
      clock: testClock(),
    });
    expect(report).toMatchObject({ examined: 3, ready: 1, cancelled: { 'consent.opt_out': 2 } });
  });

  it('takes the one-click POST of a mail client (RFC 8058) and answers in English by default', async () => {
    const res = await fetch(link('U-zoe', 'C3'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You will no longer receive our e-mail messages.');
    const rows = await server.engine.query<{ status: string }>(sql`SELECT status FROM consents WHERE customer_id = 'C3' AND source = 'unsubscribe_link'`);
    expect(rows).toEqual([{ status: 'opt_out' }]);
  });

  it('refuses a forged or altered token and records nothing', async () => {
    const genuine = new URL(link('U-ana-later', 'C1'));
    const token = genuine.searchParams.get('token') ?? '';
    const [body = '', signature = ''] = token.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ r: 'C2', c: 'email', k: 'U-ana-later' })).toString('base64url');
    for (const bad of [`${forgedBody}.${signature}`, `${body}.${signature.slice(0, -2)}`, body, '']) {
      expect(verifyUnsubscribeToken(UNSUBSCRIBE_SECRET, bad)).toBeNull();
      const res = await fetch(`${server.url}/v1/unsubscribe?token=${encodeURIComponent(bad)}&lang=en`);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('This unsubscribe link is not valid');
    }
    const rows = await server.engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM consents WHERE customer_id IN ('C1', 'C2') AND source = 'unsubscribe_link'`);
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it('answers 503 on a server whose secret is not set, in the page language', async () => {
    const engine = new SerialEngine(await openStore(':memory:'));
    try {
      const app = createApp({ engine, config: parseConfig({ db: ':memory:', activation: { delivery: { unsubscribe: { secretEnv: 'FIDELIS_TEST_UNSET_SECRET' } } } }), keys: await KeyRing.load(engine) });
      const res = await app.request(`/v1/unsubscribe?token=${encodeURIComponent(new URL(link('U-zoe', 'C3')).searchParams.get('token') ?? '')}`, { headers: { 'accept-language': 'fr' } });
      expect(res.status).toBe(503);
      const page = await res.text();
      expect(page).toContain('<title>Désinscription indisponible</title>');
      expect(page).toContain('La désinscription n&#39;est pas disponible pour le moment.');
    } finally {
      await engine.close();
    }
  });
});
