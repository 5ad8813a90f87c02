// The ClickHouse servers the tests run against: FIDELIS_CLICKHOUSE_URL, a single server (.ci/run
// starts one and sets it), else http://127.0.0.1:8123; and the 2-shard cluster of
// FIDELIS_CLICKHOUSE_CLUSTER_URL / _CLUSTER_NODES / _CLUSTER (.ci/clickhouse.sh
// start_clickhouse_cluster). In CI an unreachable server fails the run; elsewhere the ClickHouse
// tests on it are skipped with a message saying how to get one.
import { randomBytes } from 'node:crypto';
import { ClickHouseEngine, type ClickHouseCluster } from '../../src/store/index.js';

const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
export const CLICKHOUSE_URL = process.env.FIDELIS_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';

/** A ClickHouse deployment a suite runs on: one server, or a cluster reached through its first node. */
export interface ClickHouseTarget {
  readonly label: string;
  readonly url: string;
  readonly cluster?: ClickHouseCluster;
}

export const SINGLE_SERVER: ClickHouseTarget = { label: 'one ClickHouse server', url: CLICKHOUSE_URL };

const clusterNodes = process.env.FIDELIS_CLICKHOUSE_CLUSTER_NODES;
export const CLUSTER: ClickHouseTarget = {
  label: 'the 2-shard ClickHouse cluster',
  url: process.env.FIDELIS_CLICKHOUSE_CLUSTER_URL ?? 'http://127.0.0.1:8124',
  cluster: { name: process.env.FIDELIS_CLICKHOUSE_CLUSTER ?? 'fidelis', ...(clusterNodes ? { nodes: clusterNodes.split(',') } : {}) },
};

async function answersPing(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url.replace(/\/+$/, '')}/ping`, { signal: AbortSignal.timeout(3000) });
    return (await response.text()).trim() === 'Ok.';
  } catch {
    return false;
  }
}

/** Whether to skip the ClickHouse tests on `target`: only outside CI, when it does not answer. */
export async function skipWithoutClickHouse(target: ClickHouseTarget = SINGLE_SERVER): Promise<boolean> {
  if (await answersPing(target.url)) return false;
  const how = target.cluster
    ? 'source .ci/clickhouse.sh && start_clickhouse_cluster, or run bash .ci/run; or set FIDELIS_CLICKHOUSE_CLUSTER_URL and FIDELIS_CLICKHOUSE_CLUSTER_NODES'
    : 'apt-get install -y clickhouse-server and start it, or run bash .ci/run; or set FIDELIS_CLICKHOUSE_URL';
  if (IN_CI) throw new Error(`CI=true but ${target.label} does not answer ${target.url}/ping: .ci/run starts it (${how})`);
  process.stderr.write(`\n[test/clickhouse] skipped on ${target.label}: nothing answers ${target.url} (${how})\n\n`);
  return true;
}

/** A new database of its own for a test file on `target` (on every node of a cluster); `drop` removes it. */
export async function scratchDatabase(target: ClickHouseTarget = SINGLE_SERVER): Promise<{ engine: ClickHouseEngine; drop(): Promise<void> }> {
  const name = `fidelis_test_${randomBytes(6).toString('hex')}`;
  const engine = await ClickHouseEngine.open(target.url, name, {}, target.cluster);
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
