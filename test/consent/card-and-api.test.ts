import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createApp, createKey, KeyRing, SerialEngine } from '../../src/server/index.js';
import { openStore } from '../../src/schema/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeFiles } from '../helpers/fixtures.js';
import { basic } from '../server/helpers/app.js';
import { CONSENT_COMPANY } from './company.js';

// The customer card (`fidelis customer`) and the profile API's description show the current consent.
describe('current consent in the card and the API description', () => {
  const db = join(tempDir(), 'card.duckdb');
  beforeAll(async () => {
    expect((await runCli(['import', writeFiles(CONSENT_COMPANY), '--db', db])).code).toBe(0);
    expect((await runCli(['run', '--db', db, '--as-of', '2024-02-28'])).code).toBe(0);
  }, 120_000);

  it('prints the consent now on every channel, then the history', async () => {
    const card = await runCli(['customer', 'W9', '--db', db]);
      expect(card.code).toBe(0);
      const now = card.stdout.split('\n').find((l) => l.trim().startsWith('consent now:')) ?? '';
      expect(now.trim()).toBe(
        'consent now: email opt_in (2024-01-05, web_form, record W9); sms opt_out (2023-09-01, store, record C1); ' +
          'mail opt_out (2024-01-10, partner, record W9); phone unknown (no consent); push unknown (no consent)',
      );
      expect(card.stdout).toMatch(/consent history: mail opt_in \(2024-01-10, store\); mail opt_out \(2024-01-10, partner\); email opt_in \(2024-01-05, web_form\)/);
      const json = JSON.parse((await runCli(['customer', 'C2', '--db', db, '--json'])).stdout) as { currentConsents: { channel: string; status: string }[] };
      expect(json.currentConsents).toEqual(['email', 'sms', 'mail', 'phone', 'push'].map((channel) => ({ channel, status: 'unknown', at: null, source: null, record: null })));
  });

  it('answers currentConsents beside consents, and describes it in /openapi.json', async () => {
    const engine = new SerialEngine(await openStore(db));
    try {
      const readKey = (await createKey(engine, 'read')).key;
      const app = createApp({ engine, config: parseConfig({ db }), keys: await KeyRing.load(engine) });
      const res = await app.request('/v1/customers?email=ana.martin@example.com', { headers: { authorization: basic(readKey) } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { consents: unknown[]; currentConsents: { channel: string; status: string }[] };
      expect(body.consents).toHaveLength(6);
      expect(body.currentConsents.map((c) => `${c.channel}:${c.status}`)).toEqual(['email:opt_in', 'sms:opt_out', 'mail:opt_out', 'phone:unknown', 'push:unknown']);
      const doc = (await (await app.request('/openapi.json')).json()) as { components: { schemas: { CustomerProfile: { properties: Record<string, { items?: { properties: Record<string, { enum?: string[] }> } }>; required: string[] } } } };
      const profile = doc.components.schemas.CustomerProfile;
      expect(profile.required).toEqual(expect.arrayContaining(['consents', 'currentConsents']));
      expect(profile.properties.currentConsents?.items?.properties.status?.enum).toEqual(['opt_in', 'opt_out', 'unknown']);
      expect(profile.properties.currentConsents?.items?.properties.channel?.enum).toEqual(['email', 'sms', 'mail', 'phone', 'push']);
    } finally {
      await engine.close();
    }
  });
});
