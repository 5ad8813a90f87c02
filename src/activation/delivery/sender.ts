import type { Config } from '../../config/index.js';
import type { Engine } from '../../store/index.js';
import type { DeliveryClock } from './clock.js';
import type { PlannedContact } from './contacts.js';

/** What a send did, beyond the re-check's refusals (docs/activation.md, Delivery: the report). */
export interface DeliveryTally {
  sent: number;
  /** Refused by the destination this time (SMTP): still planned, retried by the next send; by reason. */
  failed: Record<string, number>;
  /** Webhook batches given up on, and their contacts (delivery_dead_letters). */
  deadLetters: { batches: number; contacts: number };
  /** Webhook POSTs that succeeded, and the retries it took. */
  batches: number;
  retries: number;
}

export const emptyTally = (): DeliveryTally => ({ sent: 0, failed: {}, deadLetters: { batches: 0, contacts: 0 }, batches: 0, retries: 0 });

export interface SendContext {
  readonly engine: Engine;
  readonly config: Config;
  readonly clock: DeliveryClock;
  /** The contact's signed unsubscribe link (e-mail contacts; null on other channels). */
  readonly unsubscribeUrl: (contact: PlannedContact) => string | null;
  readonly tally: DeliveryTally;
}

/** A destination: hands over contacts that passed the re-check and marks those that left as sent. */
export interface Sender {
  deliver(contacts: readonly PlannedContact[]): Promise<void>;
  /** After the last page (the export closes its file and only then marks its contacts sent). */
  finish(): Promise<void>;
  close(): Promise<void>;
}

export const count = (into: Record<string, number>, key: string, n = 1): void => {
  into[key] = (into[key] ?? 0) + n;
};
