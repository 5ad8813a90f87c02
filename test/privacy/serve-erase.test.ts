import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compactionMarker } from '../../src/privacy/index.js';
import { createKey } from '../../src/server/index.js';
import { openStore } from '../../src/schema/index.js';
import { basic } from '../server/helpers/app.js';
import { startServerProcess } from '../server/helpers/child.js';
import { filesContaining, privacyCompany } from './fixture.js';

// The whole road of an erasure made while serving: `fidelis serve` as its own process, DELETE
// over the socket, then a stop, which rewrites the database file.
describe('fidelis serve and an erasure', () => {
  it('rewrites the database file when it stops, so no file under the database folder holds the erased email', async () => {
    const company = await privacyCompany(200, 12);
    const engine = await openStore(company.db);
    const admin = (await createKey(engine, 'admin')).key;
    await engine.close();
    const server = await startServerProcess(company.db);
    try {
      const res = await fetch(`${server.url}/v1/customers/${encodeURIComponent(`email=${company.email}`)}`, { method: 'DELETE', headers: { authorization: basic(admin) } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { personId: string }).personId).toBe(company.personId);
      expect(existsSync(compactionMarker(company.db))).toBe(true);
    } finally {
      await server.stop('SIGTERM');
    }
    expect(server.child.exitCode).toBe(0);
    expect(server.stderr()).toMatch(/rewrote .*shop\.duckdb after an erasure/);
    expect(existsSync(compactionMarker(company.db))).toBe(false);
    for (const needle of [company.email, company.email.toLowerCase(), company.userId]) expect(filesContaining(company.folder, needle)).toEqual([]);
  }, 300_000);
});
