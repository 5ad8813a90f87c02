import { describe, expect, it } from 'vitest';
import { importFiles } from '../collect/index.js';
import { parseConfig } from '../config/index.js';
import { sql } from '../store/index.js';
import { openStore } from '../schema/index.js';
import { SMALL_COMPANY, writeFiles } from '../../test/helpers/fixtures.js';
import { PIPELINE, runPipeline } from '../pipeline/index.js';

describe('order facts', () => {
  it('computes revenue, cost, margin and refunds per order, up to the as-of date', async () => {
    const engine = await openStore(':memory:');
    await importFiles(engine, [writeFiles(SMALL_COMPANY)]);
    await importFiles(engine, [
      writeFiles({
        'returns.csv': 'return_id,order_id,line_no,returned_at,quantity,refund_amount\nR1,O1,1,2024-01-10,1,49.90',
      }),
    ]);
    await runPipeline(engine, parseConfig({}), { asOf: new Date('2024-01-31T00:00:00Z') });
    const facts = await engine.query(sql`SELECT order_id, CAST(revenue AS VARCHAR) AS revenue, CAST(cost AS VARCHAR) AS cost,
      CAST(margin AS VARCHAR) AS margin, units, lines, CAST(refunded AS VARCHAR) AS refunded FROM order_facts`);
    // O1: 2 x 49.90 + 15 = 114.80 revenue; cost 2 x 20 + 7.50 (product cost, the line has none).
    expect(facts).toEqual([
      { order_id: 'O1', revenue: '114.8000', cost: '47.5000', margin: '67.3000', units: 3, lines: 2, refunded: '49.9000' },
    ]);
    const runs = await engine.query(sql`SELECT steps FROM pipeline_runs`);
    expect(runs).toEqual([{ steps: PIPELINE.map((s) => s.name).join(',') }]);
    expect(PIPELINE.slice(0, 7).map((s) => s.name)).toEqual(['customer_persons', 'person_consents', 'order_facts', 'customer_facts', 'rfm', 'clv', 'referral_value']);
    await engine.close();
  });
});
