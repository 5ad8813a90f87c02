import { dateProblem, isObject, needsWalk, ok, scanRequestText, type Step } from '../../collect/events/index.js';
import { authorize, presentedKey } from '../auth.js';
import { readJsonBody } from '../body.js';
import { badRequest } from '../errors.js';
import { refuse, refusing, type CollectDeps, type CollectRequest } from './request.js';

/**
 * parse: the key (a wrong one in the header is refused before the body is read), the body, its
 * messages, and what a scan of the text says the validation must walk.
 */
export function parseStep(deps: Pick<CollectDeps, 'keys' | 'limits'>): Step<CollectRequest> {
  return {
    name: 'parse',
    run: (request) =>
      refusing(request, async () => {
        const { c, endpoint } = request;
        const headerKey = presentedKey(c.req.header('authorization'));
        let key = headerKey !== null ? await authorize(deps.keys, headerKey, 'write') : null;
        const { value: body, text } = await readJsonBody(c, endpoint === 'batch' ? deps.limits.batchBytes : deps.limits.messageBytes);
        if (!isObject(body)) return refuse(request, badRequest('invalid_request', 'the body must be a JSON object'));
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
        if (!Array.isArray(body.batch)) return refuse(request, badRequest('invalid_request', 'a batch needs a "batch" array of messages', { field: 'batch' }));
        if (body.sentAt !== undefined) {
          const problem = typeof body.sentAt === 'string' ? dateProblem(body.sentAt, request.receivedAt.getTime()) : 'expected an ISO 8601 date';
          if (problem !== null) return refuse(request, badRequest('invalid_request', `sentAt: ${problem}`, { field: 'sentAt' }));
          request.batchSentAt = body.sentAt as string;
        }
        const batch = body.batch as unknown[];
        request.messages = withBatchContext(batch, body.context);
        const asSent = request.messages === batch;
        if (asSent && scan.spans?.length === batch.length) request.spans = scan.spans;
        // A merged context may sit 2 levels deeper in a message than in the text: then measure from the top.
        request.walk = needsWalk(scan.signs, asSent ? 3 : 1);
        return ok(request);
      }),
  };
}

/** Segment merges a batch's own context into each of its messages (the message's keys win). */
function withBatchContext(batch: unknown[], context: unknown): unknown[] {
  if (!isObject(context)) return batch;
  return batch.map((m) => (isObject(m) ? { ...m, context: { ...context, ...(isObject(m.context) ? m.context : {}) } } : m));
}
