import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import type { EventCollector, Message } from '../../collect/events/index.js';
import type { AppEnv } from '../types.js';
import { logStep } from './log.js';
import { collectRequest } from './request.js';

describe('the log step', () => {
  it('appends one line per accepted message, with the key, the receipt and the sentAt that applies', async () => {
    const lines: string[] = [];
    const collector = { acceptLines: (more: string[]) => Promise.resolve(void lines.push(...more)) } as unknown as EventCollector;
    const state = { ...collectRequest({} as Context<AppEnv>, 'batch'), key: { keyId: 'k1', name: null, scope: 'write' as const, createdAt: new Date(), revokedAt: null }, batchSentAt: '2026-01-01T10:00:00Z' };
    const own = { type: 'track', userId: 'u', event: 'e', messageId: 'm1', sentAt: '2026-01-01T09:00:00Z' } as Message;
    const unnamed = { type: 'page', userId: 'u' } as Message;
    state.accepted = [own, unnamed].map((message, index) => ({ index, raw: message, message }));
    state.json = state.accepted.map(({ message }) => JSON.stringify(message));
    expect((await logStep({ collector }).run(state)).kind).toBe('ok');
    expect(state.logged).toBe(2);
    const [first, second] = lines.map((l) => JSON.parse(l) as { id: string; keyId: string; sentAt: string; receivedAt: string; message: Message });
    expect(first).toMatchObject({ id: 'm1', keyId: 'k1', sentAt: '2026-01-01T09:00:00.000Z', receivedAt: state.receivedAt.toISOString(), message: own });
    expect(second).toMatchObject({ keyId: 'k1', sentAt: '2026-01-01T10:00:00.000Z', message: unnamed });
    expect(second?.id).toMatch(/^srv-/);
  });
});
