import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql, type Engine } from '../store/index.js';
import { openStore } from '../schema/index.js';
import { addressKey, LoginLimiter, type LoginLimits } from './login-limiter.js';

const LIMITS: LoginLimits = { failuresBeforeDelay: 3, addressFailuresBeforeDelay: 10, firstDelaySeconds: 30, maxDelaySeconds: 600, forgetAfterHours: 24 };
const T0 = Date.UTC(2026, 0, 1, 12);

let engine: Engine;
beforeEach(async () => {
  engine = await openStore(':memory:');
});
afterEach(async () => {
  await engine.close();
});

async function waitFor(limiter: LoginLimiter, user: string, address: string, now: number): Promise<number> {
  const gate = await limiter.admit(user, address, now);
  gate.release();
  return gate.retryAfter;
}

describe('LoginLimiter', () => {
  it('lets a pair fail freely up to the threshold, then doubles the wait with each failure, up to the cap', async () => {
    const limiter = new LoginLimiter(engine, LIMITS);
    let now = T0;
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      expect(await waitFor(limiter, 'ana', '10.0.0.1', now)).toBe(0);
      waits.push(await limiter.fail('ana', '10.0.0.1', now));
      now += waits.at(-1)! * 1000;
    }
    expect(waits).toEqual([0, 0, 30, 60, 120, 240, 480, 600, 600]);
    // Within the wait even the right password is not tried; once it has passed, it is.
    expect(await waitFor(limiter, 'ana', '10.0.0.1', now - 1000)).toBe(1);
    expect(await waitFor(limiter, 'ana', '10.0.0.1', now)).toBe(0);
  });

  it("never holds up the name from another address, and a success clears the pair but not the address's count", async () => {
    const limiter = new LoginLimiter(engine, LIMITS);
    for (let i = 0; i < 5; i++) await limiter.fail('Ana', '10.0.0.1', T0);
    expect(await waitFor(limiter, 'ana', '10.0.0.1', T0)).toBeGreaterThan(0);
    expect(await waitFor(limiter, 'ana', '10.0.0.2', T0)).toBe(0);
    await limiter.succeed('ana', '10.0.0.2');
    await limiter.succeed('ana', '10.0.0.1');
    expect(await waitFor(limiter, 'ana', '10.0.0.1', T0)).toBe(0);
    const rows = await engine.query<{ user_name: string; failures: number }>(sql`SELECT user_name, failures FROM login_failures`);
    expect(rows.map((r) => ({ ...r, failures: Number(r.failures) }))).toEqual([{ user_name: '', failures: 5 }]);
  });

  it('makes an address that sprays many names wait, whatever name it tries next', async () => {
    const limiter = new LoginLimiter(engine, LIMITS);
    const waits: number[] = [];
    for (let i = 0; i < 11; i++) waits.push(await limiter.fail(`user${i}`, '10.0.0.9', T0));
    expect(waits).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 30, 60]);
    expect(await waitFor(limiter, 'ana', '10.0.0.9', T0)).toBe(60);
    expect(await waitFor(limiter, 'ana', '10.0.0.8', T0)).toBe(0);
  });

  it('lets one attempt per pair run at a time, so parallel guesses cannot outrun the count', async () => {
    const limiter = new LoginLimiter(engine, LIMITS);
    const first = await limiter.admit('ana', '10.0.0.1', T0);
    expect(first.retryAfter).toBe(0);
    expect(await limiter.admit('ana', '10.0.0.1', T0)).toMatchObject({ retryAfter: 1, reason: 'busy' });
    expect((await limiter.admit('rui', '10.0.0.1', T0)).retryAfter).toBe(0);
    first.release();
    first.release();
    expect(await waitFor(limiter, 'ana', '10.0.0.1', T0)).toBe(0);
  });

  it('reads the counts back from the table after a restart and forgets them after forgetAfterHours', async () => {
    const before = new LoginLimiter(engine, LIMITS);
    for (let i = 0; i < 4; i++) await before.fail('ana', '10.0.0.1', T0);
    const after = new LoginLimiter(engine, LIMITS);
    expect(await waitFor(after, 'ana', '10.0.0.1', T0 + 1000)).toBe(59);
    const dayLater = T0 + 24 * 3_600_000 + 1;
    expect(await waitFor(after, 'ana', '10.0.0.1', dayLater)).toBe(0);
    // The next failure a day later starts afresh and prunes the old rows.
    expect(await after.fail('rui', '10.0.0.2', dayLater)).toBe(0);
    const rows = await engine.query<{ address: string }>(sql`SELECT DISTINCT address FROM login_failures`);
    expect(rows).toEqual([{ address: '10.0.0.2' }]);
  });

  it('counts an IPv6 host by its /64 network and an IPv4-mapped address as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('unknown')).toBe('unknown');
  });
});
