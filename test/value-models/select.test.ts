import { describe, expect, it } from 'vitest';
import { compareHoldout, compressSummary, conditionalExpectedTransactions } from '../../src/value/models/index.js';
import { totalLogInterPurchaseTimes } from '../../src/value/models/mbg-cnbd-k.js';
import {
  COMPARABLE_BIC_DIFFERENCE,
  COMPARABLE_HOLDOUT_ERROR_RATIO,
  decide,
  selectModel,
  type FittedModel,
} from '../../src/value/models/select.js';
import { regularBuyers } from './regular-buyers.js';

describe('choosing the transaction model', () => {
  it('keeps the lowest score, unless BG/NBD wins by less than the comparable margin over a model without its P(alive) flaw', () => {
    const scores = (bg: number, pareto: number, mbg: number) => [
      { name: 'bgnbd' as const, score: bg },
      { name: 'paretonbd' as const, score: pareto },
      { name: 'mbgnbd' as const, score: mbg },
    ];
    expect(decide(scores(3, 2, 4), 'bic')).toEqual({ name: 'paretonbd', reason: 'lowest_bic' });
    expect(decide(scores(100, 100 + COMPARABLE_BIC_DIFFERENCE, 120), 'bic')).toEqual({ name: 'paretonbd', reason: 'comparable_without_alive_flaw' });
    expect(decide(scores(100, 100 + COMPARABLE_BIC_DIFFERENCE + 0.1, 130), 'bic')).toEqual({ name: 'bgnbd', reason: 'lowest_bic' });
    expect(decide(scores(0.5, 0.6, 0.5 * COMPARABLE_HOLDOUT_ERROR_RATIO), 'holdout')).toEqual({ name: 'mbgnbd', reason: 'comparable_without_alive_flaw' });
    expect(decide(scores(0.5, 0.6, 0.5 * COMPARABLE_HOLDOUT_ERROR_RATIO + 1e-6), 'holdout')).toEqual({ name: 'bgnbd', reason: 'lowest_holdout_error' });
    expect(decide([{ name: 'bgnbd', score: 1 }], 'bic')).toEqual({ name: 'bgnbd', reason: 'lowest_bic' });
  });

  it('on simulated regular buyers, auto picks MBG/CNBD-k of the true k, with a lower holdout error than BG/NBD', () => {
    const data = regularBuyers({ k: 4, r: 3, alpha: 3, a: 1, b: 8 }, { customers: 8000, holdout: 26, seed: 73 });
    const summary = { x: data.x, tx: data.tx, T: data.T };
    const holdoutError = (fitted: FittedModel): number =>
      compareHoldout(data.x, conditionalExpectedTransactions(fitted.model, fitted.params, data.holdoutLength, summary), data.holdout).meanAbsoluteError;
    const selection = selectModel('auto', compressSummary(summary), { sumLitt: totalLogInterPurchaseTimes(data), holdoutError });
    expect(selection).toMatchObject({ basis: 'holdout', reason: 'lowest_holdout_error' });
    expect(selection.chosen.name).toBe('mbgcnbd');
    expect(selection.chosen.params.k).toBe(4);
    const error = Object.fromEntries(selection.candidates.map((c) => [c.name, c.holdoutError ?? NaN]));
    expect(Object.keys(error)).toEqual(['bgnbd', 'paretonbd', 'mbgnbd', 'mbgcnbd']);
    expect(error.mbgcnbd).toBeLessThan(error.bgnbd ?? 0);
    expect(error.mbgcnbd).toBeLessThan(Math.min(error.paretonbd ?? 0, error.mbgnbd ?? 0));
    // Without a holdout the choice rests on BIC, and the likelihood sees the regularity too.
    expect(decide(selection.candidates.map((c) => ({ name: c.name, score: c.bic ?? Infinity })), 'bic')).toEqual({ name: 'mbgcnbd', reason: 'lowest_bic' });
  });

  it('leaves MBG/CNBD-k out without litt and refuses it when asked for by name', () => {
    const data = regularBuyers({ k: 2, r: 2, alpha: 2, a: 1, b: 6 }, { customers: 1500, holdout: 10, seed: 5 });
    const summary = compressSummary({ x: data.x, tx: data.tx, T: data.T });
    const selection = selectModel('auto', summary, { sumLitt: null });
    expect(selection.candidates.map((c) => c.name)).toEqual(['bgnbd', 'paretonbd', 'mbgnbd']);
    expect(() => selectModel('mbgcnbd', summary, { sumLitt: null })).toThrow(/needs the purchase dates/);
  });
});
