import { describe, expect, it } from 'vitest';
import { distinctJoinsInOneStream, execOnCluster, mutatedTable, shardingKey, wrapJoinedTables, type ClusterNodes } from './clickhouse-cluster.js';
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

  it('keeps FINAL with its table inside the subquery (FINAL on a subquery is illegal, on a Distributed table it reaches each shard)', () => {
    expect(wrapJoinedTables('SELECT s.a FROM (SELECT * FROM `sessions` FINAL) AS s JOIN users FINAL ON users.name = s.u')).toBe(
      'SELECT s.a FROM (SELECT * FROM (SELECT * FROM `sessions` FINAL) AS `sessions`) AS s JOIN (SELECT * FROM users FINAL) AS users ON users.name = s.u',
    );
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

describe('mutatedTable', () => {
  it('names the table of an ALTER TABLE ... DELETE or UPDATE, and nothing for other statements', () => {
    expect(mutatedTable('ALTER TABLE `events_dead_letter` DELETE WHERE log_id = 1')).toBe('events_dead_letter');
    expect(mutatedTable('  alter table orders update customer_id = \'x\' where 1')).toBe('orders');
    expect(mutatedTable('ALTER TABLE t ADD COLUMN x UInt8')).toBeNull();
    expect(mutatedTable('ALTER TABLE t REPLACE PARTITION 1 FROM s')).toBeNull();
    expect(mutatedTable("SELECT 'ALTER TABLE t DELETE WHERE 1'")).toBeNull();
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

  it('sends a row without a customer record (an anonymous event) by its key, not all of them to the shard of NULL', () => {
    expect(shardingKey(['event_id', 'customer_id', 'anonymous_id'], 'event_id', q, new Set(['customer_id', 'anonymous_id']))).toBe(
      'if(isNull(`customer_id`), cityHash64(assumeNotNull(`event_id`)), cityHash64(assumeNotNull(`customer_id`)))',
    );
    // A required record, or a key that holds the record, goes by the record as before.
    expect(shardingKey(['event_id', 'customer_id'], 'event_id', q, new Set())).toBe('cityHash64(assumeNotNull(`customer_id`))');
    expect(shardingKey(['customer_id', 'channel'], 'customer_id, channel', q, new Set(['customer_id']))).toBe('cityHash64(assumeNotNull(`customer_id`))');
    // A person id never: per-person steps recognise their tables by that one hash.
    expect(shardingKey(['person_id', 'n'], 'n', q, new Set(['person_id']))).toBe('cityHash64(assumeNotNull(`person_id`))');
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

describe('execOnCluster with perPerson: a per-person derived table made shard by shard', () => {
  /** A cluster whose Distributed tables are `persons` and `orders` sharded by the person, `cuts` at random. */
  function perPersonRecorder(): { nodes: ClusterNodes; main: string[]; every: string[] } {
    const { nodes, main, every } = recorder();
    const engines: Record<string, string> = {
      persons: 'Distributed(fidelis, shop, persons_local, cityHash64(assumeNotNull(person_id)))',
      orders: 'Distributed(`fidelis`, `shop`, `orders_local`, cityHash64(assumeNotNull(`person_id`)))',
      cuts: 'Distributed(fidelis, shop, cuts_local, rand())',
      by_customer: 'Distributed(fidelis, shop, by_customer_local, cityHash64(assumeNotNull(customer_id)))',
    };
    const rows = <T extends Record<string, unknown>>(query: string): Promise<T[]> => nodes.rows<T>(query);
    return {
      main,
      every,
      nodes: {
        ...nodes,
        rows: <T extends Record<string, unknown>>(query: string): Promise<T[]> => {
          if (query.includes('engine_full')) {
            return Promise.resolve(Object.entries(engines).filter(([name]) => query.includes(`'${name}'`)).map(([name, engine_full]) => ({ name, engine_full })) as unknown as T[]);
          }
          return rows<T>(query);
        },
      },
    };
  }

  it('runs the query on every node over its local tables when every table read is sharded by the person', async () => {
    const { nodes, main, every } = perPersonRecorder();
    const select = 'SELECT p.person_id AS person_id, count() AS n FROM `persons` AS p LEFT JOIN orders o ON o.person_id = p.person_id GROUP BY p.person_id';
    await execOnCluster(nodes, `CREATE TABLE \`d\` ENGINE = MergeTree ORDER BY tuple() AS ${select}`, { perPerson: true });
    const local = 'SELECT p.person_id AS person_id, count() AS n FROM `persons_local` AS p LEFT JOIN `orders_local` AS o ON o.person_id = p.person_id GROUP BY p.person_id';
    expect(every).toEqual([
      'CREATE TABLE `d_local` (`person_id` String, `n` UInt64) ENGINE = MergeTree ORDER BY tuple()',
      expect.stringContaining('CREATE TABLE `d` AS `d_local` ENGINE = Distributed(`fidelis`, `shop`, `d_local`, cityHash64(assumeNotNull(`person_id`)))'),
      `INSERT INTO \`d_local\` ${local}`,
    ]);
    expect(main).toEqual([]);
  });

  it('reads each local table as one stream under a DISTINCT (18.16 repeats rows otherwise)', async () => {
    const { nodes, every } = perPersonRecorder();
    await execOnCluster(nodes, 'CREATE TABLE `d` ENGINE = MergeTree ORDER BY tuple() AS SELECT DISTINCT p.person_id AS person_id FROM persons p JOIN orders AS o ON o.person_id = p.person_id', { perPerson: true });
    expect(every.at(-1)).toBe('INSERT INTO `d_local` SELECT DISTINCT p.person_id AS person_id FROM (SELECT * FROM `persons_local` LIMIT 18446744073709551615) AS p JOIN (SELECT * FROM `orders_local` LIMIT 18446744073709551615) AS o ON o.person_id = p.person_id');
  });

  it('runs it on the query node, as any derived table, when a table read is not sharded by the person', async () => {
    for (const other of ['cuts', 'by_customer', 'missing_table']) {
      const { nodes, main, every } = perPersonRecorder();
      await execOnCluster(nodes, `CREATE TABLE \`d\` ENGINE = MergeTree ORDER BY tuple() AS SELECT p.person_id AS person_id, c.n AS n FROM persons AS p CROSS JOIN ${other} AS c`, { perPerson: true });
      expect(every.some((s) => s.startsWith('INSERT'))).toBe(false);
      expect(main).toEqual([`INSERT INTO \`d\` SELECT p.person_id AS person_id, c.n AS n FROM (SELECT * FROM persons) AS p CROSS JOIN (SELECT * FROM ${other}) AS c`]);
    }
  });
});

describe('execOnCluster: scratch tables of the query node', () => {
  it('makes a Log-family table, with columns or from a query, on the query node alone, and drops it everywhere', async () => {
    const { nodes, main, every } = recorder();
    await execOnCluster(nodes, 'CREATE TABLE `import_raw` (`__record` Int64, `a` Nullable(String)) ENGINE = TinyLog');
    await execOnCluster(nodes, 'CREATE TABLE `import_typed` ENGINE = Log AS SELECT r.__record AS __record FROM import_raw AS r JOIN customers AS c ON c.customer_id = r.a');
    await execOnCluster(nodes, 'DROP TABLE `import_raw`');
    expect(main).toEqual([
      'CREATE TABLE `import_raw` (`__record` Int64, `a` Nullable(String)) ENGINE = TinyLog',
      'CREATE TABLE `import_typed` ENGINE = Log AS SELECT r.__record AS __record FROM (SELECT * FROM import_raw) AS r JOIN (SELECT * FROM customers) AS c ON c.customer_id = r.a',
      'DROP TABLE `import_raw`',
    ]);
    expect(every).toEqual(['DROP TABLE IF EXISTS `import_raw`', 'DROP TABLE IF EXISTS `import_raw_local`']);
  });
});
