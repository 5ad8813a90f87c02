import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/store/index.js';
import { scratchDatabase, skipWithoutClickHouse } from './server.js';

const skip = await skipWithoutClickHouse();

const HOSTILE = ["it's", 'back\\slash', 'tab\there', 'new\nline', 'carriage\rreturn', 'nul\0byte', '\\N', 'é ü 中文 🙂', "'; DROP TABLE t; --", ''];

/**
 * ClickHouseEngine's bulk column API (identity resolution's reads and writes): what appendColumns
 * writes, queryColumns and queryColumnBatches read back as `query` reads it, text with every
 * character TabSeparated escapes, NULLs, 64-bit integers and timestamps included; integer and
 * float columns as typed arrays.
 */
describe.skipIf(skip)('ClickHouse column reads and appends', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  const rows = HOSTILE.length;
  beforeAll(async () => {
    db = await scratchDatabase();
    await db.engine.exec(sql`CREATE TABLE bulk (i Int32, n Nullable(String), s String, big Int64, f Nullable(Float64), at Nullable(DateTime('UTC'))) ENGINE = MergeTree ORDER BY i`);
    await db.engine.appendColumns(
      'bulk',
      [
        HOSTILE.map((_, i) => i),
        HOSTILE.map((text, i) => (i % 3 === 0 ? null : text)),
        HOSTILE,
        HOSTILE.map((_, i) => 2 ** 53 + i * 2),
        HOSTILE.map((_, i) => (i % 4 === 0 ? null : i / 3)),
        HOSTILE.map((_, i) => (i % 5 === 0 ? null : new Date(Date.UTC(2024, 0, i + 1, 12, 30, 15)))),
      ],
      rows,
    );
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('reads back every value appendColumns wrote, as query reads them', async () => {
    const query = sql`SELECT i, n, s, big, f, at FROM bulk ORDER BY i`;
    const expected = await db.engine.query(query);
    expect(expected.map((r) => r.s)).toEqual(HOSTILE);
    const columns = await db.engine.queryColumns(query);
    expect(columns[0]).toBeInstanceOf(Int32Array);
    expect(columns[4]).toBeInstanceOf(Float64Array);
    const names = ['i', 'n', 's', 'big', 'f', 'at'];
    const read = Array.from({ length: rows }, (_, r) => Object.fromEntries(names.map((name, c) => [name, (columns[c] as ArrayLike<unknown>)[r]])));
    // Floats: NULL reads as NaN in a Float64Array.
    expect(read).toEqual(expected.map((row) => ({ ...row, f: row.f ?? NaN })));
    expect(expected[1]?.big, "past 2^53: a bigint").toBe(2n ** 53n + 2n);
    expect(expected[1]?.at).toEqual(new Date(Date.UTC(2024, 0, 2, 12, 30, 15)));
  });

  it('cuts a result into batches of the size asked', async () => {
    const sizes: number[] = [];
    for await (const batch of db.engine.queryColumnBatches(sql`SELECT i FROM bulk ORDER BY i`, { rows: 3 })) sizes.push(batch[0]?.length ?? 0);
    expect(sizes).toEqual([3, 3, 3, 1]);
  });
});
