import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClickHouseDialect, DuckDbEngine, sql, type Engine } from '../store/index.js';
import { stepEngine } from './step-engine.js';
import { replaceTable } from './tables.js';

const dir = mkdtempSync(join(tmpdir(), 'fidelis-step-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether DuckDB holds `name` as a temporary table (null: no such table). */
async function isTemporary(engine: Engine, name: string): Promise<boolean | null> {
  const [row] = await engine.query<{ temporary: boolean }>(sql`SELECT temporary FROM duckdb_tables() WHERE table_name = ${name}`);
  return row === undefined ? null : row.temporary;
}

describe('stepEngine', () => {
  it('makes the tables a step does not declare TEMP on DuckDB, and its declared tables as before, which outlive the process', async () => {
    const path = join(dir, 'scratch.duckdb');
    const engine = await DuckDbEngine.open(path);
    const step = { writes: ['kept_output'] };
    await engine.transaction(async (tx) => {
      const scoped = stepEngine(tx, step);
      await replaceTable(scoped, 'step_scratch', sql`SELECT range AS n FROM range(1000)`);
      await replaceTable(scoped, 'kept_output', sql`SELECT sum(n) AS total FROM step_scratch`);
      expect(await isTemporary(scoped, 'step_scratch')).toBe(true);
      expect(await isTemporary(scoped, 'kept_output')).toBe(false);
    });
    // Outside the step the same engine makes every table as it always did.
    await replaceTable(engine, 'plain', sql`SELECT 1 AS one`);
    expect(await isTemporary(engine, 'plain')).toBe(false);
    await engine.close();

    const again = await DuckDbEngine.open(path);
    expect(await again.query(sql`SELECT total FROM kept_output`)).toEqual([{ total: 499500 }]);
    expect(await isTemporary(again, 'step_scratch')).toBeNull();
    await again.close();
  });

  it('replaces a table an older run left on file by a TEMP one of the same name, and reads and drops the TEMP one', async () => {
    const engine = await DuckDbEngine.open(join(dir, 'left.duckdb'));
    await engine.exec(sql`CREATE TABLE step_scratch AS SELECT 'old' AS v`);
    const scoped = stepEngine(engine, { writes: [] });
    await replaceTable(scoped, 'step_scratch', sql`SELECT 'new' AS v`);
    expect(await scoped.query(sql`SELECT v FROM step_scratch`)).toEqual([{ v: 'new' }]);
    expect(await isTemporary(scoped, 'step_scratch')).toBe(true);
    await scoped.exec(sql`DROP TABLE IF EXISTS step_scratch`);
    expect(await isTemporary(scoped, 'step_scratch')).toBeNull();
    await engine.close();
  });

  it('leaves the engine itself in charge: a failed step rolls back, and the engine is the same class', async () => {
    const engine = await DuckDbEngine.open(':memory:');
    await engine.exec(sql`CREATE TABLE kept_output (n INTEGER)`);
    await expect(
      engine.transaction(async (tx) => {
        const scoped = stepEngine(tx, { writes: ['kept_output'] });
        expect(scoped).toBeInstanceOf(DuckDbEngine);
        await scoped.exec(sql`INSERT INTO kept_output VALUES (1)`);
        throw new Error('step failed');
      }),
    ).rejects.toThrow('step failed');
    expect(await engine.query(sql`SELECT count(*) AS n FROM kept_output`)).toEqual([{ n: 0 }]);
    await engine.close();
  });

  it('makes scratch tables like any derived table on ClickHouse (no TEMP over HTTP, where each statement may be its own session)', () => {
    const dialect = new ClickHouseDialect();
    const query = sql`SELECT 1 AS one`;
    expect(dialect.createScratchTableAs('step_scratch', query)).toEqual(dialect.createTableAs('step_scratch', query));
  });
});
