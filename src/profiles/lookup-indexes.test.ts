import { describe, expect, it } from 'vitest';
import { importFiles } from '../collect/index.js';
import { parseConfig } from '../config/index.js';
import { runPipeline } from '../pipeline/index.js';
import { ClickHouseDialect, sql } from '../store/index.js';
import { openStore } from '../schema/index.js';
import { SMALL_COMPANY, writeFiles } from '../../test/helpers/fixtures.js';
import { LOOKUP_INDEXES } from './lookup-indexes.js';

describe('lookup indexes', () => {
  it('are built at the end of every run, after the steps that rebuild their tables', async () => {
    const engine = await openStore(':memory:');
    await importFiles(engine, [writeFiles(SMALL_COMPANY)]);
    for (let run = 0; run < 2; run++) {
      await runPipeline(engine, parseConfig({}));
      const indexes = (await engine.query<{ name: string }>(sql`SELECT index_name AS name FROM duckdb_indexes()`)).map((r) => r.name);
      // Every lookup index, once each (other steps may add their own).
      expect(indexes).toEqual(expect.arrayContaining(LOOKUP_INDEXES.map(([table, column]) => `${table}_by_${column}`)));
      expect(new Set(indexes).size).toBe(indexes.length);
    }
    await engine.close();
  });

  it('are left to the sort key on ClickHouse, which has no secondary index for point lookups', () => {
    expect(new ClickHouseDialect().createIndex()).toBeNull();
  });
});
