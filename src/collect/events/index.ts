export { batchMessageSpans, scanRequestText } from './batch-text.js';
export type { MessageSpan } from './batch-text.js';
export { EventCollector } from './collector.js';
export type { CollectorOptions, LoaderClock } from './collector.js';
export type { LoaderLag } from './lag.js';
export { EventLoader } from './loader.js';
export type { LoaderOptions } from './loader.js';
export { messageStep } from './load-steps.js';
export type { LoadedChunk, LoadMessage, LoadState, LoadStep, LogPosition, SetAside } from './load-steps.js';
export { listDeadLetters, retryDeadLetters } from './dead-letters.js';
export type { DeadLetter, RetryReport } from './dead-letters.js';
export { checkLogIdentity, LogIdentityError, readLogId, resetLogPosition, storedPosition, verifyLog, LOG_ID_FILE } from './log-identity.js';
export type { LogReset, StoredPosition } from './log-identity.js';
export { eventLinks } from './links.js';
export type { EventLink } from './links.js';
export { EventLog, readLines } from './log.js';
export { listSegments, segmentPath } from './segment-files.js';
export { correctedTimestamp, logEntry, logLine, logLinePrefix, normalise } from './envelope.js';
export type { LogEntry, TrackedEvent } from './envelope.js';
export { mapEvents, isKeyPage } from './map.js';
export type { MappingOptions } from './map.js';
export { anonymousRecordId, userRecordId } from './map-customer.js';
export {
  batchSchema,
  checkMessage,
  collectResponseSchema,
  identifySchema,
  trackSchema,
  pageSchema,
  screenSchema,
  groupSchema,
  aliasSchema,
  messageSchema,
  messageProblemSchema,
  MESSAGE_TYPES,
  SCHEMAS_BY_TYPE,
  isObject,
} from './messages.js';
export type { CheckOptions, Message, MessageType, MessageProblem, CollectResponse } from './messages.js';
export { API_KEYS_TABLE, EVENTS_DEAD_LETTER_TABLE, EVENTS_TABLE, EVENT_LOG_POSITION_TABLE, EVENT_TABLES, RAW_EVENTS_TABLE } from './tables.js';
export { deadLetter, drop, isolate, ok, runSteps } from './steps.js';
export type { Outcome, Refusal, Step, StepsResult } from './steps.js';
export {
  dateProblem,
  EARLIEST_DATE,
  LATEST_DATE_AHEAD_MS,
  MAPPED_FIELDS,
  mappedFieldProblem,
  MAX_DEPTH,
  MAX_ID_LENGTH,
  MAX_NAME_LENGTH,
  MAX_QUANTITY,
  MONEY_LIMIT,
  needsWalk,
  valueProblem,
} from './storable.js';
export type { StorageProblem, TextSigns } from './storable.js';
