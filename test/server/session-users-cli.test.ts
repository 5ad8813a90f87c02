import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createApp, KeyRing } from '../../src/server/index.js';
import { sql } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { runCli, type Captured } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const fidelis = (args: string[], stdin?: string): Promise<Captured> => runCli(args, stdin);

afterEach(() => {
  vi.restoreAllMocks();
});

async function canLogIn(db: string, user: string, password: string): Promise<number> {
  const engine = await openStore(db);
  try {
    const app = createApp({ engine, config: parseConfig({ db }), keys: await KeyRing.load(engine) });
    const response = await app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password }) });
    return response.status;
  } finally {
    await engine.close();
  }
}

describe('fidelis users', () => {
  it('adds a user with a generated password printed alone on the last line, lists and removes him', async () => {
    const db = join(tempDir(), 'users.duckdb');
    const added = await fidelis(['users', 'add', 'ana', '--role', 'admin', '--db', db]);
    expect(added.code, added.stderr).toBe(0);
    const password = added.stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await canLogIn(db, 'ana', password)).toBe(200);

    const listed = await fidelis(['users', 'list', '--db', db, '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'ana', role: 'admin' })]);
    expect(listed.stdout).not.toContain(password);

    expect((await fidelis(['users', 'add', 'ana', '--role', 'read', '--db', db])).code).toBe(2);
    expect((await fidelis(['users', 'add', 'bo', '--role', 'owner', '--db', db])).code).toBe(2);
    expect((await fidelis(['users', 'remove', 'ana', '--db', db])).code).toBe(0);
    expect(await canLogIn(db, 'ana', password)).toBe(401);
    expect((await fidelis(['users', 'remove', 'ana', '--db', db])).code).toBe(2);
  });

  it('adds a marketer and an analyst, lists their permissions, and grants or withdraws personal data by changing the role', async () => {
    const db = join(tempDir(), 'users.duckdb');
    for (const [name, role] of [['mona', 'marketer'], ['ada', 'analyst']] as const) {
      const added = await fidelis(['users', 'add', name, '--role', role, '--password-stdin', '--db', db], 'a long enough secret\n');
      expect(added.code, added.stderr).toBe(0);
    }
    const listed = JSON.parse((await fidelis(['users', 'list', '--db', db, '--json'])).stdout) as { name: string; role: string; permissions: Record<string, boolean> }[];
    expect(listed.map((u) => [u.name, u.role, u.permissions])).toEqual([
      ['ada', 'analyst', { identifiers: false, export: false, admin: false }],
      ['mona', 'marketer', { identifiers: true, export: true, admin: false }],
    ]);
    const table = (await fidelis(['users', 'list', '--db', db])).stdout;
    expect(table).toMatch(/ada\s+analyst\s+no\s+no/);

    const granted = await fidelis(['users', 'role', 'ada', 'marketer', '--db', db, '--json']);
    expect(granted.code, granted.stderr).toBe(0);
    expect(JSON.parse(granted.stdout)).toMatchObject({ name: 'ada', role: 'marketer', permissions: { identifiers: true, export: true } });
    expect((await fidelis(['users', 'role', 'ada', 'read', '--db', db])).stdout).toContain('ada is now read');
    const wrong = await fidelis(['users', 'role', 'ada', 'owner', '--db', db]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/admin, marketer, analyst, read/);
    expect((await fidelis(['users', 'role', 'nobody', 'admin', '--db', db])).code).toBe(2);
    expect((await fidelis(['users', 'role', '--help'])).stdout).toContain('--json');
  });

  it('takes the password from standard input with --password-stdin, and refuses a short one', async () => {
    const db = join(tempDir(), 'users.duckdb');
    const added = await fidelis(['users', 'add', 'rui', '--role', 'read', '--password-stdin', '--db', db], 'a long enough secret\n');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).not.toContain('secret');
    expect(await canLogIn(db, 'rui', 'a long enough secret')).toBe(200);
    const short = await fidelis(['users', 'add', 'eve', '--role', 'read', '--password-stdin', '--db', db], 'short\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/too short/);
    const engine = await openStore(db);
    expect(await engine.query(sql`SELECT name FROM users ORDER BY name`)).toEqual([{ name: 'rui' }]);
    await engine.close();
  });
});
