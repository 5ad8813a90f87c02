import { describe, expect, it } from 'vitest';
import { distinctJoinsInOneStream, execOnCluster, shardingKey, wrapJoinedTables, type ClusterNodes } from './clickhouse-cluster.js';
import { ClickHouseDialect } from './dialect/index.js';

const q = (name: string): string => new ClickHouseDialect().quoteIdent(name);

describe('wrapJoinedTables (18.16 cannot JOIN over a Distributed table named by its alias)', () => {
  it('leaves a statement without JOIN as it is, ARRAY JOIN included', () => {
    const text = 'SELECT r.contact_id, max(r.at) FROM `responses` AS r WHERE r.type = \'x\' GROUP BY r.contact_id';
    expect(wrapJoinedTables(text)).toBe(text);
    const arrayJoin = 'SELECT k, top_rank FROM t AS g ARRAY JOIN top_rows AS top_row, arrayEnumerate(top_rows) AS top_rank';
    expect(wrapJoinedTables(arrayJoin)).toBe(arrayJoin);
  });

  it('turns each table after FROM and JOIN into a subquery of the same name, with AS, a bare alias or none', () => {
    expect(wrapJoinedTables('SELECT o.x, p.y FROM `orders` AS o LEFT JOIN `persons` AS p ON p.id = o.id WHERE o.x > 1')).toBe(
      'SELECT o.x, p.y FROM (SELECT * FROM `orders`) AS o LEFT JOIN (SELECT * FROM `persons`) AS p ON p.id = o.id WHERE o.x > 1',
    );
    expect(wrapJoinedTables('SELECT s.a FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.t = 1')).toBe(
      'SELECT s.a FROM (SELECT * FROM sessions) AS s JOIN (SELECT * FROM users) AS u ON u.name = s.user_name WHERE s.t = 1',
    );
    expect(wrapJoinedTables('SELECT a.x FROM a JOIN b USING (x)')).toBe('SELECT a.x FROM (SELECT * FROM a) AS a JOIN (SELECT * FROM b) AS b USING (x)');
  });

  it('leaves subqueries, table functions, qualified names and text in quotes alone', () => {
    const text = "SELECT x.n FROM (SELECT n FROM numbers(3)) AS x JOIN system.one AS o ON 1 = 1 WHERE 'FROM t JOIN u' != ''";
    expect(wrapJoinedTables(text)).toBe(text);
  });

  it('makes each joined table one stream when the statement has a DISTINCT (18.16 repeats rows otherwise)', () => {
    expect(wrapJoinedTables('SELECT DISTINCT l.o, p.c FROM l JOIN p ON p.s = l.s')).toBe(
      'SELECT DISTINCT l.o, p.c FROM (SELECT * FROM l LIMIT 18446744073709551615) AS l JOIN (SELECT * FROM p LIMIT 18446744073709551615) AS p ON p.s = l.s',
    );
  });
});

describe('distinctJoinsInOneStream (one server)', () => {
  it('rewrites only a statement with DISTINCT and a JOIN', () => {
    const join = 'SELECT x.k FROM a AS x JOIN b AS y ON y.k = x.k';
    expect(distinctJoinsInOneStream(join)).toBe(join);
    const distinct = 'SELECT DISTINCT k FROM a';
    expect(distinctJoinsInOneStream(distinct)).toBe(distinct);
    expect(distinctJoinsInOneStream('SELECT DISTINCT x.k FROM a AS x JOIN b AS y ON y.k = x.k')).toBe(
      'SELECT DISTINCT x.k FROM (SELECT * FROM a LIMIT 18446744073709551615) AS x JOIN (SELECT * FROM b LIMIT 18446744073709551615) AS y ON y.k = x.k',
    );
  });
});

describe('shardingKey', () => {
  it('hashes the person, else the customer record, else the sorting key, else shards at random', () => {
    expect(shardingKey(['customer_id', 'person_id', 'x'], 'customer_id', q)).toBe('cityHash64(assumeNotNull(`person_id`))');
    expect(shardingKey(['order_id', 'customer_id'], 'order_id', q)).toBe('cityHash64(assumeNotNull(`customer_id`))');
    expect(shardingKey(['order_id', 'line_no', 'sku'], 'order_id, line_no', q)).toBe('cityHash64(assumeNotNull(`order_id`), assumeNotNull(`line_no`))');
    expect(shardingKey(['a', 'b'], '', q)).toBe('rand()');
    expect(shardingKey(['a'], 'toDate(a)', q)).toBe('rand()');
  });
});

/** Records what each node is sent, and answers the catalogue queries as a cluster would. */
function recorder(): { nodes: ClusterNodes; main: string[]; every: string[] } {
  const main: string[] = [];
  const every: string[] = [];
  const nodes: ClusterNodes = {
    cluster: 'fidelis',
    database: 'shop',
    quoteIdent: q,
    onMain: (s) => {
      main.push(s);
      return Promise.resolve();
    },
    onEvery: (s) => {
      every.push(s);
      return Promise.resolve();
    },
    rows: <T extends Record<string, unknown>>(query: string): Promise<T[]> => {
      if (query.startsWith('DESCRIBE')) return Promise.resolve([{ name: 'person_id', type: 'String' }, { name: 'n', type: 'UInt64' }] as unknown as T[]);
      return Promise.resolve([{ sorting_key: '', columns: ['person_id', 'n'] }] as unknown as T[]);
    },
  };
  return { nodes, main, every };
}

describe('execOnCluster: one statement for one server, the statements of each node', () => {
  it('creates a table as a local MergeTree table on every node plus a Distributed table over it', async () => {
    const { nodes, every } = recorder();
    await execOnCluster(nodes, 'CREATE TABLE IF NOT EXISTS `t` (`person_id` String, `n` UInt64) ENGINE = MergeTree ORDER BY tuple()');
    expect(every).toEqual([
      'CREATE TABLE IF NOT EXISTS `t_local` (`person_id` String, `n` UInt64) ENGINE = MergeTree ORDER BY tuple()',
      'CREATE TABLE IF NOT EXISTS `t` AS `t_local` ENGINE = Distributed(`fidelis`, `shop`, `t_local`, cityHash64(assumeNotNull(`person_id`)))',
    ]);
  });

  it('makes a derived table from the query\'s structure, then inserts its rows through the Distributed table', async () => {
    const { nodes, every, main } = recorder();
    await execOnCluster(nodes, 'CREATE TABLE `d` ENGINE = MergeTree ORDER BY tuple() AS SELECT person_id, count() AS n FROM `t` GROUP BY person_id');
    expect(every[0]).toBe('CREATE TABLE `d_local` (`person_id` String, `n` UInt64) ENGINE = MergeTree ORDER BY tuple()');
    expect(every[1]).toContain('CREATE TABLE `d` AS `d_local` ENGINE = Distributed(');
    expect(main).toEqual(['INSERT INTO `d` SELECT person_id, count() AS n FROM `t` GROUP BY person_id']);
  });

  it('drops, renames, alters and truncates the local tables on every node, and remakes the Distributed ones a rename points elsewhere', async () => {
    const { nodes, every } = recorder();
    await execOnCluster(nodes, 'DROP TABLE IF EXISTS `t`');
    await execOnCluster(nodes, 'RENAME TABLE `t` TO `t_old`, `t_stage` TO `t`');
    await execOnCluster(nodes, "ALTER TABLE `s` REPLACE PARTITION '2024-01-31' FROM `s__partition`");
    await execOnCluster(nodes, 'TRUNCATE TABLE `s`');
    expect(every).toEqual([
      'DROP TABLE IF EXISTS `t`',
      'DROP TABLE IF EXISTS `t_local`',
      'RENAME TABLE `t_local` TO `t_old_local`, `t_stage_local` TO `t_local`',
      'DROP TABLE IF EXISTS `t`',
      'DROP TABLE IF EXISTS `t_old`',
      'DROP TABLE IF EXISTS `t_stage`',
      'CREATE TABLE `t_old` AS `t_old_local` ENGINE = Distributed(`fidelis`, `shop`, `t_old_local`, cityHash64(assumeNotNull(`person_id`)))',
      'CREATE TABLE `t` AS `t_local` ENGINE = Distributed(`fidelis`, `shop`, `t_local`, cityHash64(assumeNotNull(`person_id`)))',
      "ALTER TABLE `s_local` REPLACE PARTITION '2024-01-31' FROM `s__partition_local`",
      'TRUNCATE TABLE `s_local`',
    ]);
  });

  it('refuses a DDL statement it has no cluster form for, rather than run it on one node', async () => {
    const { nodes } = recorder();
    await expect(execOnCluster(nodes, 'CREATE MATERIALIZED VIEW v AS SELECT 1')).rejects.toThrow('no cluster form');
  });
});
