import { describe, expect, it } from 'vitest';
import { importFiles } from '../../src/collect/index.js';
import { parseConfig } from '../../src/config/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { explainClasses } from '../../src/segments/index.js';
import { sql } from '../../src/store/index.js';
import { memoryStore, writeFiles } from '../helpers/fixtures.js';

const A_DATES = ['2023-01-01', '2023-04-15', '2023-08-01', '2023-11-01', '2024-02-01', '2024-05-01', '2024-08-01', '2024-12-01'];
const CATEGORIES = ['home', 'garden', 'kitchen', 'diy'];

// A: small orders every quarter for two years across four ranges; B: one big order last week;
// C: two orders whose margin a complaint and a return more than eat.
const company = {
  'customers.csv': 'customer_id,source\nA,store\nB,web\nC,store',
  'products.csv': ['sku,name,category,price,unit_cost', ...CATEGORIES.map((c, i) => `P${i},Thing ${i},${c},10,6`), 'TV,Television,electronics,900,700'].join('\n'),
  'orders.csv': [
    'order_id,customer_id,ordered_at,channel',
    ...A_DATES.map((d, i) => `A${i},A,${d} 10:00:00,store`),
    'B0,B,2024-12-24 10:00:00,web',
    'C0,C,2024-06-01 10:00:00,store',
    'C1,C,2024-07-01 10:00:00,store',
  ].join('\n'),
  'order_lines.csv': [
    'order_id,line_no,sku,quantity,unit_price',
    ...A_DATES.map((_, i) => `A${i},1,P${i % 4},1,10`),
    'B0,1,TV,1,900',
    'C0,1,P0,2,10',
    'C1,1,P1,2,10',
  ].join('\n'),
  'returns.csv': 'return_id,order_id,line_no,returned_at,quantity,refund_amount\nR1,C1,1,2024-07-05,2,20',
  'tickets.csv': 'ticket_id,customer_id,opened_at,type,channel\nT1,C,2024-07-03,complaint,phone',
};

describe('classes on a hand-made company', () => {
  it('scores attachment from tenure, regularity, breadth and recency, not from revenue', async () => {
    const engine = await memoryStore();
    await importFiles(engine, [writeFiles(company)]);
    await runPipeline(engine, parseConfig({}), { asOf: new Date('2024-12-31T00:00:00Z') });
    const rows = await engine.query<{ person_id: string; attachment: number; active_periods: number; periods: number }>(sql`
      SELECT person_id, attachment, active_periods, periods FROM customer_attachment ORDER BY person_id`);
    const a = rows.find((r) => r.person_id === 'A');
    // 730 days of tenure, bought in 8 of the 9 quarters since his first purchase, 4 ranges, last purchase 30 days ago.
    expect(a).toMatchObject({ active_periods: 8, periods: 9 });
    expect(a?.attachment).toBeCloseTo(100 * (0.25 * (730 / 1095) + 0.3 * (8 / 9) + 0.25 * 1 + 0.2 * 0.5 ** (30 / 180)), 9);
    const b = rows.find((r) => r.person_id === 'B');
    // A new customer is judged over a year of quarters: one of four.
    expect(b?.periods).toBe(4);
    expect(b?.attachment).toBeLessThan((a?.attachment ?? 0) / 2);
    await engine.close();
  });

  it('calls a customer whose margin does not cover his costs CNR and d4, and says why', async () => {
    const engine = await memoryStore();
    await importFiles(engine, [writeFiles(company)]);
    await runPipeline(engine, parseConfig({}), { asOf: new Date('2024-12-31T00:00:00Z') });
    const [c] = await engine.query(sql`SELECT * FROM customer_classes WHERE person_id = 'C'`);
    // Margin 2 x 4 + 2 x 4 = 16; the refund loses 8 of it, the complaint costs 20 and the return 6.
    expect(c).toMatchObject({ value_tier: 'CNR', value_column: 'd4' });
    expect(Number(c?.contribution)).toBeCloseTo(16 - 8 - 20 - 6, 9);
    const reasons = explainClasses(c ?? {}, 'EUR');
    expect(reasons[0]?.reasons[0]).toBe('margin after costs to date -18 EUR: his margin does not cover what he costs');
    const [b] = await engine.query(sql`SELECT value_tier FROM customer_classes WHERE person_id = 'B'`);
    // One order is too short a history to call him unprofitable.
    expect(b?.value_tier).not.toBe('CNR');
    await engine.close();
  });
});
