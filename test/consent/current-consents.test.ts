import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importFiles } from '../../src/collect/index.js';
import { parseConfig } from '../../src/config/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { customerProfile, ProfileReader } from '../../src/profiles/index.js';
import type { SerialEngine } from '../../src/server/index.js';
import { sql, type Engine } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { tempDir, writeFiles } from '../helpers/fixtures.js';
import { CONSENT_COMPANY } from './company.js';
import { testApp, type TestApp } from '../server/helpers/app.js';

interface Current {
  channel: string;
  status: string;
  at: string | null;
  source: string | null;
  record: string | null;
}

const byChannel = (list: readonly Current[]): Record<string, Current> => Object.fromEntries(list.map((c) => [c.channel, c]));

describe('current consent per person and channel', () => {
  let t: TestApp;
  let ana: string;
  let bob: string;
  beforeAll(async () => {
    t = await testApp();
    await importFiles((t.engine as SerialEngine).inner, [writeFiles(CONSENT_COMPANY)]);
    // Collected: Ana's identify with a phone opt-in (Segment's consent object), after the files.
    const res = await t.post('/v1/batch', {
      batch: [
        {
          type: 'identify',
          userId: 'u-ana',
          messageId: 'c1',
          timestamp: '2024-02-01T10:00:00Z',
          traits: { email: 'ana.martin@example.com' },
          context: { consent: { categoryPreferences: { phone: true, advertising: true } } },
        },
      ],
    });
    expect(res.status).toBe(200);
    await t.drain();
    await runPipeline(t.engine, parseConfig({}), { asOf: new Date('2024-02-28T00:00:00Z') });
    const persons = await t.engine.query<{ node_id: string; person_id: string }>(sql`SELECT node_id, person_id FROM identity_nodes WHERE node_id IN ('C1', 'C2')`);
    ana = persons.find((p) => p.node_id === 'C1')?.person_id ?? '';
    bob = persons.find((p) => p.node_id === 'C2')?.person_id ?? '';
  });
  afterAll(async () => {
    await t.close();
  });

  it('writes one row per person and channel: the latest event across his records and sources, unknown where none', async () => {
    const rows = await t.engine.query<Omit<Current, 'at'> & { person_id: string; at: Date | null } & Record<string, unknown>>(sql`SELECT person_id, channel, status, ${sql.id('at')} AS at, source, record
      FROM person_consents ORDER BY person_id, channel`);
    const of = (person: string): Record<string, Current> =>
      byChannel(rows.filter((r) => r.person_id === person).map(({ person_id: _, ...r }) => ({ ...r, at: r.at instanceof Date ? r.at.toISOString() : null })));
    expect(rows).toHaveLength(2 * 5);
    expect(of(ana)).toEqual({
      email: { channel: 'email', status: 'opt_in', at: '2024-01-05T09:00:00.000Z', source: 'web_form', record: 'W9' },
      sms: { channel: 'sms', status: 'opt_out', at: '2023-09-01T09:00:00.000Z', source: 'store', record: 'C1' },
      mail: { channel: 'mail', status: 'opt_out', at: '2024-01-10T00:00:00.000Z', source: 'partner', record: 'W9' },
      // From the collected identify: imported files and events meet in the same history.
      phone: { channel: 'phone', status: 'opt_in', at: '2024-02-01T10:00:00.000Z', source: 'events', record: 'evt:u:u-ana' },
      push: { channel: 'push', status: 'unknown', at: null, source: null, record: null },
    });
    expect(Object.values(of(bob)).map((c) => c.status)).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('gives the profile API the same current consents as the table, beside the unchanged history', async () => {
    const profile = await customerProfile(t.engine, parseConfig({}), 'C1');
    const table = await t.engine.query<{ channel: string; status: string }>(sql`SELECT channel, status FROM person_consents WHERE person_id = ${ana}`);
    expect(profile.currentConsents.map((c) => c.channel)).toEqual(['email', 'sms', 'mail', 'phone', 'push']);
    expect(Object.fromEntries(profile.currentConsents.map((c) => [c.channel, c.status]))).toEqual(Object.fromEntries(table.map((r) => [r.channel, r.status])));
    // The history keeps every event, newest first, in its own shape.
    expect(profile.consents).toHaveLength(7);
    expect(profile.consents[0]).toEqual({ channel: 'phone', status: 'opt_in', at: '2024-02-01T10:00:00.000Z', source: 'events' });
  });

  it('shows an Unsubscribed event collected after the run at once in the profile API', async () => {
    const res = await t.post('/v1/track', {
      type: 'track',
      userId: 'u-ana',
      event: 'Unsubscribed',
      messageId: 'c2',
      timestamp: '2024-03-01T08:00:00Z',
      properties: { email_id: 'nl-12', campaign_id: 'newsletter' },
    });
    expect(res.status).toBe(200);
    await t.drain();
    const answer = await t.app.request('/v1/customers/C1', { headers: { authorization: `Basic ${Buffer.from(`${t.readKey}:`).toString('base64')}` } });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { currentConsents: Current[] };
    expect(byChannel(body.currentConsents).email).toEqual({ channel: 'email', status: 'opt_out', at: '2024-03-01T08:00:00.000Z', source: 'events', record: 'evt:u:u-ana' });
    expect(byChannel(body.currentConsents).sms?.status).toBe('opt_out');
  });
});

describe('current consents in the run\'s profile documents', () => {
  let engine: Engine;
  beforeAll(async () => {
    const db = join(tempDir(), 'consents.duckdb');
    engine = await openStore(db);
    await importFiles(engine, [writeFiles(CONSENT_COMPANY)]);
    await runPipeline(engine, parseConfig({ db }), { asOf: new Date('2024-02-28T00:00:00Z') });
  });
  afterAll(async () => {
    await engine.close();
  });

  it('are exactly what the live road reads, unknown channels included', async () => {
    const config = parseConfig({});
    const reader = await ProfileReader.open(engine, config);
    expect(reader.state.documents).toBe(true);
    for (const id of ['C1', 'C2', 'W9']) {
      const fromDocument = await reader.byId(id);
      expect(JSON.parse(JSON.stringify(fromDocument))).toEqual(JSON.parse(JSON.stringify(await customerProfile(engine, config, id))));
    }
    expect(byChannel((await reader.byId('C1')).currentConsents).mail).toEqual({ channel: 'mail', status: 'opt_out', at: '2024-01-10T00:00:00.000Z', source: 'partner', record: 'W9' });
    await reader.close();
  });
});
