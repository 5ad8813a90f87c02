import type { Migration, TableSpec } from '../store/index.js';
import { AUDIENCES_TABLE } from './audiences/table.js';
import { DELIVERY_ATTEMPTS_TABLE, DELIVERY_DEAD_LETTERS_TABLE } from './delivery/tables.js';
import { PLAN_TABLES } from './planner/tables.js';
import { CONTACT_ALLOWANCE_TABLE } from './pressure/allowance.js';

/** The tables acting one to one writes, in the order docs/data-model.md lists them. */
export const ACTIVATION_TABLES: readonly TableSpec[] = [AUDIENCES_TABLE, CONTACT_ALLOWANCE_TABLE, ...PLAN_TABLES, DELIVERY_ATTEMPTS_TABLE, DELIVERY_DEAD_LETTERS_TABLE];

/** Activation's schema changes (versions are one sequence across the datamart: src/schema). */
export const ACTIVATION_MIGRATIONS: readonly Migration[] = [
  { version: 12, name: 'saved audiences', statements: (dialect) => [dialect.createTable(AUDIENCES_TABLE)] },
  { version: 14, name: 'campaign plans and holdouts', statements: (dialect) => PLAN_TABLES.map((t) => dialect.createTable(t)) },
  {
    version: 15,
    name: 'delivery attempts and dead letters',
    statements: (dialect) => [dialect.createTable(DELIVERY_ATTEMPTS_TABLE), dialect.createTable(DELIVERY_DEAD_LETTERS_TABLE)],
  },
];
