import { checkMessage, ok, type MessageProblem, type Step } from '../../collect/events/index.js';
import { badRequest } from '../errors.js';
import { refuse, type CollectRequest } from './request.js';

/**
 * validate: each message against its type's schema and what the datamart can store
 * (storable.ts). A request with no valid message at all is refused with every reason.
 */
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
      return refuse(request, badRequest('invalid_messages', `no valid message: ${request.rejected.map(describe).join('; ')}`, { rejected: request.rejected }));
    }
    return ok(request);
  },
};

function describe(p: MessageProblem): string {
  return `message ${p.index}${p.messageId !== undefined ? ` (${p.messageId})` : ''}: ${p.field ? `${p.field}: ` : ''}${p.reason}`;
}
