import type { Migration, TableSpec } from '../../store/index.js';

/**
 * Tables of the event collector. They are not importable datamart tables: `events` and
 * `raw_events` are written only from the tracking API, the other two are the collector's own
 * bookkeeping. Created by the migrations below (EVENT_MIGRATIONS), which src/schema hands to the store.
 */
export const EVENTS_TABLE: TableSpec = {
  name: 'events',
  doc: 'Every tracked message accepted by the collection API, once per messageId (the last events of a profile).',
  key: ['message_id'],
  columns: [
    { name: 'message_id', type: 'string', required: true, doc: 'Segment messageId (generated on receipt when the client sent none); replays are ignored.' },
    { name: 'type', type: 'string', required: true, doc: 'identify, track, page, screen, group or alias.' },
    { name: 'event', type: 'string', doc: 'Event name of a track, name of a page or screen.' },
    { name: 'user_id', type: 'string', doc: 'userId as sent.' },
    { name: 'anonymous_id', type: 'string', doc: 'anonymousId as sent.' },
    { name: 'customer_id', type: 'string', doc: 'Customer record the event was mapped to (evt:u:<userId> or evt:a:<anonymousId>), if any.' },
    { name: 'timestamp', type: 'timestamp', required: true, doc: 'When it happened, corrected for the client clock skew (receivedAt - (sentAt - timestamp)).' },
    { name: 'original_timestamp', type: 'timestamp', doc: 'The timestamp the client sent.' },
    { name: 'sent_at', type: 'timestamp', doc: 'When the client sent it, by its own clock.' },
    { name: 'received_at', type: 'timestamp', required: true, doc: 'When the server received it.' },
    { name: 'properties', type: 'string', doc: 'JSON: properties of a track, page or screen; traits of an identify or group; previousId of an alias.' },
    { name: 'context', type: 'string', doc: 'JSON: the context object sent with it.' },
    { name: 'mapped_to', type: 'string', doc: 'Datamart tables the event fed, separated by ","; raw_events when unmapped.' },
    { name: 'key_id', type: 'string', doc: 'Write key it came with.' },
  ],
};

export const RAW_EVENTS_TABLE: TableSpec = {
  name: 'raw_events',
  doc: 'Messages the mapping does not turn into datamart rows (custom track events, group calls...), kept whole.',
  key: ['message_id'],
  columns: [
    { name: 'message_id', type: 'string', required: true, doc: 'messageId.' },
    { name: 'type', type: 'string', required: true, doc: 'Message type.' },
    { name: 'event', type: 'string', doc: 'Event name, for a track.' },
    { name: 'customer_id', type: 'string', doc: 'Customer record of its userId, if any.' },
    { name: 'anonymous_id', type: 'string', doc: 'anonymousId as sent.' },
    { name: 'timestamp', type: 'timestamp', required: true, doc: 'Corrected time of the event.' },
    { name: 'reason', type: 'string', required: true, doc: 'Why it was not mapped (unknown event, missing property...).' },
    { name: 'payload', type: 'string', required: true, doc: 'JSON: the whole message as received.' },
  ],
};

export const API_KEYS_TABLE: TableSpec = {
  name: 'api_keys',
  doc: 'API keys of the HTTP server; only a hash of each secret is kept.',
  key: ['key_id'],
  columns: [
    { name: 'key_id', type: 'string', required: true, doc: 'Public part of the key.' },
    { name: 'name', type: 'string', doc: 'Label given at creation.' },
    { name: 'scope', type: 'string', required: true, values: ['write', 'read', 'admin'], doc: 'write (collection), read (profiles) or admin (both).' },
    { name: 'secret_sha256', type: 'string', required: true, doc: 'Hex SHA-256 of the secret part (secrets are 192 random bits, so a fast hash is enough).' },
    { name: 'created_at', type: 'timestamp', required: true, doc: 'Creation time.' },
    { name: 'revoked_at', type: 'timestamp', doc: 'Revocation time; a revoked key is refused.' },
  ],
};

export const EVENT_LOG_POSITION_TABLE: TableSpec = {
  name: 'event_log_position',
  doc: 'How far the loader has read the append-only event log, written in the same transaction as the rows it loaded.',
  key: ['log'],
  columns: [
    { name: 'log', type: 'string', required: true, doc: 'Log folder.' },
    { name: 'segment', type: 'int', required: true, doc: 'Number of the segment file being read.' },
    { name: 'offset', type: 'int', required: true, doc: 'Bytes of that segment already loaded.' },
    { name: 'loaded_at', type: 'timestamp', required: true, doc: 'Time of the last load.' },
    { name: 'log_id', type: 'string', doc: 'Identity of the log read (the log-id file of its folder); a folder with another id is refused. Added by migration 7.' },
  ],
};

export const EVENTS_DEAD_LETTER_TABLE: TableSpec = {
  name: 'events_dead_letter',
  doc: 'Log lines the loader could not store (unreadable, refused by the mapping or by the datamart), set aside so that they never block the others; `fidelis events retry-dead-letters` loads them again.',
  key: ['log_id', 'segment', 'offset'],
  columns: [
    { name: 'log_id', type: 'string', required: true, doc: 'Identity of the log the line was read from.' },
    { name: 'segment', type: 'int', required: true, doc: 'Segment file of the line.' },
    { name: 'offset', type: 'int', required: true, doc: 'Byte offset of the line in its segment.' },
    { name: 'message_id', type: 'string', doc: 'messageId, when the line could be read.' },
    { name: 'step', type: 'string', required: true, doc: 'Loader step that refused it: read, map, commit (or validate, on a retry).' },
    { name: 'reason', type: 'string', required: true, doc: 'Why, as the step said it.' },
    { name: 'line', type: 'string', required: true, doc: 'The log line as written (the message and what the server knew on receipt).' },
    { name: 'failed_at', type: 'timestamp', required: true, doc: 'When it was set aside (or last retried).' },
  ],
};

export const EVENT_TABLES: readonly TableSpec[] = [EVENTS_TABLE, RAW_EVENTS_TABLE, API_KEYS_TABLE, EVENT_LOG_POSITION_TABLE];

/** The collector's schema changes (versions are one sequence across the datamart: src/schema). */
export const EVENT_MIGRATIONS: readonly Migration[] = [
  { version: 3, name: 'event collection', statements: (dialect) => EVENT_TABLES.map((t) => dialect.createTable(t)) },
  {
    version: 7,
    name: 'event dead letters and log identity',
    statements: (dialect) => [
      dialect.createTable(EVENTS_DEAD_LETTER_TABLE),
      { table: 'event_log_position', column: 'log_id', type: dialect.columnType('string', true), tableMayBeMissing: false },
    ],
  },
];
