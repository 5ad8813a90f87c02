import { describe, expect, it } from 'vitest';
import { importFiles } from '../collect/index.js';
import { parseConfig } from '../config/index.js';
import { runPipeline } from '../pipeline/index.js';
import { ClickHouseDialect, sql } from '../store/index.js';
import { openStore } from '../schema/index.js';
import { SMALL_COMPANY, writeFiles } from '../../test/helpers/fixtures.js';
import { runSteps } from '../../test/helpers/steps.js';
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

  it("are not kept up to date while the identity step rewrites its tables, which it makes again (lookup_indexes builds them after)", async () => {
    const engine = await openStore(':memory:');
    await importFiles(engine, [writeFiles(SMALL_COMPANY)]);
    const config = parseConfig({});
    await runPipeline(engine, config);
    const rows = async (): Promise<unknown[]> => engine.query(sql`SELECT node_id, person_id, kind FROM identity_nodes ORDER BY node_id`);
    const before = await rows();
    const indexed = async (): Promise<string[]> =>
      (await engine.query<{ name: string }>(sql`SELECT index_name AS name FROM duckdb_indexes() WHERE table_name IN ('identity_nodes', 'person_identifiers', 'person_redirects') ORDER BY 1`)).map((r) => r.name);
    expect(await indexed()).toContain('identity_nodes_by_person_id');
    // A second run's identity step: a DELETE and INSERT into the indexed tables updated every
    // index row by row (1M persons: 434 s against 140 s with the tables made again).
    await runSteps(engine, config, ['customer_persons']);
    expect(await indexed()).toEqual([]);
    expect(await rows()).toEqual(before);
    await engine.close();
  });

  it('are left to the sort key on ClickHouse, which has no secondary index for point lookups', () => {
    expect(new ClickHouseDialect().createIndex()).toBeNull();
  });
});
