import type { Migration } from '../store/index.js';
import { AUDIT_LOG_TABLE } from './audit.js';
import { SUPPRESSION_TABLE } from './suppression-table.js';

/** Privacy's schema changes (versions are one sequence across the datamart: src/schema). */
export const PRIVACY_MIGRATIONS: readonly Migration[] = [
  { version: 9, name: 'audit log', statements: (dialect) => [dialect.createTable(AUDIT_LOG_TABLE)] },
  { version: 10, name: 'suppression list', statements: (dialect) => [dialect.createTable(SUPPRESSION_TABLE)] },
];
