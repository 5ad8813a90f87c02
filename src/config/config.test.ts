import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';

describe('configuration', () => {
  it('has a documented default for everything', () => {
    expect(parseConfig({})).toEqual({ db: './fidelis.duckdb', currency: 'EUR', duckdb: {}, import: { maxProblems: 20 } });
  });

  it('names the faulty setting', () => {
    expect(() => parseConfig({ currency: 'euro' })).toThrow(/currency: an ISO 4217 code/);
    expect(() => parseConfig({ curency: 'EUR' })).toThrow(/curency/);
    expect(() => parseConfig({ duckdb: { memoryLimit: 'lots' } })).toThrow(/duckdb.memoryLimit: a size such as 4GB/);
  });
});
