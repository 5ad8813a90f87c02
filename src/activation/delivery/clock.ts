import { setTimeout as wait } from 'node:timers/promises';

/**
 * Time and chance as the senders see them: injected so that retries, backoff and jitter are
 * exact in tests (a test clock records the waits instead of waiting) and real in production.
 */
export interface DeliveryClock {
  now(): Date;
  /** Waits before a retry. */
  sleep(ms: number): Promise<void>;
  /** Uniform in [0, 1): the jitter. */
  random(): number;
}

export const systemClock: DeliveryClock = {
  now: () => new Date(),
  sleep: (ms) => wait(ms),
  random: () => Math.random(),
};
