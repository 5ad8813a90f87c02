import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replacePerPersonTable, replaceTable } from '../../src/kernel/index.js';
import { ClickHouseEngine, sql, SNAPSHOT_TABLE, TABLE_NAMES, tableSpec } from '../../src/store/index.js';
import { migrate } from '../../src/schema/index.js';
import { runCli } from '../helpers/cli.js';
import { CLICKHOUSE_PASSWORD, CLICKHOUSE_USER, CLUSTER, scratchDatabase, skipWithoutClickHouse } from './server.js';

const skip = await skipWithoutClickHouse(CLUSTER);

/** The HTTP URL of each node of the test cluster (.ci/clickhouse.sh start_clickhouse_cluster). */
const NODE_URLS = (CLUSTER.cluster?.nodes ?? []).map((node) => `http://${node}`);

describe.skipIf(skip)('ClickHouse on a 2-shard cluster (local MergeTree tables, Distributed tables over them)', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let database: string;
  /** The same database on each node on its own, to see what each shard holds. */
  const nodes: ClickHouseEngine[] = [];

  beforeAll(async () => {
    db = await scratchDatabase(CLUSTER);
    database = db.engine.location.split('/').pop() ?? '';
    for (const url of NODE_URLS) nodes.push(await ClickHouseEngine.open(url, database));
    await migrate(db.engine);
    // 200 persons, and a score for each made from them by a query: two derived tables.
    await replaceTable(db.engine, 'people', sql`SELECT concat('P', toString(number + 1000)) AS person_id, number AS n FROM system.numbers LIMIT 200`);
    await replaceTable(db.engine, 'people_scores', sql`SELECT person_id, n * 2 AS score FROM people`);
  }, 120_000);
  afterAll(async () => {
    for (const node of nodes) await node.close();
    await db?.drop();
  });

  it('runs on two nodes, each holding one shard', () => {
    expect(db.engine.clusterName).toBe('fidelis');
    expect(nodes).toHaveLength(2);
  });

  it('merges the shards\' partial aggregates bucket by bucket on the query node (distributed_aggregation_memory_efficient)', async () => {
    const [row] = await db.engine.query<{ value: string }>(`SELECT value FROM system.settings WHERE name = 'distributed_aggregation_memory_efficient'`);
    expect(row?.value).toBe('1');
  });

  it('migrate() makes every table a Distributed table over a ReplacingMergeTree table of the same name + _local on each node', async () => {
    for (const node of nodes) {
      const tables = await node.query<{ name: string; engine: string }>(sql`SELECT name, engine FROM system.tables WHERE database = currentDatabase()`);
      const engines = new Map(tables.map((t) => [t.name, t.engine]));
      for (const name of TABLE_NAMES) {
        expect(engines.get(name), `${name} on ${node.location}`).toBe('Distributed');
        expect(engines.get(`${name}_local`), `${name}_local on ${node.location}`).toBe('ReplacingMergeTree');
      }
    }
  });

  it('makes a per-person table shard by shard: each node joins its own persons, and the rows sit beside their person', async () => {
    const { engine } = db;
    await replacePerPersonTable(engine, 'people_joined', sql`SELECT p.person_id AS person_id, p.n + s.score AS total
      FROM people AS p JOIN people_scores AS s ON s.person_id = p.person_id`);
    expect(await engine.query(sql`SELECT count() AS n, sum(total) AS total FROM people_joined`)).toEqual([{ n: 200, total: 3 * 199 * 100 }]);
    for (const node of nodes) {
      const misplaced = await node.query(sql`SELECT j.person_id FROM people_joined_local AS j LEFT JOIN people_local AS p ON p.person_id = j.person_id
        WHERE p.person_id = '' OR p.person_id IS NULL`);
      expect(misplaced).toEqual([]);
    }
    // What proves it ran on the shards: a statement that is not per person (a count over all rows)
    // gives one count per shard when marked per person, one count in all when not.
    await replacePerPersonTable(engine, 'people_counted', sql`SELECT any(p.person_id) AS person_id, count() AS n FROM people AS p JOIN people_scores AS s ON s.person_id = p.person_id`);
    await replaceTable(engine, 'people_counted_once', sql`SELECT any(p.person_id) AS person_id, count() AS n FROM people AS p JOIN people_scores AS s ON s.person_id = p.person_id`);
    const perShard = await engine.query<{ n: number }>(sql`SELECT n FROM people_counted ORDER BY n`);
    expect(perShard).toHaveLength(2);
    expect(perShard.reduce((sum, r) => sum + Number(r.n), 0)).toBe(200);
    expect(await engine.query(sql`SELECT n FROM people_counted_once`)).toEqual([{ n: 200 }]);
  });

  it('sends each person\'s rows of every table to one shard, and reads them all back through the Distributed table', async () => {
    const { engine } = db;
    const people = Array.from({ length: 200 }, (_, i) => `P${1000 + i}`);
    expect(await engine.query(sql`SELECT count() AS n, sum(score) AS total FROM people_scores`)).toEqual([{ n: 200, total: 2 * 199 * 100 }]);
    const shardOf = new Map<string, number>();
    for (const [index, node] of nodes.entries()) {
      const held = await node.query<{ person_id: string }>(sql`SELECT person_id FROM people_local`);
      expect(held.length, `node ${index} holds a share`).toBeGreaterThan(40);
      for (const row of held) shardOf.set(row.person_id, index);
      const scores = await node.query<{ person_id: string }>(sql`SELECT person_id FROM people_scores_local`);
      for (const row of scores) expect(shardOf.get(row.person_id), `${row.person_id}'s score sits beside its person`).toBe(index);
    }
    expect([...shardOf.keys()].sort()).toEqual(people);
  });

  it('spreads anonymous web events (no customer record) over the shards by their id, and folds a re-sent one on its shard', async () => {
    const { engine } = db;
    const insert = (from: number, count: number): Promise<void> =>
      engine.exec(`INSERT INTO web_events (event_id, customer_id, anonymous_id, at, type)
        SELECT concat('W', toString(number)), NULL, concat('A', toString(number % 50)), toDateTime('2024-03-01 10:00:00'), 'page_view'
        FROM system.numbers LIMIT ${count} OFFSET ${from}`);
    await insert(0, 400);
    // A logged-in visitor's events still go by his record.
    await engine.exec(`INSERT INTO web_events (event_id, customer_id, at, type) VALUES ('L1', 'C42', toDateTime('2024-03-01 10:00:00'), 'page_view')`);
    const held = await Promise.all(nodes.map(async (node) => Number((await node.query<{ n: number }>(sql`SELECT count() AS n FROM web_events_local WHERE customer_id IS NULL`))[0]?.n)));
    expect(held.reduce((a, b) => a + b, 0)).toBe(400);
    for (const share of held) expect(share).toBeGreaterThan(120);
    // The same events sent again meet their first copies on the same shard, where the key folds them.
    await insert(0, 400);
    await engine.exec(sql`OPTIMIZE TABLE web_events FINAL`);
    expect(await engine.query(sql`SELECT count() AS n FROM web_events WHERE customer_id IS NULL`)).toEqual([{ n: 400 }]);
    const record = await Promise.all(nodes.map(async (node) => Number((await node.query<{ n: number }>(sql`SELECT count() AS n FROM web_events_local WHERE customer_id = 'C42'`))[0]?.n)));
    const [slot] = await engine.query<{ shard: number }>(sql`SELECT cityHash64('C42') % 2 AS shard`);
    expect(record[Number(slot?.shard)]).toBe(1);
  });

  it('joins Distributed tables named by alias, a DISTINCT over a join gives each row once, an IN subquery runs as GLOBAL IN', async () => {
    const { engine } = db;
    const [joined] = await engine.query(sql`SELECT count() AS pairs, sum(s.score) AS total FROM people AS p JOIN people_scores AS s ON s.person_id = p.person_id WHERE p.n < 10`);
    expect(joined).toEqual({ pairs: 10, total: 90 });
    const distinct = await engine.query(sql`SELECT DISTINCT p.n % 3 AS k FROM people AS p JOIN people_scores AS s ON s.person_id = p.person_id ORDER BY k`);
    expect(distinct).toEqual([{ k: 0 }, { k: 1 }, { k: 2 }]);
    // An IN subquery over a Distributed table, in a query the shards run (18.16 refuses it unless
    // distributed_product_mode makes it a GLOBAL IN): identity explain's form.
    const [within] = await engine.query(sql`SELECT count() AS persons FROM people WHERE person_id IN (SELECT person_id FROM people_scores WHERE score < 20)`);
    expect(within).toEqual({ persons: 10 });
  });

  it('returns from an ALTER TABLE ... DELETE once every shard has applied it (18.16 runs mutations in the background)', async () => {
    const { engine } = db;
    await replaceTable(engine, 'mutated', sql`SELECT concat('P', toString(number)) AS person_id, number AS n FROM system.numbers LIMIT 400`);
    await engine.exec(sql`ALTER TABLE mutated DELETE WHERE n % 2 = 0`);
    const held = await Promise.all(nodes.map(async (node) => (await node.query<{ held: number; even: number }>(sql`SELECT count() AS held, countIf(n % 2 = 0) AS even FROM mutated_local`))[0]));
    // Each shard holds some of the persons, none of the deleted ones, and together all that are left.
    for (const shard of held) expect(shard).toMatchObject({ even: 0 });
    expect(held.every((shard) => Number(shard?.held) > 0)).toBe(true);
    expect(held.reduce((sum, shard) => sum + Number(shard?.held), 0)).toBe(200);
  });

  it('replaces a partition of customer_snapshots on each shard', async () => {
    const { engine } = db;
    const columns = SNAPSHOT_TABLE.columns.map((c) => c.name);
    const day = new Date('2024-01-31T00:00:00Z');
    const rows = (tag: string): ReturnType<typeof sql> =>
      sql`SELECT ${sql.join(columns.map((c) => (c === 'person_id' ? sql`person_id` : c === 'as_of' ? sql`${day}` : c === 'snapshot_id' ? sql`${tag}` : sql`NULL`)))} FROM people`;
    for (const statement of engine.dialect.replacePartition(SNAPSHOT_TABLE, sql`${day}`, rows('first'))) await engine.exec(statement);
    for (const statement of engine.dialect.replacePartition(SNAPSHOT_TABLE, sql`${day}`, rows('second'))) await engine.exec(statement);
    expect(await engine.query(sql`SELECT snapshot_id, count() AS n FROM customer_snapshots GROUP BY snapshot_id`)).toEqual([{ snapshot_id: 'second', n: 200 }]);
  });

  it('a migration adds a missing column to the local table on every node and to the Distributed table', async () => {
    const old = await ClickHouseEngine.open(CLUSTER.url, `${database}_old`, {}, CLUSTER.cluster);
    try {
      const customers = tableSpec('customers');
      // A customers table from before migration 6: migration 1 (IF NOT EXISTS) leaves it as it is.
      await old.exec(old.dialect.createTable({ ...customers, columns: customers.columns.filter((c) => c.name !== 'street_address') }));
      await migrate(old);
      for (const table of ['customers', 'customers_local']) {
        for (const url of NODE_URLS) {
          const node = await ClickHouseEngine.open(url, `${database}_old`);
          try {
            expect((await node.query<{ name: string }>(node.dialect.tableColumns(table))).map((c) => c.name), `${table} on ${url}`).toContain('street_address');
          } finally {
            await node.close();
          }
        }
      }
    } finally {
      await old.exec(`DROP DATABASE IF EXISTS ${old.dialect.quoteIdent(`${database}_old`)}`);
      await old.close();
    }
  }, 120_000);

  it('fidelis status --db clickhouse://...?cluster=fidelis&nodes=... opens the cluster, without showing the password', async () => {
    const server = new URL(CLUSTER.url);
    const nodes = CLUSTER.cluster?.nodes?.join(',') ?? '';
    const url = `clickhouse://${encodeURIComponent(CLICKHOUSE_USER)}:${encodeURIComponent(CLICKHOUSE_PASSWORD)}@${server.hostname}:${server.port}/${database}?cluster=fidelis&nodes=${nodes}`;
    const result = await runCli(['status', '--db', url, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { location: string }).location).toContain(`/${database}?cluster=fidelis`);
    if (CLICKHOUSE_PASSWORD !== '') expect(result.stdout + result.stderr).not.toContain(CLICKHOUSE_PASSWORD);
  }, 60_000);

  it('refuses a cluster the servers do not have, and a node list that misses a shard', async () => {
    await expect(ClickHouseEngine.open(CLUSTER.url, database, {}, { name: 'no_such_cluster' })).rejects.toThrow('the server has no cluster "no_such_cluster" in its remote_servers');
    const first = CLUSTER.cluster?.nodes?.[0] ?? '';
    await expect(ClickHouseEngine.open(CLUSTER.url, database, {}, { name: 'fidelis', nodes: [first] })).rejects.toThrow('no node given for shard 2 of cluster "fidelis"');
  });
});
