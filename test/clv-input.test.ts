import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summariseTransactions } from '../src/value/clv-input.js';
import { writeFiles } from './helpers/fixtures.js';

// Weeks start on Monday: 2024-01-01 is a Monday.
const SALES = [
  'client,day,value,cost',
  'A,2024-01-01,10,4', // week 0
  'A,2024-01-03,5,2', // week 0 again: same period
  'A,2024-01-15,20,8', // week 2
  'A,2024-01-29,30,12', // week 4
  'B,2024-01-08,7,1', // week 1, one-timer
  'C,2024-01-22,9,3', // week 3
  'C,2024-02-12,11,4', // week 6: after the calibration end
  'A,2024-02-19,50,20', // week 7: holdout
].join('\n');

describe('BTYD summary of a transaction file', () => {
  it('counts repeat periods, recency and age in weeks, and the mean repeat value', async () => {
    const dir = writeFiles({ 'sales.csv': SALES });
    const input = await summariseTransactions(
      join(dir, 'sales.csv'),
      { customer: 'client', date: 'day', amount: 'value', cost: 'cost' },
      { period: 'week', calibrationEnd: new Date('2024-02-05T00:00:00Z') },
    );
    expect(input.ids).toEqual(['A', 'B', 'C']);
    // Calibration ends in week 5. A: periods 0, 2, 4; B: 1; C: 3.
    expect(Array.from(input.x)).toEqual([2, 0, 0]);
    expect(Array.from(input.tx)).toEqual([4, 0, 0]);
    expect(Array.from(input.T)).toEqual([5, 4, 2]);
    expect(Array.from(input.monetary)).toEqual([25, 0, 0]);
    expect(input.marginRate?.[0]).toBeCloseTo((65 - 26) / 65, 12);
    // Holdout: weeks 6 and 7 (observation ends on 2024-02-19, week 7).
    expect(input.holdout?.length).toBe(2);
    expect(Array.from(input.holdout?.x ?? [])).toEqual([1, 0, 1]);
  });

  it('reads a file whose name holds glob characters as that one file', async () => {
    const dir = writeFiles({ 'sales1.csv': 'client,day,value\nZ,2024-01-01,1\n', 'sales[1].csv': SALES });
    const input = await summariseTransactions(join(dir, 'sales[1].csv'), { customer: 'client', date: 'day', amount: 'value' }, { period: 'week' });
    expect(input.ids).toEqual(['A', 'B', 'C']);
  });

  it('names the missing column', async () => {
    const dir = writeFiles({ 'sales.csv': SALES });
    await expect(
      summariseTransactions(join(dir, 'sales.csv'), { customer: 'customer', date: 'day', amount: 'value' }, { period: 'week' }),
    ).rejects.toThrow(/no column "customer"; the file has: client, day, value, cost/);
  });
});
