import { z } from '@hono/zod-openapi';
import { dateProblem, mappedFieldProblem, MAX_ID_LENGTH, MAX_NAME_LENGTH, valueProblem } from './storable.js';

/**
 * Segment's HTTP Tracking API messages (identify, track, page, screen, group, alias), as zod
 * schemas: they validate every message the server accepts and describe it in /openapi.json.
 * Unknown fields are allowed and kept: the server logs the message as received, with the values
 * of these fields as validated (`loggedMessage`).
 *
 * They validate without copying (measured on the ingest bench's messages, best of 25 rounds):
 * objects without passthrough, whose unknown keys zod would copy one by one, and free-form
 * objects (context, properties, traits) checked as objects rather than as records, which zod
 * rebuilds key by key: 1.4 us a message instead of 5.3.
 */

/** userId and friends: strings, or numbers that some clients send and Segment accepts. */
const id = z
  .union([z.string().trim().min(1, 'must not be empty').max(MAX_ID_LENGTH, `at most ${MAX_ID_LENGTH} characters`), z.number().transform((n) => String(n))])
  .openapi({ type: 'string' });

// JSON has no dates: a timestamp is an ISO 8601 text, within the dates the datamart keeps (storable.ts).
const isoDate = z
  .string()
  .refine((value) => dateProblem(value) === null, { error: (issue) => dateProblem(String(issue.input)) ?? 'expected an ISO 8601 date' })
  .openapi({ type: 'string', format: 'date-time' });

/** A free-form JSON object, passed through as it is. */
const object = z
  .custom<Record<string, unknown>>((value) => isObject(value), 'expected a JSON object')
  .openapi({ type: 'object', additionalProperties: true });

const common = {
  messageId: z.string().min(1).max(MAX_NAME_LENGTH, `at most ${MAX_NAME_LENGTH} characters`).optional().openapi({ description: 'Unique id of the message: a replay with the same id adds nothing.' }),
  userId: id.optional().openapi({ type: 'string', description: 'Your id of a known user.' }),
  anonymousId: id.optional().openapi({ type: 'string', description: 'Device or cookie id of a visitor.' }),
  timestamp: isoDate.optional().openapi({ description: 'When it happened, by the client clock (corrected with sentAt).' }),
  originalTimestamp: isoDate.optional(),
  sentAt: isoDate.optional().openapi({ description: 'When the client sent it, by the client clock.' }),
  context: object.optional().openapi({ description: 'Context: page, app, device, campaign, consent, externalIds...' }),
  integrations: object.optional(),
};

const identified = <K extends MessageType, T extends z.ZodRawShape>(type: K, shape: T) =>
  z
    .object({ ...common, type: z.literal(type), ...shape })
    .refine((m: { userId?: unknown; anonymousId?: unknown }) => m.userId !== undefined || m.anonymousId !== undefined, {
      message: 'a message needs a userId or an anonymousId',
      path: ['userId'],
    });

export const identifySchema = identified('identify', {
  traits: object.optional().openapi({ description: 'Profile attributes: email, phone, firstName, address, consents...' }),
}).openapi('Identify');
export const trackSchema = identified('track', {
  event: z.string().trim().min(1, 'a track needs an event name').max(MAX_NAME_LENGTH, `at most ${MAX_NAME_LENGTH} characters`),
  properties: object.optional(),
}).openapi('Track');
export const pageSchema = identified('page', {
  name: z.string().optional(),
  category: z.string().optional(),
  properties: object.optional(),
}).openapi('Page');
export const screenSchema = identified('screen', {
  name: z.string().optional(),
  category: z.string().optional(),
  properties: object.optional(),
}).openapi('Screen');
export const groupSchema = identified('group', {
  groupId: id.openapi({ type: 'string' }),
  traits: object.optional(),
}).openapi('Group');
export const aliasSchema = z
  .object({ ...common, type: z.literal('alias'), previousId: id.openapi({ type: 'string' }), userId: id.openapi({ type: 'string' }) })
  .openapi('Alias');

export const MESSAGE_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export const SCHEMAS_BY_TYPE = {
  identify: identifySchema,
  track: trackSchema,
  page: pageSchema,
  screen: screenSchema,
  group: groupSchema,
  alias: aliasSchema,
} as const satisfies Record<MessageType, z.ZodType>;

export const messageSchema = z
  .union([identifySchema, trackSchema, pageSchema, screenSchema, groupSchema, aliasSchema])
  .openapi('Message');
export type Message = z.infer<typeof messageSchema>;

export const batchSchema = z
  .object({
    batch: z.array(messageSchema).openapi({ description: 'Messages of any type; at most 32 KB each, 500 KB in all.' }),
    sentAt: isoDate.optional(),
    context: object.optional().openapi({ description: 'Context merged into every message.' }),
    integrations: object.optional(),
    writeKey: z.string().optional().openapi({ description: 'The write key, when not sent as the HTTP Basic user name.' }),
  })
  .openapi('Batch');

/** One message the server refused, and why. */
export const messageProblemSchema = z
  .object({
    index: z.number().int().openapi({ description: 'Position of the message in the batch, from 0.' }),
    messageId: z.string().optional(),
    field: z.string().openapi({ description: 'Path of the faulty field, such as "event" or "userId".' }),
    reason: z.string(),
  })
  .openapi('MessageProblem');
export type MessageProblem = z.infer<typeof messageProblemSchema>;

export const collectResponseSchema = z
  .object({
    success: z.literal(true),
    accepted: z.number().int().openapi({ description: 'Messages written to the log (replays included: they are dropped at load).' }),
    rejected: z.array(messageProblemSchema).openapi({ description: 'Messages refused, the others were accepted.' }),
  })
  .openapi('CollectResponse');
export type CollectResponse = z.infer<typeof collectResponseSchema>;

/** How deep checkMessage looks. */
export interface CheckOptions {
  /**
   * Walk every value (depth, lone surrogates, infinite numbers). Default true; the collection
   * route skips it when a scan of the request text shows nothing the walk could find.
   */
  readonly walk?: boolean;
  /** The server's clock, for the window of dates. */
  readonly now?: number;
}

/**
 * Validates one message: the schema of its type, so a problem names the right field
 * ("event" of a track) rather than every branch of the union, then what the datamart could not
 * store (storable.ts). A valid message comes back as it is to be logged.
 */
export function checkMessage(value: unknown, index: number, options: CheckOptions = {}): { ok: true; message: Message } | { ok: false; problem: MessageProblem } {
  if (!isObject(value)) return refused(index, undefined, '', 'a message must be a JSON object');
  const messageId = typeof value.messageId === 'string' ? value.messageId : undefined;
  const type = value.type;
  if (typeof type !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(type)) {
    // Only a short text is quoted back: a type may be any JSON, 10,000 levels deep or 32 KB long.
    const given = typeof type === 'string' ? JSON.stringify(type.length > 40 ? `${type.slice(0, 40)}...` : type) : Array.isArray(type) ? 'an array' : type === null ? 'null' : `a ${typeof type}`;
    return refused(index, messageId, 'type', `unknown type ${given}; expected one of ${MESSAGE_TYPES.join(', ')}`);
  }
  const result = SCHEMAS_BY_TYPE[type as MessageType].safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    return refused(index, messageId, issue?.path.join('.') ?? '', issue?.message ?? 'invalid message');
  }
  const message = loggedMessage(value, result.data);
  const problem = (options.walk !== false ? valueProblem(message, '') : null) ?? mappedFieldProblem(message, options.now);
  return problem ? refused(index, messageId, problem.field, problem.reason) : { ok: true, message };
}

function refused(index: number, messageId: string | undefined, field: string, reason: string): { ok: false; problem: MessageProblem } {
  return { ok: false, problem: { index, ...(messageId !== undefined ? { messageId } : {}), field, reason } };
}

/**
 * The message to log: every field as received (unknown ones too), the validated fields as
 * validated (ids trimmed, numeric ids as text, event names trimmed).
 */
function loggedMessage(received: Record<string, unknown>, validated: Message): Message {
  // Most messages need nothing changed: give them back as they are, without a copy.
  for (const key in validated) {
    if (validated[key as keyof Message] !== received[key]) return { ...received, ...validated };
  }
  return received as Message;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
