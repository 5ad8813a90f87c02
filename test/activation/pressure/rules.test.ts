import { afterEach, describe, expect, test } from 'vitest';
import { contactAllowance } from '../../../src/activation/pressure/index.js';
import { ConfigError } from '../../../src/errors.js';
import { world, type World } from './world.js';

const asOf = new Date('2026-03-10T12:00:00Z');
const DAY = 86_400_000;
const at = (days: number, ms = 0): Date => new Date(asOf.getTime() + days * DAY + ms);

interface Verdict {
  used: number;
  cap: number | null;
  remaining: number;
  blocked_reason: string | null;
  params: Record<string, unknown>;
}

let current: World | null = null;
afterEach(async () => {
  await current?.close();
  current = null;
});

async function verdicts(w: World): Promise<Map<string, Verdict>> {
  await contactAllowance(w.engine, w.config, { asOf });
  const rows = await w.engine.query<{ person_id: string; channel: string; used: number; cap: number | null; remaining: number; blocked_reason: string | null; reason_params: string }>(
    'SELECT * FROM contact_allowance',
  );
  return new Map(rows.map((r) => [`${r.person_id}:${r.channel}`, { used: Number(r.used), cap: r.cap === null ? null : Number(r.cap), remaining: Number(r.remaining), blocked_reason: r.blocked_reason, params: JSON.parse(r.reason_params) as Record<string, unknown> }]));
}

async function make(...args: Parameters<typeof world>): Promise<World> {
  current = await world(...args);
  return current;
}

describe('caps per rolling window', () => {
  test('a contact exactly one window before asOf no longer counts; one a second later does', async () => {
    const w = await make([{ id: 'A' }, { id: 'B' }]);
    await w.contact('A', 'email', at(-7));
    await w.contact('A', 'email', at(-7, 1000));
    await w.contact('A', 'email', asOf);
    await w.contact('B', 'email', at(-7));
    await w.contact('B', 'email', at(-7));
    await w.contact('B', 'email', at(-1));
    const v = await verdicts(w);
    expect(v.get('A:email')).toMatchObject({ used: 2, cap: 2, remaining: 0, blocked_reason: 'pressure.capped' });
    expect(v.get('B:email')).toMatchObject({ used: 1, cap: 2, remaining: 1, blocked_reason: null });
  });

  test('a contact planned exactly one window after asOf does not count; one a second earlier does', async () => {
    const w = await make([{ id: 'A' }, { id: 'B' }]);
    await w.contact('A', 'sms', at(7), 'planned');
    await w.contact('B', 'sms', at(7, -1000), 'planned');
    const v = await verdicts(w);
    expect(v.get('A:sms')).toMatchObject({ used: 0, remaining: 1 });
    expect(v.get('B:sms')).toMatchObject({ used: 1, remaining: 0, blocked_reason: 'pressure.capped' });
    expect(v.get('B:sms')?.params).toMatchObject({ past: 0, planned: 1, days: 7 });
  });

  test('several windows on one channel: the one leaving the fewest contacts binds', async () => {
    const w = await make([{ id: 'A' }], { caps: { email: [{ max: 2, days: 7 }, { max: 3, days: 30 }] } });
    await w.contact('A', 'email', at(-20));
    await w.contact('A', 'email', at(-15));
    await w.contact('A', 'email', at(-1));
    const v = await verdicts(w);
    expect(v.get('A:email')).toMatchObject({ used: 3, cap: 3, remaining: 0, blocked_reason: 'pressure.capped' });
    expect(v.get('A:email')?.params).toMatchObject({ scope: 'email', days: 30 });
  });

  test('the overall cap binds across channels, each under its own cap', async () => {
    const w = await make([{ id: 'A' }]);
    await w.contact('A', 'email', at(-25));
    await w.contact('A', 'sms', at(-20));
    await w.contact('A', 'mail', at(-10));
    await w.contact('A', 'phone', at(-29));
    const v = await verdicts(w);
    expect(v.get('A:all')).toMatchObject({ used: 4, cap: 4, remaining: 0, blocked_reason: 'pressure.capped_all' });
    expect(v.get('A:push')).toMatchObject({ used: 4, cap: 4, remaining: 0, blocked_reason: 'pressure.capped_all' });
    expect(v.get('A:email')?.blocked_reason).toBe('pressure.capped_all');
  });

  test('a channel allows no more than the overall cap leaves', async () => {
    const w = await make([{ id: 'A' }]);
    await w.contact('A', 'sms', at(-20));
    await w.contact('A', 'mail', at(-10));
    await w.contact('A', 'phone', at(-29));
    const v = await verdicts(w);
    expect(v.get('A:email')).toMatchObject({ remaining: 1, blocked_reason: null });
    expect(v.get('A:email')?.params).toMatchObject({ scope: 'all' });
    expect(v.get('A:push')).toMatchObject({ remaining: 1 });
  });

  test('planned and sent contacts count, cancelled ones never, and a sent one after asOf is not yet history', async () => {
    const w = await make([{ id: 'A' }, { id: 'B' }, { id: 'C' }]);
    await w.contact('A', 'email', at(1), 'planned');
    await w.contact('A', 'email', at(-1), 'planned');
    await w.contact('B', 'email', at(-1), 'cancelled');
    await w.contact('B', 'email', at(1), 'cancelled');
    await w.contact('B', 'email', at(-2), 'sent');
    await w.contact('C', 'email', at(2), 'sent');
    const v = await verdicts(w);
    expect(v.get('A:email')).toMatchObject({ used: 2, remaining: 0, blocked_reason: 'pressure.capped' });
    expect(v.get('B:email')).toMatchObject({ used: 1, remaining: 1 });
    expect(v.get('C:email')).toMatchObject({ used: 0, remaining: 2 });
  });
});

describe('cool-downs', () => {
  test('a complaint blocks every channel for the cool-down, then no more; other ticket types never', async () => {
    const w = await make([{ id: 'A' }, { id: 'B' }, { id: 'C' }]);
    await w.ticket('A', 'complaint', at(-10), at(-9));
    await w.ticket('B', 'complaint', at(-30), at(-29));
    await w.ticket('C', 'delivery', at(-1), null);
    const v = await verdicts(w);
    for (const channel of ['email', 'sms', 'mail', 'phone', 'push', 'all']) {
      expect(v.get(`A:${channel}`)).toMatchObject({ remaining: 0, blocked_reason: 'pressure.cooldown_complaint' });
    }
    expect(v.get('A:email')?.params.since).toMatch(/^2026-02-28/);
    expect(v.get('B:email')).toMatchObject({ remaining: 2, blocked_reason: null });
    expect(v.get('C:email')).toMatchObject({ remaining: 2, blocked_reason: null });
  });

  test('an unsubscribe (response or consent opt-out) blocks every channel for its cool-down', async () => {
    const w = await make([{ id: 'A' }, { id: 'B' }, { id: 'C' }]);
    const k = await w.contact('A', 'email', at(-20));
    await w.response(k, 'unsubscribed', at(-3));
    await w.consentEvent('B', 'sms', 'opt_out', at(-13));
    await w.consentEvent('C', 'sms', 'opt_out', at(-14));
    const v = await verdicts(w);
    expect(v.get('A:push')).toMatchObject({ remaining: 0, blocked_reason: 'pressure.cooldown_unsubscribe' });
    expect(v.get('B:email')).toMatchObject({ remaining: 0, blocked_reason: 'pressure.cooldown_unsubscribe' });
    expect(v.get('C:email')).toMatchObject({ remaining: 2, blocked_reason: null });
  });
});

describe('exclusions, tiers and consent', () => {
  test('listed persons, persons matching a rule and persons with an open complaint are excluded', async () => {
    const w = await make([{ id: 'A' }, { id: 'B', tier: 'CPP' }, { id: 'C' }, { id: 'D' }, { id: 'E' }], {
      exclusions: { persons: ['A'], rules: [{ field: 'value_tier', in: ['CPP'] }] },
    });
    await w.ticket('C', 'complaint', at(-100), null);
    await w.ticket('D', 'complaint', at(-100), at(-50));
    await w.ticket('E', 'complaint', at(-100), at(5));
    const v = await verdicts(w);
    expect(v.get('A:email')?.blocked_reason).toBe('pressure.excluded_person');
    expect(v.get('B:all')?.blocked_reason).toBe('pressure.excluded_rule');
    expect(v.get('C:sms')).toMatchObject({ remaining: 0, blocked_reason: 'pressure.excluded_open_complaint' });
    expect(v.get('D:sms')).toMatchObject({ remaining: 1, blocked_reason: null });
    expect(v.get('E:sms')?.blocked_reason).toBe('pressure.excluded_open_complaint');
  });

  test('a numeric exclusion rule reads the class column as a number', async () => {
    const w = await make([{ id: 'A' }], { exclusions: { rules: [{ field: 'clv', max: 100 }] } });
    expect((await verdicts(w)).get('A:email')?.blocked_reason).toBe('pressure.excluded_rule');
    w.setPolicy({ exclusions: { rules: [{ field: 'clv', min: 100.5 }] } });
    expect((await verdicts(w)).get('A:email')?.blocked_reason).toBeNull();
  });

  test('an exclusion rule on a column customer_classes lacks is refused, naming it', async () => {
    const w = await make([{ id: 'A' }], { exclusions: { rules: [{ field: 'no_such', in: ['x'] }] } });
    await expect(contactAllowance(w.engine, w.config, { asOf })).rejects.toThrow(ConfigError);
    await expect(contactAllowance(w.engine, w.config, { asOf })).rejects.toThrow(/exclusions\.rules\.0\.field: customer_classes has no column no_such/);
  });

  test('CNR gets no marketing contact, CPP one more on every cap, a person without tier the default', async () => {
    const w = await make([{ id: 'N', tier: 'CNR' }, { id: 'P', tier: 'CPP' }, { id: 'M', tier: 'CCM' }, { id: 'X', tier: null }], {
      tiers: { default: { extraContacts: 2 } },
    });
    const v = await verdicts(w);
    expect(v.get('N:email')).toMatchObject({ remaining: 0, blocked_reason: 'pressure.tier_transactional_only' });
    expect(v.get('N:all')?.params.tier).toBe('CNR');
    expect(v.get('P:email')).toMatchObject({ cap: 3, remaining: 3 });
    expect(v.get('P:all')).toMatchObject({ cap: 5, remaining: 5 });
    expect(v.get('M:email')).toMatchObject({ cap: 2, remaining: 2 });
    expect(v.get('X:email')).toMatchObject({ cap: 4, remaining: 4 });
  });

  test('no consent on a channel leaves nothing on it; no consent anywhere leaves nothing overall', async () => {
    const w = await make([{ id: 'A', optIn: ['sms'] }, { id: 'B', optIn: [] }]);
    const v = await verdicts(w);
    expect(v.get('A:email')).toMatchObject({ remaining: 0, blocked_reason: 'pressure.no_consent' });
    expect(v.get('A:sms')).toMatchObject({ remaining: 1, blocked_reason: null });
    expect(v.get('A:all')).toMatchObject({ remaining: 4, blocked_reason: null });
    expect(v.get('B:all')).toMatchObject({ remaining: 0, blocked_reason: 'pressure.no_consent' });
  });

  test('every person gets one row per channel and overall, written to the named table', async () => {
    const w = await make([{ id: 'A' }, { id: 'B' }]);
    await contactAllowance(w.engine, w.config, { asOf, table: 'allowance_copy' });
    const rows = await w.engine.query<{ n: number; persons: number }>('SELECT count(*) AS n, count(DISTINCT person_id) AS persons FROM allowance_copy');
    expect(rows[0]).toEqual({ n: 12, persons: 2 });
  });
});
