import type { TableSpec } from '../store/index.js';
import { AUDIENCES_TABLE } from './audiences/table.js';
import { DELIVERY_ATTEMPTS_TABLE, DELIVERY_DEAD_LETTERS_TABLE } from './delivery/tables.js';
import { PLAN_TABLES } from './planner/tables.js';
import { CONTACT_ALLOWANCE_TABLE } from './pressure/allowance.js';

/** The tables acting one to one writes, in the order docs/data-model.md lists them. */
export const ACTIVATION_TABLES: readonly TableSpec[] = [AUDIENCES_TABLE, CONTACT_ALLOWANCE_TABLE, ...PLAN_TABLES, DELIVERY_ATTEMPTS_TABLE, DELIVERY_DEAD_LETTERS_TABLE];
