import { describe, expect, it } from 'vitest';
import { sql } from '../store/index.js';
import { openStore } from '../schema/index.js';
import { identifierHashes, messageIdentifiers, suppressedMessageIds, suppressionForms, SUPPRESSED_REASON } from './suppression.js';

describe('suppression list', () => {
  it('hashes an identifier under forms a message can carry it in, whatever the configuration', () => {
    expect(suppressionForms('email', '  Ann.Lee@Example.COM ')).toEqual(['ann.lee@example.com']);
    expect(suppressionForms('phone', '+33 6 12 34 56 78')).toEqual(['+33612345678']);
    expect(suppressionForms('phone', '06.12.34.56.78')).toEqual(['0612345678']);
    expect(suppressionForms('card', '2900 1234-5678')).toEqual(['290012345678']);
    expect(suppressionForms('id', ' u-42 ')).toEqual(['u-42']);
    expect(identifierHashes('email', 'ANN.LEE@example.com')).toEqual(identifierHashes('email', 'ann.lee@example.com'));
    expect(identifierHashes('email', 'ann@example.com')[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(identifierHashes('id', 'x')).not.toEqual(identifierHashes('email', 'x'));
  });

  it('reads the identifiers a message names its person by', () => {
    expect(
      messageIdentifiers({
        type: 'identify',
        userId: 'ann@example.com',
        anonymousId: 'a-1',
        traits: { email: 'Ann@Example.com', phone: '0612345678', loyaltyCard: 'L1' },
        context: { traits: { accountId: 'acc-9' }, externalIds: [{ id: 'crm-1', type: 'external_id' }, { id: '+33612345678', type: 'phone' }] },
      }),
    ).toEqual([
      { kind: 'id', value: 'ann@example.com' },
      { kind: 'email', value: 'ann@example.com' },
      { kind: 'id', value: 'a-1' },
      { kind: 'email', value: 'Ann@Example.com' },
      { kind: 'phone', value: '0612345678' },
      { kind: 'card', value: 'L1' },
      { kind: 'id', value: 'acc-9' },
      { kind: 'id', value: 'crm-1' },
      { kind: 'phone', value: '+33612345678' },
    ]);
  });

  it('picks the messages of a chunk that name a suppressed identifier, with the reason', async () => {
    const engine = await openStore(':memory:');
    try {
      const events = [
        { messageId: 'm1', message: { type: 'track', userId: 'u-1', event: 'X' } },
        { messageId: 'm2', message: { type: 'identify', userId: 'u-2', traits: { email: ' GONE@example.com' } } },
        { messageId: 'm3', message: { type: 'page', anonymousId: 'a-gone' } },
      ];
      expect(await suppressedMessageIds(engine, events)).toEqual(new Map());
      const rows = [...identifierHashes('email', 'gone@example.com').map((h) => [h, 'email']), ...identifierHashes('id', 'a-gone').map((h) => [h, 'id'])];
      for (const [h, kind] of rows) await engine.exec(sql`INSERT INTO suppressed_identifiers VALUES (${h ?? ''}, ${kind ?? ''}, ${new Date()}, NULL)`);
      expect(await suppressedMessageIds(engine, events)).toEqual(new Map([['m2', SUPPRESSED_REASON], ['m3', SUPPRESSED_REASON]]));
    } finally {
      await engine.close();
    }
  });
});
