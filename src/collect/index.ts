export { importFiles } from './files/import.js';
export type { ImportReport } from './files/import.js';
export { loadMapping, parseMapping } from './files/mapping.js';
export { IMPORT_KINDS } from './files/formats.js';
export { TRANSACTIONS_SPEC } from './files/transactions.js';
export { EVENT_MIGRATIONS } from './events/tables.js';
