import { describe, expect, it } from 'vitest';
import { checkMessage } from '../../src/collect/events/index.js';

describe('message validation', () => {
  it('gives back the message as received, unknown fields included, with ids and event names as validated', () => {
    const received = {
      type: 'track',
      event: '  Order Completed ',
      userId: 42,
      anonymousId: ' a1 ',
      messageId: 'm1',
      properties: { order_id: 'o1', nested: { deep: [1, 2] } },
      context: { library: { name: 'x' } },
      _metadata: { bundled: ['Segment.io'] },
      version: 2,
    };
    const checked = checkMessage(received, 0);
    expect(checked).toEqual({
      ok: true,
      message: { ...received, event: 'Order Completed', userId: '42', anonymousId: 'a1' },
    });
    // Free-form objects pass as they are, without a copy.
    if (checked.ok) expect((checked.message as { properties?: unknown }).properties).toBe(received.properties);
  });

  it('names the field of a free-form object that is not an object', () => {
    expect(checkMessage({ type: 'track', event: 'x', userId: 'u', properties: [1, 2] }, 3)).toEqual({
      ok: false,
      problem: { index: 3, field: 'properties', reason: 'expected a JSON object' },
    });
  });
});
