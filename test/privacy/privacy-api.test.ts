import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { compactionMarker, readAudit, type PersonExport } from '../../src/privacy/index.js';
import { createKey, startServer, type RunningServer } from '../../src/server/index.js';
import { sql } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { runCli } from '../helpers/cli.js';
import { basic } from '../server/helpers/app.js';
import { filesContaining, personMessages, privacyCompany, type PrivacyCompany } from './fixture.js';

// The API routes over a real socket, on a server that serves the run's profile documents and loads events meanwhile.
describe('privacy API (admin keys)', () => {
  let company: PrivacyCompany;
  let server: RunningServer;
  const keys = { read: '', write: '', admin: '', adminId: '' };
  let other = '';
  const call = (method: string, path: string, key: string | null, body?: unknown): Promise<Response> =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { ...(key === null ? {} : { authorization: basic(key) }), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  beforeAll(async () => {
    company = await privacyCompany(300, 8);
    const engine = await openStore(company.db);
    try {
      keys.read = (await createKey(engine, 'read')).key;
      keys.write = (await createKey(engine, 'write')).key;
      const admin = await createKey(engine, 'admin');
      keys.admin = admin.key;
      keys.adminId = admin.apiKey.keyId;
      other = (await engine.query<{ person_id: string }>(sql`SELECT min(person_id) AS person_id FROM identity_nodes WHERE person_id <> ${company.personId}`))[0]?.person_id ?? '';
    } finally {
      await engine.close();
    }
    server = await startServer({ config: parseConfig({ db: company.db }), port: 0 });
  }, 300_000);
  afterAll(async () => {
    await server.close();
  });

  it('refuses an export or an erasure to read and write keys (403) and to no key (401)', async () => {
    for (const [method, path] of [['GET', `/v1/customers/${company.personId}/export`], ['DELETE', `/v1/customers/${company.personId}`]] as const) {
      expect((await call(method, path, keys.read)).status).toBe(403);
      expect((await call(method, path, keys.write)).status).toBe(403);
      expect((await call(method, path, null)).status).toBe(401);
    }
  });

  it('exports everything of a person to an admin key, uncached, and audits it under the key', async () => {
    expect(server.profiles.state.documents).toBe(true);
    const res = await call('GET', `/v1/customers/${encodeURIComponent(`email=${company.email}`)}/export`, keys.admin);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as PersonExport;
    expect(body.personId).toBe(company.personId);
    expect(body.tables.customers?.length).toBeGreaterThan(0);
    expect((body.tables.events ?? []).map((e) => e.message_id).sort()).toEqual(['m-identify', 'm-order', 'm-page', 'm-raw']);
    const [entry] = await readAudit(server.engine);
    expect(entry).toMatchObject({ actor: `key:${keys.adminId}`, action: 'person_export', subject: company.personId });
    expect(Number(entry?.row_count)).toBe(body.rows);
  });

  it('erases a person while serving: his profile is gone, everyone else is still served, a later event naming him is dropped', async () => {
    expect((await call('GET', `/v1/customers/${company.personId}`, keys.read)).status).toBe(200);
    // His messages in the segment the server is appending to, loaded.
    const batch = await call('POST', '/v1/batch', keys.write, { batch: personMessages(company.userId, company.email, `anon-${company.personId}`, 'api') });
    expect(batch.status).toBe(200);
    await server.collector.drain();
    expect(filesContaining(`${company.db}.events`, company.email)).toHaveLength(1);
    const res = await call('DELETE', `/v1/customers/${encodeURIComponent(`email=${company.email}`)}`, keys.admin);
    expect(res.status).toBe(200);
    const report = (await res.json()) as { personId: string; rows: number; eventLog: { lines: number }; profileFile: { documents: number } | null };
    expect(report).toMatchObject({ personId: company.personId, eventLog: { segments: 1, lines: 4 }, profileFile: { documents: 1 } });
    expect(filesContaining(`${company.db}.events`, company.email)).toEqual([]);
    expect(filesContaining(`${company.db}.profiles`, company.email.toLowerCase())).toEqual([]);
    expect((await call('GET', `/v1/customers/${company.personId}`, keys.read)).status).toBe(404);
    expect((await call('GET', `/v1/customers?email=${encodeURIComponent(company.email)}`, keys.read)).status).toBe(404);
    expect((await call('GET', `/v1/customers/${other}`, keys.read)).status).toBe(200);
    expect(server.profiles.state.documents).toBe(true);
    const [entry] = await readAudit(server.engine);
    expect(entry).toMatchObject({ actor: `key:${keys.adminId}`, action: 'person_erase', subject: company.personId });
    expect(entry?.detail).not.toContain(company.email.toLowerCase().split('@')[0]);

    const sent = await call('POST', '/v1/identify', keys.write, { messageId: 'after-erase', userId: 'brand-new', traits: { email: company.email.toLowerCase() } });
    expect(sent.status).toBe(200);
    await server.collector.drain();
    expect(await server.engine.query(sql`SELECT message_id FROM events WHERE message_id = 'after-erase'`)).toEqual([]);
    expect(existsSync(compactionMarker(company.db))).toBe(true);
  }, 60_000);

  it('leaves his email in no file under the database folder once the stopped server\'s database is rewritten', async () => {
    await server.close();
    const compacted = await runCli(['privacy', 'compact', '--db', company.db]);
    expect(compacted.stderr).toBe('');
    expect(compacted.code).toBe(0);
    expect(existsSync(compactionMarker(company.db))).toBe(false);
    for (const needle of [company.email, company.email.toLowerCase(), company.userId]) expect(filesContaining(company.folder, needle)).toEqual([]);
    server = await startServer({ config: parseConfig({ db: company.db }), port: 0 });
  }, 60_000);
});
