import { ok, type Step } from '../../collect/events/index.js';
import { ApiError } from '../errors.js';
import { refuse, type CollectDeps, type CollectRequest } from './request.js';

/** limit: each accepted message within the per-message size (the request's was checked as it was read). */
export function limitStep(deps: Pick<CollectDeps, 'limits'>): Step<CollectRequest> {
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
          return refuse(
            request,
            new ApiError(400, 'message_too_large', `message ${index} is over ${limit / 1024} KB; the limit is per message`, {
              index,
              ...(message.messageId !== undefined ? { messageId: message.messageId } : {}),
              limit,
            }),
          );
        }
        request.json.push(json);
      }
      return ok(request);
    },
  };
}
