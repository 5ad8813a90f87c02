import { describe, expect, it } from 'vitest';
import { deadLetter, drop, isolate, ok, runSteps, type Step } from './steps.js';

const add = (name: string, n: number): Step<number> => ({ name, run: (s) => ok(s + n) });

describe('runSteps', () => {
  it('passes each step what the previous one gave, in order', async () => {
    const seen: string[] = [];
    const result = await runSteps([add('one', 1), add('two', 2), add('ten', 10)], 0, (name) => seen.push(name));
    expect(result).toEqual({ kind: 'ok', value: 13 });
    expect(seen).toEqual(['one', 'two', 'ten']);
  });

  it('stops at the first step that drops or dead-letters, naming it and its reason', async () => {
    const never: Step<number> = { name: 'never', run: () => { throw new Error('must not run'); } };
    const dropped = await runSteps([add('one', 1), { name: 'dedupe', run: () => Promise.resolve(drop<number>('a replay')) }, never], 0);
    expect(dropped).toEqual({ kind: 'drop', step: 'dedupe', reason: 'a replay' });
    const set = await runSteps([{ name: 'map', run: () => deadLetter('price out of range') }, never], 0);
    expect(set).toEqual({ kind: 'dead-letter', step: 'map', reason: 'price out of range' });
  });

  it('isolates the items that fail alone by halves, each with its own step and reason', async () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const trials: number[] = [];
    const culprits = await isolate(items, { step: 'commit', reason: 'together' }, (part) => {
      trials.push(part.length);
      const bad = part.find((n) => n === 17 || n === 80);
      return Promise.resolve(bad === undefined ? null : { step: bad === 17 ? 'map' : 'commit', reason: `item ${bad}` });
    });
    expect(culprits).toEqual([
      { item: 17, step: 'map', reason: 'item 17' },
      { item: 80, step: 'commit', reason: 'item 80' },
    ]);
    // Two culprits in 100 items: far fewer trials than one per item.
    expect(trials.length).toBeLessThan(30);
  });

  it('finds no culprit when the items fail only together', async () => {
    const culprits = await isolate([1, 2, 3, 4], { step: 'commit', reason: 'together' }, (part) =>
      Promise.resolve(part.length === 4 ? { step: 'commit', reason: 'together' } : null),
    );
    expect(culprits).toEqual([]);
  });
});
