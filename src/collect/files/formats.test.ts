import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitRecord } from './csv-header.js';
import { detectFormat, kindFromFileName } from './formats.js';

describe('the kind comes from the file name', () => {
  it.each([
    ['orders.csv', 'orders'],
    ['order_lines.parquet', 'order_lines'],
    ['order-lines-2024.csv', 'order_lines'],
    ['2024_orders.jsonl', 'orders'],
    ['web_events.ndjson', 'web_events'],
    ['export/sales_2024.csv', 'transactions'],
    ['Customers.CSV', 'customers'],
    ['catalogue.csv', 'products'],
    ['customers[1].csv', 'customers'],
    ['Orders (2).csv', 'orders'],
    ['notes.csv', null],
  ])('%s holds %s', (name, kind) => {
    expect(kindFromFileName(name)).toBe(kind);
  });

  it('refuses an extension it cannot read', () => {
    expect(() => detectFormat('orders.xlsx')).toThrow(/expected \.csv, \.tsv, \.parquet or \.jsonl/);
  });
});

describe('CSV header parsing', () => {
  it('splits any fields written with RFC 4180 quoting back into the same fields', () => {
    fc.assert(
      fc.property(fc.array(fc.string().filter((s) => s.trim() === s && !/[\r\n]/.test(s)), { minLength: 1, maxLength: 8 }), (fields) => {
        const line = fields.map((f) => (/[",]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',');
        expect(splitRecord(line, ',')).toEqual(fields);
      }),
      { seed: 3 },
    );
  });
});
