import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDbEngine } from './duckdb-engine.js';
import { TEXT_COLUMN_NULL, TEXT_COLUMN_SEPARATOR, type TextColumn } from './engine.js';
import { sql } from './sql.js';

describe('Engine.append (DuckDB)', () => {
  let engine: DuckDbEngine;
  beforeEach(async () => {
    engine = await DuckDbEngine.open(':memory:');
    await engine.exec(`CREATE TABLE t (id VARCHAR, price DECIMAL(18,4), day DATE, "at" TIMESTAMP, n INTEGER, x DOUBLE, ok BOOLEAN)`);
  });
  afterEach(async () => engine.close());

  it('stores each value as a CAST to the column type would, NULL and an invalid date as NULL', async () => {
    await engine.append('t', [
      ['a', 49.9, '2020-02-29', new Date('2024-01-01T10:00:00.123Z'), 3, 0.25, true],
      ['b', '1.00005', null, new Date(Number.NaN), null, null, false],
    ]);
    const rows = await engine.query(sql`SELECT id, CAST(price AS VARCHAR) AS price, CAST(day AS VARCHAR) AS day, "at", n, x, ok FROM t ORDER BY id`);
    expect(rows).toEqual([
      { id: 'a', price: '49.9000', day: '2020-02-29', at: new Date('2024-01-01T10:00:00.123Z'), n: 3, x: 0.25, ok: true },
      { id: 'b', price: '1.0001', day: null, at: null, n: null, x: null, ok: false },
    ]);
  });

  it('belongs to the transaction it runs in: a rollback removes the rows', async () => {
    await expect(
      engine.transaction(async (tx) => {
        await tx.append?.('t', [['a', 1, null, null, 1, 1, true]]);
        throw new Error('abandoned');
      }),
    ).rejects.toThrow('abandoned');
    await engine.transaction((tx) => tx.append?.('t', [['b', 1, null, null, 1, 1, true]]) ?? Promise.resolve());
    expect(await engine.query(sql`SELECT id FROM t`)).toEqual([{ id: 'b' }]);
  });

  it('refuses a row without a value for every column, or with a value its column cannot take, and writes none of the call', async () => {
    await expect(engine.append('t', [['a', 1]])).rejects.toThrow(/2 values for 7 columns/);
    await expect(engine.append('t', [['a', 1, null, null, null, null, null], ['b', 'not a price', null, null, null, null, null]])).rejects.toThrow();
    expect(await engine.query(sql`SELECT count(*) AS n FROM t`)).toEqual([{ n: 0 }]);
  });

  it('appends columns given as text or as values the same way, and names the value a text column refuses', async () => {
    const text = (values: readonly (string | null)[], epochMs = false): TextColumn => ({
      text: values.map((v) => v ?? TEXT_COLUMN_NULL).join(TEXT_COLUMN_SEPARATOR),
      epochMs,
    });
    const at = new Date('2024-01-01T10:00:00.123Z');
    await engine.appendColumns(
      't',
      [text(['a', 'b']), text(['49.9', '1.00005']), text(['2020-02-29', null]), text([String(at.getTime()), null], true), text(['3', null]), text(['0.25', null]), text(['true', 'false'])],
      2,
    );
    await engine.appendColumns('t', [['c'], [49.9], ['2020-02-29'], [at], [3], [0.25], [true]], 1);
    const rows = await engine.query(sql`SELECT id, CAST(price AS VARCHAR) AS price, CAST(day AS VARCHAR) AS day, "at", n, x, ok FROM t ORDER BY id`);
    expect(rows).toEqual([
      { id: 'a', price: '49.9000', day: '2020-02-29', at, n: 3, x: 0.25, ok: true },
      { id: 'b', price: '1.0001', day: null, at: null, n: null, x: null, ok: false },
      { id: 'c', price: '49.9000', day: '2020-02-29', at, n: 3, x: 0.25, ok: true },
    ]);
    await expect(engine.appendColumns('t', [['d'], ['not a price'], [null], [null], [null], [null], [null]], 1)).rejects.toThrow(/column 2 of t/);
    await expect(engine.appendColumns('t', [text(['d']), text(['not a price']), text([null]), text([null]), text([null]), text([null]), text([null])], 1)).rejects.toThrow(/^Conversion Error/);
    expect(await engine.query(sql`SELECT count(*) AS n FROM t`)).toEqual([{ n: 3 }]);
  });
});
