import type { TableSpec } from '../store/index.js';

/**
 * The suppression list: identifiers of erased persons, as SHA-256 hashes of a normalised form,
 * never the values. It answers "is this identifier one of an erased person?" for someone who
 * already holds the value (the loader, with a message in hand), and nothing else.
 */
export const SUPPRESSION_TABLE: TableSpec = {
  name: 'suppressed_identifiers',
  doc: 'Identifiers of erased persons (SHA-256 of "kind:normalised value", never the value): events that arrive later with one are dropped.',
  key: ['identifier_sha256'],
  columns: [
    { name: 'identifier_sha256', type: 'string', required: true, doc: 'Hex SHA-256 of "email:", "phone:", "card:" or "id:" and the normalised value.' },
    { name: 'kind', type: 'string', required: true, values: ['email', 'phone', 'card', 'id'], doc: 'email, phone, card (loyalty card) or id (userId, anonymousId, account and external ids).' },
    { name: 'suppressed_at', type: 'timestamp', required: true, doc: 'When the person was erased.' },
    { name: 'audit_id', type: 'string', doc: 'The audit_log entry of the erasure.' },
  ],
};
