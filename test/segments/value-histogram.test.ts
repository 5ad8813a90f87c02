import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shareOfTop, thresholdForValueShare, valueHistogram, type ValueBucket } from '../../src/segments/value-histogram.js';
import { sql } from '../../src/store/index.js';
import { memoryStore } from '../helpers/fixtures.js';

const buckets = (values: number[]): ValueBucket[] =>
  values.sort((a, b) => b - a).map((v) => ({ low: v, customers: 1, sum: v }));

describe('value histogram', () => {
  it('finds the smallest top group holding a share of the positive total, exactly on one-value buckets', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 1000 }), { minLength: 1, maxLength: 200 }), fc.double({ min: 0.05, max: 0.95, noNaN: true }), (values, share) => {
        const sorted = [...values].sort((a, b) => b - a);
        const positive = sorted.filter((v) => v > 0);
        const total = positive.reduce((s, v) => s + v, 0);
        const threshold = thresholdForValueShare(buckets(values), share);
        if (total === 0) {
          expect(threshold).toBe(Number.POSITIVE_INFINITY);
          return;
        }
        const held = positive.filter((v) => v >= threshold).reduce((s, v) => s + v, 0);
        expect(held).toBeGreaterThanOrEqual(share * total - 1e-9);
        // Raising the threshold past the next value would fall short of the share.
        const above = positive.filter((v) => v > threshold).reduce((s, v) => s + v, 0);
        expect(above).toBeLessThan(share * total);
      }),
    );
  });

  it('gives the share of the total made by the top customers, interpolating inside a bucket', () => {
    const top = shareOfTop([{ low: 10, customers: 2, sum: 30 }, { low: 1, customers: 8, sum: 10 }], 0.1);
    expect(top).toEqual({ customers: 1, value: 15, share: 15 / 40 });
    expect(shareOfTop([{ low: 10, customers: 2, sum: 30 }, { low: -5, customers: 8, sum: -40 }], 0.2).share).toBeCloseTo(30 / -10, 12);
  });

  it('buckets values on the engine by log scale, highest first, without losing any', async () => {
    const engine = await memoryStore();
    const values = [0.5, 0.502, 3, 250, 251, 0, -2, -300];
    await engine.exec(sql`CREATE TABLE v AS SELECT unnest(${sql.raw(`[${values.join(', ')}]`)}) AS x`);
    const histogram = await valueHistogram(engine, sql`v`, sql`x`);
    expect(histogram.reduce((s, b) => s + b.customers, 0)).toBe(values.length);
    expect(histogram.reduce((s, b) => s + b.sum, 0)).toBeCloseTo(values.reduce((s, v) => s + v, 0), 9);
    expect(histogram.map((b) => b.low)).toEqual([250, 3, 0.5, 0, -2, -300]);
    await engine.close();
  });
});
