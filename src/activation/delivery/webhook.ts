import { createHash, createHmac } from 'node:crypto';
import type { DeliveryConfig } from '../../config/delivery-config.js';
import { sql, type Engine } from '../../store/index.js';
import type { DeliveryClock } from './clock.js';

type WebhookConfig = DeliveryConfig['webhook'];

const SIGNATURE_HEADER = 'x-fidelis-signature';
const TIMESTAMP_HEADER = 'x-fidelis-timestamp';
const IDEMPOTENCY_HEADER = 'idempotency-key';

/**
 * A batch's id, which is also its Idempotency-Key: a digest of its contact ids, so the same
 * contacts make the same key whether it is a retry, a replay after a crash, or a batch put
 * together again from the same planned contacts.
 */
export function batchId(contactIds: readonly string[]): string {
  const digest = createHash('sha256').update([...contactIds].sort().join('\n')).digest('hex');
  return `fidelis-batch-${digest.slice(0, 32)}`;
}

/**
 * `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the Stripe scheme. The timestamp is
 * signed with the body so a captured request cannot be replayed later under a fresh timestamp;
 * a receiver rejects timestamps older than a few minutes (docs/activation.md shows how to verify).
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Wait before retry `attempt` (1 = the first retry): exponential, capped, then "equal jitter"
 * (half the delay kept, the other half random) so that many senders retrying together spread out
 * while each still backs off (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015).
 */
export function retryDelay(config: WebhookConfig, attempt: number, random: number): number {
  const capped = Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(capped / 2 + (random * capped) / 2);
}

export type PostOutcome =
  | { readonly ok: true; readonly attempts: number; readonly delays: readonly number[] }
  | { readonly ok: false; readonly attempts: number; readonly delays: readonly number[]; readonly reason: string };

/** 4xx answers other than these say the request itself is wrong: retrying the same bytes cannot help. */
const RETRYABLE_CLIENT_ERRORS = new Set([408, 409, 425, 429]);

/** POSTs one batch until a 2xx, a refusal no retry can fix, or maxAttempts failures. */
export async function postBatch(
  config: WebhookConfig & { readonly url: string },
  secret: string,
  batch: { readonly id: string; readonly body: string },
  clock: DeliveryClock,
): Promise<PostOutcome> {
  const delays: number[] = [];
  let reason = '';
  for (let attempt = 1; attempt <= config.maxAttempts; attempt++) {
    const timestamp = Math.floor(clock.now().getTime() / 1000);
    try {
      const response = await fetch(config.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [IDEMPOTENCY_HEADER]: batch.id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: webhookSignature(secret, timestamp, batch.body),
          'user-agent': 'Fidelis-Delivery/1',
        },
        body: batch.body,
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      const answer = (await response.text().catch(() => '')).slice(0, 200).replace(/\s+/g, ' ').trim();
      if (response.ok) return { ok: true, attempts: attempt, delays };
      reason = `HTTP ${response.status}${answer ? `: ${answer}` : ''}`;
      if (response.status >= 400 && response.status < 500 && !RETRYABLE_CLIENT_ERRORS.has(response.status)) {
        return { ok: false, attempts: attempt, delays, reason };
      }
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      reason = `${error instanceof Error ? error.message : String(error)}${cause}`;
    }
    if (attempt < config.maxAttempts) {
      const delay = retryDelay(config, attempt, clock.random());
      delays.push(delay);
      await clock.sleep(delay);
    }
  }
  return { ok: false, attempts: config.maxAttempts, delays, reason };
}

/** The URL as the dead letters and the audit log keep it: no query string, which may hold a token. */
export const safeUrl = (url: string): string => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};

export async function writeDeadLetter(
  engine: Engine,
  letter: { readonly batchId: string; readonly url: string; readonly contactIds: readonly string[]; readonly attempts: number; readonly reason: string },
  at: Date,
): Promise<void> {
  await engine.exec(sql`DELETE FROM delivery_dead_letters WHERE batch_id = ${letter.batchId}`);
  await engine.exec(sql`INSERT INTO delivery_dead_letters (batch_id, destination, contact_ids, contacts, attempts, reason, failed_at)
    VALUES (${letter.batchId}, ${safeUrl(letter.url)}, ${JSON.stringify(letter.contactIds)}, ${letter.contactIds.length}, ${letter.attempts}, ${letter.reason}, ${at})`);
}
