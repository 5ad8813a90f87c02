import type { Config } from '../../config/index.js';
import { ConfigError } from '../../errors.js';
import { markSent, recordAttempts, type AttemptRow, type PlannedContact } from './contacts.js';
import { senderRecord } from './fields.js';
import type { SendContext, Sender } from './sender.js';
import { batchId, postBatch, writeDeadLetter } from './webhook.js';

/** The webhook's URL and signing secret, refused early and plainly when missing (the secret is never shown). */
export function webhookSettings(config: Config): { url: string; secret: string } {
  const settings = config.activation.delivery.webhook;
  if (settings.url === undefined) throw new ConfigError('activation.delivery.webhook.url is not set: where should the batches be POSTed?');
  const secret = process.env[settings.secretEnv];
  if (secret === undefined || secret.length < 16) throw new ConfigError(`set ${settings.secretEnv} to the webhook's signing secret (at least 16 characters)`);
  return { url: settings.url, secret };
}

/**
 * POSTs batches of contacts as JSON. At least once, made exactly once by the receiver: every
 * contact's attempt (with its batch id) is recorded before the first POST, so a send stopped
 * mid-way leaves them `attempting`, and the next send POSTs the same batch again under the same
 * Idempotency-Key, which the receiver uses to drop what it already has. Contacts are marked sent
 * on a 2xx; after maxAttempts failures the batch goes to delivery_dead_letters and its contacts
 * are `dead`: never sent again by `fidelis send` (the receiver may hold some of them).
 */
export function webhookSender(context: SendContext): Sender {
  const { url, secret } = webhookSettings(context.config);
  const settings = { ...context.config.activation.delivery.webhook, url };
  return {
    async deliver(contacts) {
      if (contacts.length === 0) return;
      // A batch taken up again keeps its id; new contacts get the id of their own set.
      const first = contacts[0];
      const resumed = first?.attempt_status === 'attempting' && first.batch_id !== null && contacts.every((c) => c.batch_id === first.batch_id);
      const id = resumed ? (first.batch_id ?? '') : batchId(contacts.map((c) => c.contact_id));
      const rows = (status: AttemptRow['status'], reason: string | null, attempts: number): AttemptRow[] =>
        contacts.map((c: PlannedContact) => ({ contactId: c.contact_id, destination: 'webhook', batchId: id, status, reason, attempts }));
      const previous = resumed ? (first.attempts ?? 0) : 0;
      await recordAttempts(context.engine, rows('attempting', null, previous), context.clock.now());
      const body = JSON.stringify({ batchId: id, contacts: contacts.map((c) => senderRecord(c, context.unsubscribeUrl(c))) });
      const outcome = await postBatch(settings, secret, { id, body }, context.clock);
      context.tally.retries += outcome.delays.length;
      const at = context.clock.now();
      if (outcome.ok) {
        await markSent(context.engine, rows('sent', null, previous + outcome.attempts), at);
        context.tally.sent += contacts.length;
        context.tally.batches += 1;
        return;
      }
      await context.engine.transaction(async (tx) => {
        await writeDeadLetter(tx, { batchId: id, url, contactIds: contacts.map((c) => c.contact_id), attempts: previous + outcome.attempts, reason: outcome.reason }, at);
        await recordAttempts(tx, rows('dead', outcome.reason, previous + outcome.attempts), at);
      });
      context.tally.deadLetters.batches += 1;
      context.tally.deadLetters.contacts += contacts.length;
    },
    finish: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
