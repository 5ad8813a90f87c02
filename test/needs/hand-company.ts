// A tiny company whose associations and offers can be worked out by hand.
import { importFiles } from '../../src/collect/index.js';
import { parseConfig, type ConfigInput } from '../../src/config/index.js';
import { NEEDS_STEPS } from '../../src/needs/index.js';
import { PIPELINE } from '../../src/pipeline/index.js';
import type { Engine } from '../../src/store/index.js';
import { memoryStore, writeFiles } from '../helpers/fixtures.js';

export const AS_OF = new Date('2024-06-30T00:00:00Z');

const PRODUCTS = [
  'sku,name,category,sub_category,price,unit_cost',
  'P1,Rosier,garden,plants,10,6',
  'P2,Barbecue,garden,barbecue,200,120',
  'P3,Chaise,home,furniture,50,25',
  'P4,Lampe,home,lighting,30,15',
  'P5,Perceuse,diy,power_tools,80,50',
  'P6,Dessous de verre,home,decoration,5,2',
].join('\n');

/**
 * Customer baskets: C1 {garden, home, diy}, C2 {garden, home}, C3 {garden}, C4 {home, diy}.
 * Orders: O1 {P1, P3}, O2 {P5}, O3 {P1, P3}, O4 {P1}, O5 {P4, P5}, O6 {P4}, O7 {P1}.
 * C1 bought P4 long ago and P1 five days before the as-of date.
 */
const ORDERS = [
  'order_id,customer_id,ordered_at,channel,store_id',
  'O1,C1,2024-01-10 10:00:00,store,S1',
  'O2,C1,2024-03-01 10:00:00,store,S1',
  'O3,C2,2024-02-10 10:00:00,store,S1',
  'O4,C3,2024-02-15 10:00:00,store,S1',
  'O5,C4,2024-02-20 10:00:00,store,S1',
  'O6,C1,2024-03-20 10:00:00,store,S1',
  'O7,C1,2024-06-25 10:00:00,store,S1',
].join('\n');

const LINES = [
  'order_id,line_no,sku,quantity,unit_price,discount,unit_cost',
  'O1,1,P1,1,10,0,6',
  'O1,2,P3,1,50,0,25',
  'O2,1,P5,1,80,0,50',
  'O3,1,P1,2,10,0,6',
  'O3,2,P3,1,50,0,25',
  'O4,1,P1,1,10,0,6',
  'O5,1,P4,1,30,0,15',
  'O5,2,P5,1,80,0,50',
  'O6,1,P4,1,30,0,15',
  'O7,1,P1,1,10,0,6',
].join('\n');

export async function handCompany(config: ConfigInput = {}): Promise<Engine> {
  const engine = await memoryStore();
  await importFiles(engine, [
    writeFiles({
      'customers.csv': 'customer_id,source\nC1,store\nC2,store\nC3,store\nC4,store',
      'products.csv': PRODUCTS,
      'orders.csv': ORDERS,
      'order_lines.csv': LINES,
    }),
  ]);
  const parsed = parseConfig(config);
  // Only the steps the needs read, so the test does not depend on the rest of the pipeline.
  const before = PIPELINE.filter((s) => ['customer_persons', 'order_facts', 'customer_facts', 'rfm'].includes(s.name));
  for (const step of [...before, ...NEEDS_STEPS]) await step.run({ engine, config: parsed, asOf: AS_OF, warn: () => undefined });
  return engine;
}
