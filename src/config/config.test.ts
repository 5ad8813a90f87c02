import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';

describe('configuration', () => {
  it('has a documented default for everything', () => {
    expect(parseConfig({})).toEqual({ db: './fidelis.duckdb', currency: 'EUR', import: { maxProblems: 20 } });
  });

  it('names the faulty setting', () => {
    expect(() => parseConfig({ currency: 'euro' })).toThrow(/currency: an ISO 4217 code/);
    expect(() => parseConfig({ curency: 'EUR' })).toThrow(/curency/);
  });
});
