import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSETS } from '../../src/server/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { waitFor } from '../server/helpers/wait.js';

const CHILD = fileURLToPath(new URL('../server/helpers/fidelis-child.ts', import.meta.url));

describe('fidelis demo', () => {
  it('serves the dashboard on the demo company with a demo admin whose password it prints, until Ctrl-C', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'demo', '--customers', '300', '--seed', '4', '--dir', tempDir(), '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const [url, password] = await waitFor(
        'the demo to serve',
        () => {
          if (child.exitCode !== null) throw new Error(`demo exited with ${child.exitCode}: ${stderr}`);
          const match = /The dashboard is at (http:\/\/\S+?)\/? [\s\S]*\n(\S+)\n$/.exec(stdout);
          return match ? [match[1] ?? '', match[2] ?? ''] : undefined;
        },
        100_000,
      );
      expect(stdout).toMatch(/4\/5 the datamart/);
      expect(stdout).toMatch(/Log in as "demo"/);
      const login = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'demo', password }) });
      expect(login.status).toBe(200);
      expect(await login.json()).toMatchObject({ user: 'demo', role: 'admin' });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const overview = await fetch(`${url}/api/overview`, { headers: { cookie } });
      expect(overview.status).toBe(200);
      expect(((await overview.json()) as { kpis: { customers: number } }).kpis.customers).toBeGreaterThan(100);
      // Two runs, a quarter apart: the migration card has two snapshots and moves between them on first open.
      expect(stdout).toMatch(/3\/5 running the pipeline as of \d{4}-\d{2}-\d{2}, then as of \d{4}-\d{2}-\d{2}/);
      const migration = (await (await fetch(`${url}/api/migration`, { headers: { cookie } })).json()) as { from: string | null; to: string | null; rows: { customers: number }[] };
      expect(migration.from).not.toBeNull();
      expect(new Date(migration.to ?? '').getTime() - new Date(migration.from ?? '').getTime()).toBe(91 * 86_400_000);
      expect(migration.rows.reduce((n, r) => n + r.customers, 0)).toBeGreaterThan(100);
      if (existsSync(`${DEFAULT_ASSETS}/index.html`)) expect(await (await fetch(`${url}/customers`)).text()).toContain('<div id="app">');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 150_000);
});
