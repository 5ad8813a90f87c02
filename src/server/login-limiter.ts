import { isIPv6 } from 'node:net';
import type { Engine } from '../store/index.js';
import { sql } from '../store/index.js';

export interface LoginLimits {
  /** Failures of one user name from one address before each further try must wait. */
  readonly failuresBeforeDelay: number;
  /** Failures from one address, all names together, before each further try must wait. */
  readonly addressFailuresBeforeDelay: number;
  /** The first wait; it doubles with each further failure... */
  readonly firstDelaySeconds: number;
  /** ...up to this. */
  readonly maxDelaySeconds: number;
  /** A count with no failure for this long is forgotten. */
  readonly forgetAfterHours: number;
}

interface Failures {
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

/** The answer to "may this login be tried now?": 0 when it may, else seconds to wait. */
export interface LoginGate {
  readonly retryAfter: number;
  /** Why the login must wait: failures counted, or another attempt still being checked. */
  readonly reason: 'failures' | 'busy' | null;
  /** Call once the attempt is over (whatever its outcome), when retryAfter was 0. */
  readonly release: () => void;
}

/**
 * Logins tried at once: one per (name, address) pair and a few per address, so that a burst of
 * parallel guesses cannot all pass the check before the first failure is counted (each attempt
 * also costs 32 MB of scrypt memory, so an address may not start many at a time either).
 */
const IN_FLIGHT_PER_PAIR = 1;
const IN_FLIGHT_PER_ADDRESS = 4;

/** The address a count is kept under: IPv4 as it is (also when IPv4-mapped), IPv6 by its /64 (one host usually holds a whole /64). */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  const bare = address.split('%')[0] ?? address;
  if (!isIPv6(bare)) return address;
  const [head = '', tail] = bare.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * Failed logins counted per (user name, address) and per address, with waits that double: the
 * right password from another address still logs in while a name is being guessed from one, so
 * nobody can lock a user out by failing his name. Counts are kept in `login_failures` (written
 * through, read from memory: one server process owns the database) and survive a restart.
 */
export class LoginLimiter {
  private readonly counts = new Map<string, Failures>();
  private readonly inFlight = new Map<string, number>();
  private loaded: Promise<void> | undefined;
  private lastPrune = 0;

  constructor(
    private readonly engine: Engine,
    private readonly limits: LoginLimits,
  ) {}

  private get forgetMs(): number {
    return this.limits.forgetAfterHours * 3_600_000;
  }

  private load(now: number): Promise<void> {
    this.loaded ??= (async () => {
      const since = new Date(now - this.forgetMs);
      const rows = await this.engine.query<{ address: string; user_name: string; failures: number; last_failure_at: Date; blocked_until: Date | null }>(
        sql`SELECT address, user_name, failures, last_failure_at, blocked_until FROM ${this.engine.dialect.latest('login_failures')} AS failures WHERE last_failure_at > ${since}`,
      );
      for (const r of rows) {
        this.counts.set(key(r.address, r.user_name), {
          failures: Number(r.failures),
          lastFailureAt: new Date(r.last_failure_at).getTime(),
          blockedUntil: r.blocked_until ? new Date(r.blocked_until).getTime() : 0,
        });
      }
    })();
    return this.loaded;
  }

  private live(k: string, now: number): Failures | undefined {
    const entry = this.counts.get(k);
    if (entry && now - entry.lastFailureAt >= this.forgetMs) {
      this.counts.delete(k);
      return undefined;
    }
    return entry;
  }

  /**
   * Whether a login for this name from this address may be tried now: the wait left on the pair
   * or the address (429 then), or a gate to release once the attempt is over.
   */
  async admit(user: string, address: string, now = Date.now()): Promise<LoginGate> {
    await this.load(now);
    const addr = addressKey(address);
    const pair = key(addr, user.toLowerCase());
    const all = key(addr, '');
    let wait = 0;
    for (const k of [pair, all]) {
      const entry = this.live(k, now);
      if (entry && entry.blockedUntil > now) wait = Math.max(wait, Math.ceil((entry.blockedUntil - now) / 1000));
    }
    if (wait > 0) return { retryAfter: wait, reason: 'failures', release: () => undefined };
    if ((this.inFlight.get(pair) ?? 0) >= IN_FLIGHT_PER_PAIR || (this.inFlight.get(all) ?? 0) >= IN_FLIGHT_PER_ADDRESS) {
      return { retryAfter: 1, reason: 'busy', release: () => undefined };
    }
    for (const k of [pair, all]) this.inFlight.set(k, (this.inFlight.get(k) ?? 0) + 1);
    let released = false;
    return {
      retryAfter: 0,
      reason: null,
      release: () => {
        if (released) return;
        released = true;
        for (const k of [pair, all]) {
          const n = (this.inFlight.get(k) ?? 1) - 1;
          if (n <= 0) this.inFlight.delete(k);
          else this.inFlight.set(k, n);
        }
      },
    };
  }

  /** Counts a failure; answers the seconds the next try of this name from this address must wait (0: none). */
  async fail(user: string, address: string, now = Date.now()): Promise<number> {
    await this.load(now);
    const addr = addressKey(address);
    const updates: [string, string, Failures][] = [];
    for (const [name, threshold] of [[user.toLowerCase(), this.limits.failuresBeforeDelay], ['', this.limits.addressFailuresBeforeDelay]] as const) {
      const k = key(addr, name);
      const entry = this.live(k, now) ?? { failures: 0, lastFailureAt: now, blockedUntil: 0 };
      entry.failures += 1;
      entry.lastFailureAt = now;
      if (entry.failures >= threshold) entry.blockedUntil = now + this.delaySeconds(entry.failures - threshold) * 1000;
      this.counts.set(k, entry);
      updates.push([addr, name, entry]);
    }
    const since = new Date(now - this.forgetMs);
    const prune = now - this.lastPrune > 60_000;
    if (prune) this.lastPrune = now;
    await this.engine.transaction(async (tx) => {
      for (const [a, name, entry] of updates) {
        for (const statement of tx.dialect.replacedRows('login_failures', sql`address = ${a} AND user_name = ${name}`)) await tx.exec(statement);
        await tx.exec(sql`INSERT INTO login_failures VALUES (${a}, ${name}, ${entry.failures}, ${new Date(entry.lastFailureAt)},
          ${entry.blockedUntil > 0 ? new Date(entry.blockedUntil) : null})`);
      }
      // Old counts go at most once a minute: a failure costs a password hash already, not a table scan too.
      if (prune) for (const statement of tx.dialect.deleteRows('login_failures', sql`last_failure_at <= ${since}`)) await tx.exec(statement);
    });
    if (prune) for (const k of [...this.counts.keys()]) this.live(k, now);
    return Math.max(0, ...updates.map(([, , e]) => Math.ceil((e.blockedUntil - now) / 1000)));
  }

  /** A good password clears the pair's count; the address's stays (one valid account must not reset a guesser's). */
  async succeed(user: string, address: string, now = Date.now()): Promise<void> {
    await this.load(now);
    const addr = addressKey(address);
    const name = user.toLowerCase();
    if (!this.counts.delete(key(addr, name))) return;
    for (const statement of this.engine.dialect.deleteRows('login_failures', sql`address = ${addr} AND user_name = ${name}`)) await this.engine.exec(statement);
  }

  /** The wait after the `extra`-th failure past the threshold (0 for the one that reaches it): doubling, capped. */
  delaySeconds(extra: number): number {
    return Math.min(this.limits.maxDelaySeconds, this.limits.firstDelaySeconds * 2 ** Math.min(extra, 40));
  }
}

const key = (address: string, user: string): string => `${address}\n${user}`;
