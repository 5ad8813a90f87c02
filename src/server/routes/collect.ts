import type { Context } from 'hono';
import {
  batchMessageSpans,
  batchSchema,
  checkMessage,
  collectResponseSchema,
  isObject,
  logLine,
  logLinePrefix,
  SCHEMAS_BY_TYPE,
  type CollectResponse,
  type MessageProblem,
  type MessageType,
} from '../../collect/events/index.js';
import { authorize, presentedKey } from '../auth.js';
import { readJsonBody } from '../body.js';
import { ApiError, badRequest, errorSchema } from '../errors.js';
import type { ApiKey } from '../keys.js';
import type { App, AppDeps, AppEnv } from '../types.js';

type Endpoint = 'batch' | MessageType;


const errorResponses = {
  400: { description: 'Body too large, not JSON, or no valid message (the reasons are listed).', content: { 'application/json': { schema: errorSchema } } },
  401: { description: 'No API key, or an unknown or revoked one.', content: { 'application/json': { schema: errorSchema } } },
  403: { description: 'The key is not a write (or admin) key.', content: { 'application/json': { schema: errorSchema } } },
};

/** The collection API, compatible with Segment's HTTP Tracking API. */
export function collectRoutes(app: App, deps: AppDeps): void {
  const collector = deps.collector;
  if (!collector) return;
  const limits = deps.config.server.limits;
  app.openAPIRegistry.registerComponent('securitySchemes', 'writeKey', {
    type: 'http',
    scheme: 'basic',
    description: 'The key as user name, empty password (as Segment clients send the write key).',
  });

  const handle = async (c: Context<AppEnv>, endpoint: Endpoint): Promise<Response> => {
    const receivedAt = new Date();
    const headerKey = presentedKey(c.req.header('authorization'));
    // A wrong key in the header is refused before the body is read.
    let key: ApiKey | null = headerKey !== null ? await authorize(deps.keys, headerKey, 'write') : null;
    const { value: body, text } = await readJsonBody(c, endpoint === 'batch' ? limits.batchBytes : limits.messageBytes);
    if (!isObject(body)) throw badRequest('invalid_request', 'the body must be a JSON object');
    key ??= await authorize(deps.keys, typeof body.writeKey === 'string' ? body.writeKey : null, 'write');
    c.set('apiKey', key);

    let messages: unknown[];
    let sentAt: unknown;
    // Where each message is in the text: one accepted as sent is logged from its own characters.
    let spans: ReturnType<typeof batchMessageSpans> = null;
    if (endpoint === 'batch') {
      if (!Array.isArray(body.batch)) throw badRequest('invalid_request', 'a batch needs a "batch" array of messages', { field: 'batch' });
      messages = withBatchContext(body.batch as unknown[], body.context);
      sentAt = body.sentAt;
      if (messages === body.batch) spans = batchMessageSpans(text);
      if (spans?.length !== messages.length) spans = null;
    } else {
      messages = [{ ...body, type: endpoint }];
    }
    const batchSentAt = typeof sentAt === 'string' && !Number.isNaN(new Date(sentAt).getTime()) ? sentAt : undefined;

    const lines: string[] = [];
    const rejected: MessageProblem[] = [];
    const prefix = logLinePrefix(receivedAt, key.keyId, batchSentAt);
    messages.forEach((raw, index) => {
      const checked = checkMessage(raw, index);
      if (!checked.ok) {
        rejected.push(checked.problem);
        return;
      }
      const message = checked.message;
      const span = message === raw ? spans?.[index] : null;
      const json = span ? text.slice(span[0], span[1]) : JSON.stringify(message);
      // A UTF-16 unit is at most 3 UTF-8 bytes: only long texts need counting.
      if (json.length * 3 > limits.messageBytes && Buffer.byteLength(json) > limits.messageBytes) {
        throw new ApiError(400, 'message_too_large', `message ${index} is over ${limits.messageBytes / 1024} KB; the limit is per message`, {
          index,
          ...(message.messageId !== undefined ? { messageId: message.messageId } : {}),
          limit: limits.messageBytes,
        });
      }
      const ownPrefix = message.sentAt !== undefined ? logLinePrefix(receivedAt, key.keyId, message.sentAt) : prefix;
      lines.push(logLine(ownPrefix, message.messageId, json));
    });
    if (lines.length === 0 && rejected.length > 0) {
      throw badRequest('invalid_messages', `no valid message: ${rejected.map(describe).join('; ')}`, { rejected });
    }
    await collector.acceptLines(lines);
    const response: CollectResponse = { success: true, accepted: lines.length, rejected };
    return c.json(response, 200);
  };

  const endpoints: Endpoint[] = ['batch', 'identify', 'track', 'page', 'screen', 'group', 'alias'];
  for (const endpoint of endpoints) {
    const path = `/v1/${endpoint}`;
    app.openAPIRegistry.registerPath({
      method: 'post',
      path,
      tags: ['collect'],
      summary: endpoint === 'batch' ? 'Send several messages at once' : `Send one ${endpoint} message`,
      description:
        'Segment HTTP Tracking API. A 200 means the accepted messages are on disk; they reach the datamart within 2 seconds. ' +
        'Invalid messages are listed in `rejected` and the valid ones are kept; a request with no valid message is a 400. ' +
        'Gzip bodies are accepted whatever the Content-Type.',
      security: [{ writeKey: [] }],
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema: endpoint === 'batch' ? batchSchema : SCHEMAS_BY_TYPE[endpoint] } },
        },
      },
      responses: {
        200: { description: 'Accepted messages are durable.', content: { 'application/json': { schema: collectResponseSchema } } },
        ...errorResponses,
      },
    });
    app.post(path, (c) => handle(c, endpoint));
  }
}

/** Segment merges a batch's own context into each of its messages (the message's keys win). */
function withBatchContext(batch: unknown[], context: unknown): unknown[] {
  if (!isObject(context)) return batch;
  return batch.map((m) => (isObject(m) ? { ...m, context: { ...context, ...(isObject(m.context) ? m.context : {}) } } : m));
}

function describe(p: MessageProblem): string {
  return `message ${p.index}${p.messageId !== undefined ? ` (${p.messageId})` : ''}: ${p.field ? `${p.field}: ` : ''}${p.reason}`;
}
