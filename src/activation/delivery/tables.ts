import type { TableSpec } from '../../store/index.js';

export const DELIVERY_DESTINATIONS = ['export', 'webhook', 'smtp'] as const;
export type DeliveryDestination = (typeof DELIVERY_DESTINATIONS)[number];

/** What became of a contact's delivery (docs/activation.md, Delivery). */
export const ATTEMPT_STATUSES = ['attempting', 'sent', 'failed', 'dead', 'cancelled'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/**
 * One row per planned contact a send has touched, written BEFORE the contact leaves: a crash
 * between the two leaves `attempting` behind, which tells the next send what may already be out.
 */
export const DELIVERY_ATTEMPTS_TABLE: TableSpec = {
  name: 'delivery_attempts',
  doc: 'Delivery of planned contacts (`fidelis send`): one row per contact, written before it is sent. attempting = may have left (a send stopped there), sent, failed (refused: retried by the next send), dead (its webhook batch is in delivery_dead_letters), cancelled (the re-check before sending refused it, see reason). A planned contact id names its person: an erasure deletes his rows.',
  key: ['contact_id'],
  columns: [
    { name: 'contact_id', type: 'string', required: true, doc: 'Contact (contacts.contact_id).' },
    { name: 'destination', type: 'string', required: true, values: DELIVERY_DESTINATIONS, doc: 'export, webhook or smtp.' },
    { name: 'batch_id', type: 'string', doc: 'Webhook batch, also its Idempotency-Key: stable across retries and replays.' },
    { name: 'status', type: 'string', required: true, values: ATTEMPT_STATUSES, doc: 'attempting, sent, failed, dead or cancelled.' },
    { name: 'reason', type: 'string', doc: 'Why it failed or was cancelled (a message key such as consent.opt_out, or the relay\'s answer).' },
    { name: 'attempts', type: 'int', required: true, doc: 'Tries so far (webhook: POSTs of its batch).' },
    { name: 'updated_at', type: 'timestamp', required: true, doc: 'Last change.' },
  ],
};

/** Webhook batches given up on after the configured attempts, with the last reason. */
export const DELIVERY_DEAD_LETTERS_TABLE: TableSpec = {
  name: 'delivery_dead_letters',
  doc: 'Webhook batches given up on after `activation.delivery.webhook.maxAttempts` failures (or a refusal no retry can fix, a 4xx). Their contacts stay planned with delivery_attempts.status = dead and are not sent again by `fidelis send`. A planned contact id names its person: an erasure takes his out of contact_ids (and deletes a batch left empty).',
  key: ['batch_id'],
  columns: [
    { name: 'batch_id', type: 'string', required: true, doc: 'The batch (its Idempotency-Key).' },
    { name: 'destination', type: 'string', required: true, doc: 'Webhook URL the batch was for (without its query string).' },
    { name: 'contact_ids', type: 'string', required: true, doc: 'JSON array of the batch\'s contact ids.' },
    { name: 'contacts', type: 'int', required: true, doc: 'How many contacts.' },
    { name: 'attempts', type: 'int', required: true, doc: 'POSTs made.' },
    { name: 'reason', type: 'string', required: true, doc: 'The last failure: HTTP status and a short answer, or the network error.' },
    { name: 'failed_at', type: 'timestamp', required: true, doc: 'When it was given up on.' },
  ],
};
