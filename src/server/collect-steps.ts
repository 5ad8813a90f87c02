import type { Context } from 'hono';
import {
  checkMessage,
  dateProblem,
  isObject,
  logLine,
  logLinePrefix,
  needsWalk,
  ok,
  scanRequestText,
  type EventCollector,
  type Message,
  type MessageProblem,
  type MessageSpan,
  type MessageType,
  type Step,
} from '../collect/events/index.js';
import { authorize, presentedKey } from './auth.js';
import { readJsonBody } from './body.js';
import { ApiError, badRequest } from './errors.js';
import type { ApiKey, KeyRing } from './keys.js';
import type { AppEnv } from './types.js';

export type Endpoint = 'batch' | MessageType;

/**
 * One collection request as its steps fill it in. A step that refuses the whole request throws
 * an ApiError (the client must get its status and code from the one error handler); a message
 * refused alone goes to `rejected` and the others go on, as Segment does.
 */
export interface CollectRequest {
  readonly endpoint: Endpoint;
  readonly c: Context<AppEnv>;
  readonly receivedAt: Date;
  /** parse: the key, the text and the messages (a batch's context merged in). */
  key?: ApiKey;
  text: string;
  messages: unknown[];
  /** Where each message lies in the text, when it is logged as sent (batch-text.ts). */
  spans: MessageSpan[] | null;
  /** Whether the messages need the walk of their values (see storable.ts's TextSigns). */
  walk: boolean;
  batchSentAt?: string;
  /** validate: the messages accepted, by their index in the request, and those refused. */
  accepted: { readonly index: number; readonly raw: unknown; readonly message: Message }[];
  rejected: MessageProblem[];
  /** limit: each accepted message's JSON, within the per-message limit. */
  json: string[];
  /** log: how many lines the log took. */
  logged: number;
}

export interface CollectDeps {
  readonly keys: KeyRing;
  readonly collector: EventCollector;
  readonly limits: { readonly messageBytes: number; readonly batchBytes: number };
}

/** The request state before the first step. */
export function collectRequest(c: Context<AppEnv>, endpoint: Endpoint): CollectRequest {
  return { endpoint, c, receivedAt: new Date(), text: '', messages: [], spans: null, walk: true, accepted: [], rejected: [], json: [], logged: 0 };
}

/** parse: the key (a wrong one in the header is refused before the body is read), the body, the messages. */
export function parseStep(deps: CollectDeps): Step<CollectRequest> {
  return {
    name: 'parse',
    async run(request) {
      const { c, endpoint } = request;
      const headerKey = presentedKey(c.req.header('authorization'));
      let key = headerKey !== null ? await authorize(deps.keys, headerKey, 'write') : null;
      const { value: body, text } = await readJsonBody(c, endpoint === 'batch' ? deps.limits.batchBytes : deps.limits.messageBytes);
      if (!isObject(body)) throw badRequest('invalid_request', 'the body must be a JSON object');
      key ??= await authorize(deps.keys, typeof body.writeKey === 'string' ? body.writeKey : null, 'write');
      c.set('apiKey', key);
      request.key = key;
      request.text = text;
      const scan = scanRequestText(text);
      if (endpoint !== 'batch') {
        request.messages = [{ ...body, type: endpoint }];
        request.walk = needsWalk(scan.signs, 1);
        return ok(request);
      }
      if (!Array.isArray(body.batch)) throw badRequest('invalid_request', 'a batch needs a "batch" array of messages', { field: 'batch' });
      if (body.sentAt !== undefined) {
        const problem = typeof body.sentAt === 'string' ? dateProblem(body.sentAt, request.receivedAt.getTime()) : 'expected an ISO 8601 date';
        if (problem !== null) throw badRequest('invalid_request', `sentAt: ${problem}`, { field: 'sentAt' });
        request.batchSentAt = body.sentAt as string;
      }
      const batch = body.batch as unknown[];
      request.messages = withBatchContext(batch, body.context);
      const asSent = request.messages === batch;
      if (asSent && scan.spans?.length === batch.length) request.spans = scan.spans;
      // A merged context may sit 2 levels deeper in a message than in the text: then measure from the top.
      request.walk = needsWalk(scan.signs, asSent ? 3 : 1);
      return ok(request);
    },
  };
}

/** validate: each message against its type's schema and what the datamart can store. */
export const validateStep: Step<CollectRequest> = {
  name: 'validate',
  run(request) {
    const options = { walk: request.walk, now: request.receivedAt.getTime() };
    request.messages.forEach((raw, index) => {
      const checked = checkMessage(raw, index, options);
      if (checked.ok) request.accepted.push({ index, raw, message: checked.message });
      else request.rejected.push(checked.problem);
    });
    if (request.accepted.length === 0 && request.rejected.length > 0) {
      throw badRequest('invalid_messages', `no valid message: ${request.rejected.map(describe).join('; ')}`, { rejected: request.rejected });
    }
    return ok(request);
  },
};

/** limit: each message within the per-message size (the request's was checked as it was read). */
export function limitStep(deps: CollectDeps): Step<CollectRequest> {
  const limit = deps.limits.messageBytes;
  return {
    name: 'limit',
    run(request) {
      for (const { index, raw, message } of request.accepted) {
        // A message accepted as sent is logged from its own characters (no second JSON.stringify).
        const span = message === raw ? request.spans?.[index] : null;
        const json = span ? request.text.slice(span[0], span[1]) : JSON.stringify(message);
        // A UTF-16 unit is at most 3 UTF-8 bytes: only long texts need counting.
        if (json.length * 3 > limit && Buffer.byteLength(json) > limit) {
          throw new ApiError(400, 'message_too_large', `message ${index} is over ${limit / 1024} KB; the limit is per message`, {
            index,
            ...(message.messageId !== undefined ? { messageId: message.messageId } : {}),
            limit,
          });
        }
        request.json.push(json);
      }
      return ok(request);
    },
  };
}

/** log: the lines appended to the event log; done when they are on disk (fdatasync). */
export function logStep(deps: CollectDeps): Step<CollectRequest> {
  return {
    name: 'log',
    async run(request) {
      if (!request.key) throw new Error('the log step runs after parse, which sets the key');
      const keyId = request.key.keyId;
      const prefix = logLinePrefix(request.receivedAt, keyId, request.batchSentAt);
      const lines = request.accepted.map(({ message }, i) => {
        const own = message.sentAt !== undefined ? logLinePrefix(request.receivedAt, keyId, message.sentAt) : prefix;
        return logLine(own, message.messageId, request.json[i] ?? '');
      });
      await deps.collector.acceptLines(lines);
      request.logged = lines.length;
      return ok(request);
    },
  };
}

/** The request side of collection, in order. */
export function collectSteps(deps: CollectDeps): readonly Step<CollectRequest>[] {
  return [parseStep(deps), validateStep, limitStep(deps), logStep(deps)];
}

/** Segment merges a batch's own context into each of its messages (the message's keys win). */
function withBatchContext(batch: unknown[], context: unknown): unknown[] {
  if (!isObject(context)) return batch;
  return batch.map((m) => (isObject(m) ? { ...m, context: { ...context, ...(isObject(m.context) ? m.context : {}) } } : m));
}

function describe(p: MessageProblem): string {
  return `message ${p.index}${p.messageId !== undefined ? ` (${p.messageId})` : ''}: ${p.field ? `${p.field}: ` : ''}${p.reason}`;
}
