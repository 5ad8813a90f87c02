import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/collect/index.js';
import { generateDemoCompany } from '../../src/generate/index.js';
import { TABLES, type Engine } from '../../src/store/index.js';
import { migrate, openStore } from '../../src/schema/index.js';
import { runCli } from '../helpers/cli.js';
import { startServerProcess } from '../server/helpers/child.js';
import { tempDir, writeFiles } from '../helpers/fixtures.js';
import { copyTables } from './copy-tables.js';
import { CLICKHOUSE_PASSWORD, clickHouseDbUrl, scratchDatabase, skipWithoutClickHouse } from './server.js';

const skip = await skipWithoutClickHouse();

/** Neither the password nor its URL-encoded form anywhere in a command's output. */
function expectNoPassword(output: string, password: string): void {
  if (password === '') return;
  expect(output).not.toContain(password);
  expect(output).not.toContain(encodeURIComponent(password));
}

/** The commands of issue 15, with `--db clickhouse://user:password@host:port/database`. */
describe.skipIf(skip)('the CLI on a ClickHouse database chosen with --db', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    dir = join(tempDir(), 'company');
    await generateDemoCompany({ customers: 60, seed: 5, outDir: dir, format: 'csv' });
    db = await scratchDatabase();
    url = clickHouseDbUrl(db.engine.location.split('/').pop() ?? '');
    // The datamart is loaded from a DuckDB import: `fidelis import` needs DuckDB's file readers.
    const duckdb: Engine = await openStore(':memory:');
    try {
      await importFiles(duckdb, [dir]);
      await migrate(db.engine);
      await copyTables(duckdb, db.engine, TABLES);
    } finally {
      await duckdb.close();
    }
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
  });

  it('status shows the database without the password', async () => {
    const result = await runCli(['status', '--db', url]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^datamart: clickhouse:\/\/[^\s]+\/fidelis_test_/m);
    expect(result.stdout).toMatch(/customers: \d+ records/);
    expectNoPassword(result.stdout + result.stderr, CLICKHOUSE_PASSWORD);
    const json = await runCli(['status', '--db', url, '--json']);
    expect((JSON.parse(json.stdout) as { location: string }).location).not.toContain(CLICKHOUSE_PASSWORD || '\u0000');
  });

  it('FIDELIS_DB chooses the database when --db is not given', async () => {
    process.env.FIDELIS_DB = url;
    try {
      const result = await runCli(['status', '--json']);
      expect(result.code, result.stderr).toBe(0);
      expect((JSON.parse(result.stdout) as { location: string }).location).toContain(db.engine.location.split('/').pop() ?? '?');
    } finally {
      delete process.env.FIDELIS_DB;
    }
  });

  it('run, segments, customer, identity, keys and users work there', async () => {
    const run = await runCli(['run', '--db', url]);
    expect(run.code, run.stderr).toBe(0);
    const segments = await runCli(['segments', '--db', url, '--json']);
    expect(segments.code, segments.stderr).toBe(0);
    const [person] = await db.engine.query<{ person_id: string; customer_id: string }>('SELECT person_id, customer_id FROM customer_persons ORDER BY customer_id LIMIT 1');
    const customer = await runCli(['customer', person?.customer_id ?? '?', '--db', url, '--json']);
    expect(customer.code, customer.stderr).toBe(0);
    const identity = await runCli(['identity', 'explain', person?.customer_id ?? '?', '--db', url, '--json']);
    expect(identity.code, identity.stderr).toBe(0);
    const key = await runCli(['keys', 'create', '--name', 'loader', '--scope', 'write', '--db', url]);
    expect(key.code, key.stderr).toBe(0);
    const keys = await runCli(['keys', 'list', '--db', url, '--json']);
    expect(keys.stdout).toContain('loader');
    const user = await runCli(['users', 'add', 'ana', '--role', 'admin', '--db', url]);
    expect(user.code, user.stderr).toBe(0);
    const users = await runCli(['users', 'list', '--db', url, '--json']);
    expect(users.stdout).toContain('ana');
    for (const output of [run, segments, customer, identity, key, keys, user, users]) expectNoPassword(output.stdout + output.stderr, CLICKHOUSE_PASSWORD);
  }, 240_000);

  it('privacy export and erase work there: his rows out, then gone, without showing the password', async () => {
    // After `run` (the test above): persons are resolved.
    const [person] = await db.engine.query<{ person_id: string }>('SELECT person_id FROM customer_persons ORDER BY person_id DESC LIMIT 1');
    const id = person?.person_id ?? '?';
    const out = join(tempDir(), 'export.json');
    const exported = await runCli(['privacy', 'export', id, '--out', out, '--db', url]);
    expect(exported.code, exported.stderr).toBe(0);
    const file = JSON.parse(readFileSync(out, 'utf8')) as { personId: string; rows: number; tables: Record<string, unknown[]> };
    expect(file.personId).toBe(id);
    expect(file.tables.customers?.length).toBeGreaterThan(0);
    const erased = await runCli(['privacy', 'erase', id, '--db', url, '--json']);
    expect(erased.code, erased.stderr).toBe(0);
    const report = JSON.parse(erased.stdout) as { persons: { personId: string; rows: number }[]; databaseFile: unknown; storage: string };
    expect(report.persons[0]).toMatchObject({ personId: id });
    expect(report.persons[0]?.rows).toBeGreaterThanOrEqual(file.rows - (file.tables.order_lines?.length ?? 0) - (file.tables.audit_log?.length ?? 0));
    expect(report.databaseFile).toBeNull();
    expect(report.storage).toMatch(/old_parts_lifetime/);
    const again = await runCli(['privacy', 'export', id, '--out', out, '--db', url]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(new RegExp(`No person, customer record or event link with id ${id}`));
    for (const output of [exported, erased, again]) expectNoPassword(output.stdout + output.stderr, CLICKHOUSE_PASSWORD);
  }, 120_000);

  it('import loads files into a ClickHouse database, without showing the password', async () => {
    const database = `${db.engine.location.split('/').pop() ?? ''}_import`;
    const files = writeFiles({ 'customers.csv': 'customer_id,source,city\nC1,web,Lyon\nC2,store,Nantes\n', 'orders.csv': 'order_id,customer_id,ordered_at,channel\nO1,C1,2024-03-01 10:00:00,web\n' });
    try {
      const result = await runCli(['import', files, '--db', clickHouseDbUrl(database), '--json']);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as { files: { kind: string; inserted: number }[] };
      expect(report.files.map((f) => [f.kind, f.inserted])).toEqual([['customers', 2], ['orders', 1]]);
      const status = await runCli(['status', '--db', clickHouseDbUrl(database)]);
      expect(status.stdout).toMatch(/customers: 2 records/);
      expectNoPassword(result.stdout + result.stderr + status.stdout + status.stderr, CLICKHOUSE_PASSWORD);
    } finally {
      await db.engine.exec(`DROP DATABASE IF EXISTS ${db.engine.dialect.quoteIdent(database)}`);
    }
  });

  it('serve starts on the ClickHouse database and answers, without showing the password', async () => {
    const server = await startServerProcess(url, {}, [], { server: { log: { folder: join(tempDir(), 'events') } } }, 120_000);
    try {
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await server.stop();
    }
    expectNoPassword(server.stderr(), CLICKHOUSE_PASSWORD);
  }, 180_000);

  it('a wrong password is refused without showing it', async () => {
    const wrong = 'not-the-password-4f1c';
    const result = await runCli(['status', '--db', clickHouseDbUrl('fidelis_wrong_login', wrong)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot open the ClickHouse database at clickhouse://');
    expectNoPassword(result.stderr + result.stdout, wrong);
  });

  it('a malformed URL names the wrong part, without the password', async () => {
    const result = await runCli(['status', '--db', 'clickhouse://ana:s3cret-pw@127.0.0.1:8123/']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the database is missing');
    expectNoPassword(result.stderr, 's3cret-pw');
  });
});
