import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importFiles } from '../src/collect/index.js';
import { InputValidationError } from '../src/errors.js';
import type { Engine } from '../src/store/index.js';
import { fingerprint, memoryStore, SMALL_COMPANY, writeFiles } from './helpers/fixtures.js';

let engine: Engine;
let before: Record<string, string>;

beforeEach(async () => {
  engine = await memoryStore();
  await importFiles(engine, [writeFiles(SMALL_COMPANY)]);
  before = await fingerprint(engine);
});
afterEach(async () => {
  await engine.close();
});

async function refusal(files: Record<string, string>, paths?: string[]): Promise<InputValidationError> {
  const dir = writeFiles(files);
  const error = await importFiles(engine, paths?.map((p) => join(dir, p)) ?? [dir]).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputValidationError);
  expect(await fingerprint(engine)).toEqual(before);
  return error as InputValidationError;
}

const ORDERS_HEADER = 'order_id,customer_id,ordered_at,channel';

describe('a refused import names file, line and column and leaves the database exactly as before', () => {
  it('refuses a bad date at a known line', async () => {
    const error = await refusal({
      'orders.csv': [ORDERS_HEADER, 'O10,C1,2024-03-01,store', 'O11,C1,2024-03-02,web', 'O12,C2,2024-13-45,web'].join('\n'),
    });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ line: 4, column: 'ordered_at', value: '2024-13-45' });
    expect(error.problems[0]?.file).toMatch(/orders\.csv$/);
    expect(error.message).toMatch(/orders\.csv, line 4, column ordered_at: not a valid date "2024-13-45"; expected a date-time/);
  });

  it('counts physical lines even when a quoted field spans several lines', async () => {
    const error = await refusal({
      'customers.csv': ['customer_id,source,first_name,birth_date', 'C7,store,"Jean\nPierre",1980-01-01', 'C8,store,Luc,1980-02-30'].join('\n'),
    });
    expect(error.problems[0]).toMatchObject({ line: 4, column: 'birth_date', value: '1980-02-30' });
  });

  it('refuses a file with a missing required column and lists the columns it has', async () => {
    const error = await refusal({ 'orders.csv': ['order_id,ordered_at,channel', 'O10,2024-03-01,store'].join('\n') });
    expect(error.problems[0]).toMatchObject({ column: 'customer_id', problem: 'missing column' });
    expect(error.message).toMatch(/the file has: order_id, ordered_at, channel/);
  });

  it('refuses a value of the wrong type', async () => {
    const error = await refusal({
      'order_lines.csv': ['order_id,line_no,sku,quantity,unit_price', 'O1,3,P1,two,4.5'].join('\n'),
    });
    expect(error.problems[0]).toMatchObject({ line: 2, column: 'quantity', value: 'two', problem: 'not a valid whole number' });
  });

  it('refuses a negative quantity', async () => {
    const error = await refusal({
      'order_lines.csv': ['order_id,line_no,sku,quantity,unit_price', 'O1,3,P1,-2,4.5'].join('\n'),
    });
    expect(error.problems[0]).toMatchObject({ line: 2, column: 'quantity', problem: 'negative value' });
  });

  it('refuses a duplicated order id and points at its first occurrence', async () => {
    const error = await refusal({
      'orders.csv': [ORDERS_HEADER, 'O10,C1,2024-03-01,store', 'O11,C1,2024-03-02,web', 'O10,C2,2024-03-03,web'].join('\n'),
    });
    expect(error.problems[0]).toMatchObject({ line: 4, column: 'order_id', problem: 'duplicate key' });
    expect(error.message).toMatch(/first seen at line 2/);
  });

  it('refuses an unknown product and an unknown customer', async () => {
    const error = await refusal({
      'orders.csv': [ORDERS_HEADER, 'O10,C404,2024-03-01,store'].join('\n'),
      'order_lines.csv': ['order_id,line_no,sku,quantity,unit_price', 'O1,3,NOPE,1,4.5'].join('\n'),
    }, ['order_lines.csv']);
    expect(error.problems[0]).toMatchObject({ column: 'sku', value: 'NOPE', problem: 'unknown product' });
    const second = await refusal({ 'orders.csv': [ORDERS_HEADER, 'O10,C404,2024-03-01,store'].join('\n') });
    expect(second.problems[0]).toMatchObject({ column: 'customer_id', value: 'C404', problem: 'unknown customer' });
  });

  it('refuses a value outside the allowed list', async () => {
    const error = await refusal({ 'orders.csv': [ORDERS_HEADER, 'O10,C1,2024-03-01,fax'].join('\n') });
    expect(error.problems[0]).toMatchObject({ column: 'channel', value: 'fax', expected: 'one of store, web, phone, app' });
  });

  it('refuses a malformed CSV row with its line', async () => {
    const error = await refusal({ 'orders.csv': [ORDERS_HEADER, 'O10,C1,2024-03-01,store', 'O11,C1,2024-03-01,store,extra'].join('\n') });
    expect(error.problems[0]).toMatchObject({ line: 3 });
    expect(error.message).toMatch(/Expected Number of Columns: 4 Found: 5/);
  });

  it('writes nothing from earlier files when a later file of the same import is bad', async () => {
    const error = await refusal({
      'customers.csv': ['customer_id,source', 'C3,web'].join('\n'),
      'orders.csv': [ORDERS_HEADER, 'O10,C3,2024-03-01,store'].join('\n'),
      'order_lines.csv': ['order_id,line_no,sku,quantity,unit_price', 'O10,1,P1,1,oops'].join('\n'),
    });
    expect(error.problems[0]).toMatchObject({ column: 'unit_price', value: 'oops' });
  });

  it('refuses a bad record in JSON Lines with its line number', async () => {
    const error = await refusal({
      'orders.jsonl': [
        JSON.stringify({ order_id: 'O20', customer_id: 'C1', ordered_at: '2024-01-01', channel: 'store' }),
        JSON.stringify({ order_id: 'O21', customer_id: 'C1', ordered_at: 'yesterday', channel: 'store' }),
      ].join('\n'),
    });
    expect(error.problems[0]).toMatchObject({ line: 2, column: 'ordered_at', value: 'yesterday' });
  });

  it('reports every problem up to the limit and the total count', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `X${i},C1,not-a-date,store`);
    const error = await refusal({ 'orders.csv': [ORDERS_HEADER, ...rows].join('\n') });
    expect(error.problems).toHaveLength(20);
    expect(error.total).toBe(30);
    expect(error.problems.map((p) => p.line)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
  });
});

describe('a sales export', () => {
  it('refuses rows of one order_id that name different customers', async () => {
    const error = await refusal({
      'sales.csv': ['customer_id,date,amount,order_id', 'C1,2024-01-01,10,T1', 'C2,2024-01-01,5,T1'].join('\n'),
    });
    expect(error.problems[0]).toMatchObject({ line: 3, column: 'customer_id', value: 'C2', problem: 'differs within one order' });
    expect(error.message).toMatch(/first seen at line 2/);
  });
});
