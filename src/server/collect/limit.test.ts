import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../collect/events/index.js';
import type { AppEnv } from '../types.js';
import { limitStep } from './limit.js';
import { collectRequest } from './request.js';

const step = limitStep({ limits: { messageBytes: 100, batchBytes: 1_000 } });

function accepted(text: string, messages: Message[], spans: [number, number][] | null) {
  const state = { ...collectRequest({} as Context<AppEnv>, 'batch'), text, spans };
  state.accepted = messages.map((message, index) => ({ index, raw: message, message }));
  return state;
}

describe('the limit step', () => {
  it('takes a message accepted as sent from its own characters, another from JSON.stringify', async () => {
    const text = '{"batch":[{"type":"track","userId":"u","event":"e"   }]}';
    const message = { type: 'track', userId: 'u', event: 'e' } as Message;
    const state = accepted(text, [message], [[10, 54]]);
    expect((await step.run(state)).kind).toBe('ok');
    expect(state.json).toEqual(['{"type":"track","userId":"u","event":"e"   }']);
    const changed = accepted(text, [message], [[10, 54]]);
    changed.accepted = [{ index: 0, raw: { ...message }, message }];
    await step.run(changed);
    expect(changed.json).toEqual([JSON.stringify(message)]);
  });

  it('refuses the request when one message is over the per-message limit, naming it', async () => {
    const big = { type: 'track', userId: 'u', event: 'e', messageId: 'm2', properties: { pad: 'é'.repeat(40) } } as Message;
    const small: Message = { type: 'track', userId: 'u', event: 'e' };
    const state = accepted('', [small, big], null);
    const outcome = await step.run(state);
    expect(outcome.kind).toBe('drop');
    expect(state.refusal).toMatchObject({ status: 400, code: 'message_too_large', details: { index: 1, messageId: 'm2', limit: 100 } });
  });
});
