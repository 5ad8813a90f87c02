import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeyRing } from '../../src/server/index.js';
import { sql } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { runCli, type Captured } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const fidelis = (...args: string[]): Promise<Captured> => runCli(args);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fidelis keys', () => {
  it('creates a key printed alone on the last line, stores only its hash, lists and revokes it', async () => {
    const db = join(tempDir(), 'keys.duckdb');
    const created = await fidelis('keys', 'create', '--scope', 'write', '--name', 'shop', '--db', db);
    expect(created.code).toBe(0);
    const key = created.stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(key).toMatch(/^fdl_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/);
    const keyId = key.slice(4, 16);

    const listed = await fidelis('keys', 'list', '--db', db, '--json');
    const keys = JSON.parse(listed.stdout) as { keyId: string; scope: string; name: string; revokedAt: string | null }[];
    expect(keys).toEqual([expect.objectContaining({ keyId, scope: 'write', name: 'shop', revokedAt: null })]);
    expect(listed.stdout).not.toContain(key.slice(17));

    let store = await openStore(db);
    const stored = JSON.stringify(await store.query(sql`SELECT * FROM api_keys`));
    expect(stored).not.toContain(key.slice(17));
    expect((await (await KeyRing.load(store)).verify(key))?.scope).toBe('write');
    await store.close();

    expect((await fidelis('keys', 'revoke', keyId, '--db', db)).code).toBe(0);
    store = await openStore(db);
    expect(await (await KeyRing.load(store)).verify(key)).toBeNull();
    await store.close();

    expect((await fidelis('keys', 'revoke', 'nope', '--db', db)).code).toBe(2);
    expect((await fidelis('keys', 'create', '--scope', 'root', '--db', db)).code).toBe(2);
  });
});
