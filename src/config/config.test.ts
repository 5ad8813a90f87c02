import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';

describe('configuration', () => {
  it('names every cell of the default 5 x 5 recency x frequency grid', () => {
    const { segments } = parseConfig({}).value.rfm;
    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) {
        const match = segments.find((s) => r >= s.r[0] && r <= s.r[1] && f >= s.f[0] && f <= s.f[1]);
        expect(match, `R${r} F${f}`).toBeDefined();
      }
    }
  });

  it('has a documented default for everything', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ db: './fidelis.duckdb', currency: 'EUR', duckdb: {}, import: { maxProblems: 20 } });
    expect(config.value.rfm.bins).toBe(5);
    expect(config.value.costs.contactByChannel.email).toBe(0.002);
  });

  it('names the faulty setting', () => {
    expect(() => parseConfig({ currency: 'euro' })).toThrow(/currency: an ISO 4217 code/);
    expect(() => parseConfig({ curency: 'EUR' })).toThrow(/curency/);
    expect(() => parseConfig({ duckdb: { memoryLimit: 'lots' } })).toThrow(/duckdb.memoryLimit: a size such as 4GB/);
  });
});
