import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { KeyRing } from '../../src/server/index.js';
import { openStore, sql } from '../../src/store/index.js';
import { tempDir } from '../helpers/fixtures.js';

async function fidelis(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    stdout += `${parts.map(String).join(' ')}\n`;
  });
  try {
    return { code: await main(['node', 'fidelis', ...args]), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

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
