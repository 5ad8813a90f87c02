import { describe, expect, it } from 'vitest';
import { importFiles } from '../collect/index.js';
import { parseConfig } from '../config/index.js';
import { sql, type Sql } from '../store/index.js';
import { openStore } from '../schema/index.js';
import { SMALL_COMPANY, writeFiles } from '../../test/helpers/fixtures.js';
import { runPipeline } from '../pipeline/index.js';
import { customerFacts } from './customer-facts.js';

describe('customer facts', () => {
  it('makes its per-person tables through execPerPerson, so that a cluster makes them shard by shard, with the same rows', async () => {
    const engine = await openStore(':memory:');
    await importFiles(engine, [writeFiles(SMALL_COMPANY)]);
    const config = parseConfig({});
    const asOf = new Date('2024-01-31T00:00:00Z');
    await runPipeline(engine, config, { asOf });
    const read = async (): Promise<unknown[]> => [
      ...(await engine.query(sql`SELECT * FROM customer_facts ORDER BY person_id`)),
      ...(await engine.query(sql`SELECT * FROM customer_period_value ORDER BY person_id, period`)),
    ];
    const before = await read();
    expect(before.length).toBeGreaterThan(0);

    // On a cluster the merge of every person's aggregates on the query node needed over 2 GB at
    // 1M persons; execPerPerson runs a statement on each shard instead (Engine.execPerPerson).
    const perPerson: string[] = [];
    const spied = new Proxy(engine, {
      get(target, property, receiver) {
        if (property === 'execPerPerson') {
          return async (statement: Sql): Promise<void> => {
            perPerson.push(JSON.stringify(statement));
            await target.exec(statement);
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    await customerFacts.run({ engine: spied, config, asOf, warn: () => undefined });
    const made = ['customer_fact_parts', 'customer_facts', 'customer_period_value'];
    expect(made.map((table) => perPerson.some((text) => text.includes(`"${table}"`)))).toEqual([true, true, true]);
    expect(await read()).toEqual(before);
    await engine.close();
  });
});
