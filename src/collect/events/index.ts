export { scanRequestText } from './batch-text.js';
export type { MessageSpan } from './batch-text.js';
export { EventCollector } from './collector.js';
export type { LoaderClock } from './collector.js';
export type { LoaderLag } from './lag.js';
export { EventLoader } from './loader.js';
export { API_KEYS_TABLE } from './tables.js';
export { messageStep } from './load-steps.js';
export type { LoadStep } from './load-steps.js';
export { listDeadLetters, retryDeadLetters } from './dead-letters.js';
export type { DeadLetter } from './dead-letters.js';
export { checkLogIdentity, LogIdentityError, readLogId, resetLogPosition, verifyLog } from './log-identity.js';
export { EventLog } from './log.js';
export { listSegments, segmentPath } from './segment-files.js';
export { logEntry, logLine, logLinePrefix, normalise } from './envelope.js';
export { mapEvents } from './map.js';
export {
  batchSchema,
  checkMessage,
  collectResponseSchema,
  
  
  
  
  
  
  
  
  
  SCHEMAS_BY_TYPE,
  isObject,
} from './messages.js';
export type { Message, MessageType, MessageProblem, CollectResponse } from './messages.js';
export { deadLetter, drop, ok, runSteps } from './steps.js';
export type { Outcome, Step } from './steps.js';
export {
  dateProblem,
  
  
  MAPPED_FIELDS,
  mappedFieldProblem,
  MAX_DEPTH,
  MAX_ID_LENGTH,
  
  
  
  needsWalk,
  valueProblem,
} from './storable.js';
