import { logLine, logLinePrefix, ok, type Step } from '../../collect/events/index.js';
import type { CollectDeps, CollectRequest } from './request.js';

/** log: the accepted messages appended to the event log; done when they are on disk (fdatasync). */
export function logStep(deps: Pick<CollectDeps, 'collector'>): Step<CollectRequest> {
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
