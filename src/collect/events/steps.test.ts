import { describe, expect, it } from 'vitest';
import { deadLetter, drop, ok, runSteps, type Step } from './steps.js';

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
});
