import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../types.js';
import { collectRequest } from './request.js';
import { validateStep } from './validate.js';

const request = (messages: unknown[], walk = true) => ({ ...collectRequest({} as Context<AppEnv>, 'batch'), messages, walk });
const track = (messageId: string, extra: Record<string, unknown> = {}) => ({ type: 'track', userId: 'u1', event: 'Signed Up', messageId, ...extra });

describe('the validate step', () => {
  it('keeps the valid messages and names each refused one by index, messageId and field', async () => {
    const state = request([track('a'), track('b', { timestamp: '10000-01-01' }), track('c')]);
    const outcome = await validateStep.run(state);
    expect(outcome.kind).toBe('ok');
    expect(state.accepted.map((a) => a.index)).toEqual([0, 2]);
    expect(state.rejected).toEqual([{ index: 1, messageId: 'b', field: 'timestamp', reason: expect.stringMatching(/ISO 8601/) as string }]);
  });

  it('refuses the request when no message is valid, with every reason', async () => {
    const state = request([track('a', { properties: { price: JSON.parse('1e400') as number } }), 'not a message']);
    const outcome = await validateStep.run(state);
    expect(outcome).toMatchObject({ kind: 'drop', reason: expect.stringMatching(/^invalid_messages: no valid message: message 0 \(a\): properties.price/) as string });
    expect(state.refusal?.details).toEqual({ rejected: state.rejected });
    expect(state.rejected).toHaveLength(2);
  });

  it('walks the values only when parse asked for it', async () => {
    const deep = track('deep', { properties: { p: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) as unknown } });
    const walked = request([deep]);
    await validateStep.run(walked);
    expect(walked.rejected).toEqual([expect.objectContaining({ field: 'properties' })]);
    const trusted = request([deep], false);
    await validateStep.run(trusted);
    expect(trusted.accepted).toHaveLength(1);
  });
});
