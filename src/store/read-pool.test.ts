import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbEngine } from './duckdb-engine.js';
import { openReadPool, type ReadPool } from './read-pool.js';
import { sql } from './sql.js';

describe('read pool', () => {
  let main: DuckDbEngine | undefined;
  let pool: ReadPool | undefined;
  afterEach(async () => {
    await pool?.close();
    await main?.close();
  });

  it('sees what the main connection committed, and not what it has not yet', async () => {
    main = await DuckDbEngine.open(':memory:');
    pool = await openReadPool(main, 2);
    await main.exec('CREATE TABLE t (n INTEGER)');
    await main.exec('INSERT INTO t VALUES (1)');
    expect(await pool.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 1 }]);
    await main.exec('BEGIN TRANSACTION');
    await main.exec('INSERT INTO t VALUES (2)');
    expect(await pool.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 1 }]);
    await main.exec('COMMIT');
    expect(await pool.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 2 }]);
  });

  it('runs queries on several connections at once', async () => {
    main = await DuckDbEngine.open(':memory:');
    pool = await openReadPool(main, 3);
    // Three slow queries in flight together land on three different connections.
    const slow = 'SELECT count(*) AS n FROM range(30000000) r(i) WHERE i % 7 = 3';
    const started = [pool.query(slow), pool.query(slow), pool.query(slow)];
    expect(new Set((pool as unknown as { inFlight: number[] }).inFlight)).toEqual(new Set([1]));
    await Promise.all(started);
    expect(pool.size).toBe(3);
  });

  it('answers repeated queries from prepared statements, with each call\'s values, even after a table is made again', async () => {
    main = await DuckDbEngine.open(':memory:');
    pool = await openReadPool(main, 1);
    await main.exec('CREATE TABLE t AS SELECT i AS n, i * 10 AS v FROM range(5) r(i)');
    const v = async (n: number): Promise<unknown> => (await pool!.query(sql`SELECT v FROM t WHERE n = ${n}`))[0]?.v;
    expect([await v(1), await v(3), await v(1)]).toEqual([10, 30, 10]);
    // Concurrent calls of one text: the statement in use is not bound twice.
    expect(await Promise.all([1, 2, 3, 4].map(v))).toEqual([10, 20, 30, 40]);
    await main.exec("CREATE OR REPLACE TABLE t AS SELECT i AS n, 'x' || i AS v FROM range(5) r(i)");
    expect(await v(2)).toBe('x2');
  });

  it('closing the pool leaves the main connection open', async () => {
    main = await DuckDbEngine.open(':memory:');
    const own = await openReadPool(main, 2);
    await own.close();
    expect(await main.query('SELECT 41 + 1 AS n')).toEqual([{ n: 42 }]);
  });
});
