import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseDialect, DuckDbDialect } from './dialect/index.js';
import { DuckDbEngine } from './duckdb-engine.js';
import { compile, sql } from './sql.js';

describe('values are bound, never pasted into SQL', () => {
  it('DuckDB gets placeholders and a parameter list', () => {
    const evil = "x'; DROP TABLE orders; --";
    const compiled = compile(sql`SELECT * FROM ${sql.id('orders')} WHERE order_id = ${evil} AND lines > ${2}`, new DuckDbDialect());
    expect(compiled).toEqual({ text: 'SELECT * FROM "orders" WHERE order_id = $1 AND lines > $2', params: [evil, 2] });
  });

  it('ClickHouse, which has no server-side parameters, gets escaped literals', () => {
    const compiled = compile(sql`SELECT ${"a'b\\c\n"} AS v, ${null} AS n, ${true} AS t`, new ClickHouseDialect());
    // 18.16 has no TRUE/FALSE keywords: booleans are written as UInt8.
    expect(compiled.text).toBe("SELECT 'a\\'b\\\\c\\n' AS v, NULL AS n, 1 AS t");
  });

  it('identifiers are quoted per engine', () => {
    expect(new DuckDbDialect().quoteIdent('we"ird')).toBe('"we""ird"');
    expect(new ClickHouseDialect().quoteIdent('we`ird')).toBe('`we\\`ird`');
  });

  it('refuses values that have no SQL literal', () => {
    expect(() => new ClickHouseDialect().literal(Number.NaN)).toThrow(/NaN/);
  });
});

describe('any string survives a round trip through DuckDB unchanged', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await DuckDbEngine.open(':memory:');
  });
  afterAll(async () => {
    await engine.close();
  });

  it('as a bound parameter', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0')), async (value) => {
        const [row] = await engine.query<{ v: string }>(sql`SELECT ${value} AS v`);
        expect(row?.v).toBe(value);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('as an identifier', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes('\0')), async (name) => {
        const [row] = await engine.query(sql`SELECT 1 AS ${sql.id(name)}`);
        expect(Object.keys(row ?? {})).toEqual([name]);
      }),
      { numRuns: 100, seed: 11 },
    );
  });
});
