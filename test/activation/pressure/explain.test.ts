import { afterEach, expect, test } from 'vitest';
import { explainPressure } from '../../../src/activation/pressure/index.js';
import { NotFoundError } from '../../../src/errors.js';
import { world, type World } from './world.js';

const asOf = new Date('2026-03-10T12:00:00Z');
const DAY = 86_400_000;
const at = (days: number): Date => new Date(asOf.getTime() + days * DAY);

let w: World | null = null;
afterEach(async () => {
  await w?.close();
  w = null;
});

test('a capped channel, an allowance and a missing consent are said in English and French', async () => {
  w = await world([{ id: 'A', optIn: ['email', 'sms', 'mail', 'phone'] }]);
  await w.contact('A', 'email', at(-2));
  await w.contact('A', 'email', at(-5));
  await w.contact('A', 'sms', at(1), 'planned');
  const e = await explainPressure(w.engine, w.config, 'A', asOf);
  const by = new Map(e.verdicts.map((v) => [v.channel, v]));
  expect(e.verdicts.map((v) => v.channel)).toEqual(['email', 'sms', 'mail', 'phone', 'push', 'all']);
  expect(by.get('email')?.text).toEqual({ en: 'capped: 2 emails in the last 7 days', fr: 'plafond atteint : 2 e-mails dans les 7 derniers jours' });
  expect(by.get('sms')?.text).toEqual({
    en: 'capped: 0 SMS in the last 7 days and 1 planned in the next 7 days',
    fr: 'plafond atteint : 0 SMS dans les 7 derniers jours et 1 prévu dans les 7 prochains jours',
  });
  expect(by.get('mail')?.text).toEqual({
    en: 'allowed: 1 more contact (2 of 4 in the last 30 days and 1 planned in the next 30 days)',
    fr: 'autorisé : encore 1 contact (2 sur 4 dans les 30 derniers jours et 1 prévu dans les 30 prochains jours)',
  });
  expect(by.get('push')?.text).toEqual({ en: 'no consent for the push channel', fr: 'aucun consentement pour le canal push' });
});

test('a cool-down says since when and until when, in both languages', async () => {
  w = await world([{ id: 'A' }, { id: 'N', tier: 'CNR' }]);
  await w.ticket('A', 'complaint', new Date('2026-03-01T09:00:00Z'), new Date('2026-03-02T09:00:00Z'));
  const e = await explainPressure(w.engine, w.config, 'A', asOf);
  expect(e.verdicts[0]?.text).toEqual({
    en: 'cooling down after a complaint on 1 March 2026: no marketing contact until 31 March 2026 (30 days)',
    fr: 'pause après une réclamation le 1 mars 2026 : aucun contact marketing avant le 31 mars 2026 (30 jours)',
  });
  const n = await explainPressure(w.engine, w.config, 'N', asOf);
  expect(n.verdicts[5]?.text.fr).toBe('segment de valeur CNR : contacts transactionnels uniquement, aucun contact marketing');
});

test('an unknown person is a not-found error naming him', async () => {
  w = await world([{ id: 'A' }]);
  await expect(explainPressure(w.engine, w.config, 'ZZ', asOf)).rejects.toThrow(NotFoundError);
  await expect(explainPressure(w.engine, w.config, 'ZZ', asOf)).rejects.toThrow(/No person ZZ/);
});
