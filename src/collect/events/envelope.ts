import { randomUUID } from 'node:crypto';
import type { Message, MessageType } from './messages.js';

/**
 * One line of the event log: the message as validated, with what the server knew on receipt.
 * Normalisation (clock skew, customer ids) happens at load, from these fields only, so a
 * replayed log gives the same rows.
 */
export interface LogEntry {
  /** messageId, generated on receipt when the client sent none. */
  readonly id: string;
  readonly receivedAt: string;
  /** sentAt of the message, else of its batch. */
  readonly sentAt?: string;
  readonly keyId: string;
  readonly message: Message;
}

export function logEntry(message: Message, receivedAt: Date, keyId: string, batchSentAt?: string | Date): LogEntry {
  const sentAt = message.sentAt ?? batchSentAt;
  return {
    id: message.messageId ?? `srv-${randomUUID()}`,
    receivedAt: receivedAt.toISOString(),
    ...(sentAt !== undefined ? { sentAt: new Date(sentAt).toISOString() } : {}),
    keyId,
    message,
  };
}

/**
 * The same line as JSON.stringify(logEntry(...)), built from a prefix computed once per request:
 * dates are formatted once, not per message (the collection hot path).
 */
export function logLinePrefix(receivedAt: Date, keyId: string, sentAt?: string): string {
  const sent = sentAt !== undefined ? `"sentAt":${JSON.stringify(new Date(sentAt).toISOString())},` : '';
  return `{"receivedAt":"${receivedAt.toISOString()}",${sent}"keyId":${JSON.stringify(keyId)},"id":`;
}

export function logLine(prefix: string, messageId: string | undefined, messageJson: string): string {
  return `${prefix}${JSON.stringify(messageId ?? `srv-${randomUUID()}`)},"message":${messageJson}}`;
}

/** A logged message ready to map: times corrected, ids resolved. */
export interface TrackedEvent {
  readonly messageId: string;
  readonly type: MessageType;
  /** Track event name, page or screen name. */
  readonly event: string | null;
  readonly userId: string | null;
  readonly anonymousId: string | null;
  readonly timestamp: Date;
  readonly originalTimestamp: Date | null;
  readonly sentAt: Date | null;
  readonly receivedAt: Date;
  readonly keyId: string;
  readonly message: Message;
}

/**
 * Segment's clock-skew correction: the client's clock may be wrong, but its difference between
 * sending and the event is right, so timestamp = receivedAt - (sentAt - originalTimestamp).
 * Without a client timestamp the event happened on receipt; without sentAt it is taken as sent.
 */
export function correctedTimestamp(receivedAt: Date, sentAt: Date | null, original: Date | null): Date {
  if (original === null) return receivedAt;
  if (sentAt === null) return original;
  return new Date(receivedAt.getTime() - (sentAt.getTime() - original.getTime()));
}

export function normalise(entry: LogEntry): TrackedEvent {
  const message = entry.message;
  const receivedAt = new Date(entry.receivedAt);
  const sentAt = entry.sentAt !== undefined ? new Date(entry.sentAt) : null;
  const clientTime = message.timestamp ?? message.originalTimestamp;
  const originalTimestamp = clientTime !== undefined ? new Date(clientTime) : null;
  const event =
    message.type === 'track' ? message.event : message.type === 'page' || message.type === 'screen' ? (message.name ?? null) : null;
  return {
    messageId: entry.id,
    type: message.type,
    event,
    userId: message.userId ?? null,
    anonymousId: message.anonymousId ?? null,
    timestamp: correctedTimestamp(receivedAt, sentAt, originalTimestamp),
    originalTimestamp,
    sentAt,
    receivedAt,
    keyId: entry.keyId,
    message,
  };
}
