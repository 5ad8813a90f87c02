// The ClickHouse server the tests run against: FIDELIS_CLICKHOUSE_URL (.ci/run starts one and sets
// it), else http://127.0.0.1:8123. In CI an unreachable server fails the run; elsewhere the
// ClickHouse tests are skipped with a message saying how to get one.
import { randomBytes } from 'node:crypto';
import { ClickHouseEngine } from '../../src/store/index.js';

const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
export const CLICKHOUSE_URL = process.env.FIDELIS_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';

async function answersPing(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url.replace(/\/+$/, '')}/ping`, { signal: AbortSignal.timeout(3000) });
    return (await response.text()).trim() === 'Ok.';
  } catch {
    return false;
  }
}

/** Whether to skip the ClickHouse tests: only outside CI, when no server answers. */
export async function skipWithoutClickHouse(): Promise<boolean> {
  if (await answersPing(CLICKHOUSE_URL)) return false;
  const how = 'apt-get install -y clickhouse-server and start it, or run bash .ci/run; or set FIDELIS_CLICKHOUSE_URL';
  if (IN_CI) throw new Error(`CI=true but no ClickHouse server answers ${CLICKHOUSE_URL}/ping: .ci/run starts one and sets FIDELIS_CLICKHOUSE_URL (${how})`);
  process.stderr.write(`\n[test/clickhouse] skipped: no ClickHouse server at ${CLICKHOUSE_URL} (${how})\n\n`);
  return true;
}

/** A new database of its own for a test file; `drop` removes it. */
export async function scratchDatabase(): Promise<{ engine: ClickHouseEngine; drop(): Promise<void> }> {
  const name = `fidelis_test_${randomBytes(6).toString('hex')}`;
  const engine = await ClickHouseEngine.open(CLICKHOUSE_URL, name);
  return {
    engine,
    async drop() {
      await engine.exec(`DROP DATABASE IF EXISTS ${engine.dialect.quoteIdent(name)}`);
      await engine.close();
    },
  };
}

/** A user with a password (.ci/clickhouse.sh makes one), else the default user without one. */
export const CLICKHOUSE_USER = process.env.FIDELIS_CLICKHOUSE_USER ?? 'default';
export const CLICKHOUSE_PASSWORD = process.env.FIDELIS_CLICKHOUSE_PASSWORD ?? '';

/** `--db` for a database on the test server: clickhouse://user:password@host:port/database. */
export function clickHouseDbUrl(database: string, password = CLICKHOUSE_PASSWORD): string {
  const server = new URL(CLICKHOUSE_URL);
  return `clickhouse://${encodeURIComponent(CLICKHOUSE_USER)}:${encodeURIComponent(password)}@${server.hostname}:${server.port || '8123'}/${database}`;
}
