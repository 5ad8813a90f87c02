import type { Dialect } from './dialect.js';
import type { Engine } from './engine.js';
import { SNAPSHOT_TABLE, SYSTEM_TABLES, TABLES, USER_TABLE_NAMES, type TableSpec } from './schema.js';
import { sql } from './sql.js';
import { EVENT_TABLES, EVENTS_DEAD_LETTER_TABLE } from '../collect/events/tables.js';
import { identityTableStatements } from '../identity/tables.js';
import { AUDIT_LOG_TABLE } from '../privacy/audit.js';
import { LOGIN_FAILURES_TABLE } from '../server/login-limiter.js';
import { SUPPRESSION_TABLE } from '../privacy/suppression-table.js';
import { AUDIENCES_TABLE } from '../activation/audiences/table.js';
import { DELIVERY_ATTEMPTS_TABLE, DELIVERY_DEAD_LETTERS_TABLE } from '../activation/delivery/tables.js';
import { PLAN_TABLES } from '../activation/planner/tables.js';

/**
 * Versioned schema changes, applied in order and recorded in schema_migrations.
 * Migration 1 creates the tables from the specs; later migrations must be no-ops on what is
 * already there (IF NOT EXISTS forms, a ColumnAddition for a new column) because a new database
 * gets the current specs from migration 1.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  statements(dialect: Dialect): MigrationStatement[];
}

/** A column added to a table that may already have it (new databases get it from migration 1). */
export interface ColumnAddition {
  readonly table: string;
  readonly column: string;
  /** The column's type in the dialect. */
  readonly type: string;
  /** A derived table, absent until the pipeline has run: nothing to do then. */
  readonly tableMayBeMissing: boolean;
}

export type MigrationStatement = string | ColumnAddition;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'datamart tables',
    statements: (dialect) => [...TABLES, ...SYSTEM_TABLES.slice(1)].map((t: TableSpec) => dialect.createTable(t)),
  },
  {
    version: 2,
    name: 'customer snapshots',
    statements: (dialect) => [dialect.createTable(SNAPSHOT_TABLE)],
  },
  {
    version: 3,
    name: 'event collection',
    statements: (dialect) => EVENT_TABLES.map((t) => dialect.createTable(t)),
  },
  { version: 4, name: 'identity resolution', statements: identityTableStatements },
  {
    version: 5,
    name: 'dashboard users and sessions',
    statements: (dialect) =>
      SYSTEM_TABLES.filter((t) => (USER_TABLE_NAMES as readonly string[]).includes(t.name)).map((t) => dialect.createTable(t)),
  },
  {
    version: 6,
    name: 'customers street address',
    // The golden records (derived, present once identity has run) carry every customers column and its source.
    statements: (dialect) => [
      { table: 'customers', column: 'street_address', type: dialect.columnType('string', true), tableMayBeMissing: false },
      ...['street_address', 'street_address_from'].map((column) => ({
        table: 'person_profiles',
        column,
        type: dialect.columnType('string', true),
        tableMayBeMissing: true,
      })),
    ],
  },
  {
    version: 7,
    name: 'event dead letters and log identity',
    statements: (dialect) => [
      dialect.createTable(EVENTS_DEAD_LETTER_TABLE),
      { table: 'event_log_position', column: 'log_id', type: dialect.columnType('string', true), tableMayBeMissing: false },
    ],
  },
  { version: 8, name: 'dashboard login failures', statements: (dialect) => [dialect.createTable(LOGIN_FAILURES_TABLE)] },
  { version: 9, name: 'audit log', statements: (dialect) => [dialect.createTable(AUDIT_LOG_TABLE)] },
  { version: 10, name: 'suppression list', statements: (dialect) => [dialect.createTable(SUPPRESSION_TABLE)] },
  {
    version: 11,
    name: 'contact status (planned, sent, cancelled)',
    statements: (dialect) => [{ table: 'contacts', column: 'status', type: dialect.columnType('string', true), tableMayBeMissing: false }],
  },
  { version: 12, name: 'saved audiences', statements: (dialect) => [dialect.createTable(AUDIENCES_TABLE)] },
  { version: 14, name: 'campaign plans and holdouts', statements: (dialect) => PLAN_TABLES.map((t) => dialect.createTable(t)) },
  {
    version: 15,
    name: 'delivery attempts and dead letters',
    statements: (dialect) => [dialect.createTable(DELIVERY_ATTEMPTS_TABLE), dialect.createTable(DELIVERY_DEAD_LETTERS_TABLE)],
  },
  { version: 18, name: 'customer snapshots partitioned by as-of date (ClickHouse)', statements: (dialect) => dialect.repartition(SNAPSHOT_TABLE) },
];

async function addColumn(engine: Engine, addition: ColumnAddition): Promise<void> {
  const { dialect } = engine;
  if (dialect.supportsConditionalAlter) {
    await engine.exec(dialect.addColumnIfMissing(addition.table, addition.column, addition.type, addition.tableMayBeMissing));
    return;
  }
  const columns = await engine.query<{ name: string }>(dialect.tableColumns(addition.table));
  if (columns.length === 0 && addition.tableMayBeMissing) return;
  if (columns.some((c) => c.name === addition.column)) return;
  await engine.exec(dialect.addColumn(addition.table, addition.column, addition.type));
}

export interface MigrationReport {
  readonly applied: readonly number[];
  readonly current: number;
}

export async function migrate(engine: Engine): Promise<MigrationReport> {
  const [ledger] = SYSTEM_TABLES;
  if (!ledger) throw new Error('schema_migrations spec missing');
  await engine.exec(engine.dialect.createTable(ledger));
  const done = await engine.query<{ version: number }>(sql`SELECT version FROM ${sql.id(ledger.name)}`);
  const doneVersions = new Set(done.map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (doneVersions.has(migration.version)) continue;
    await engine.transaction(async (tx) => {
      for (const statement of migration.statements(tx.dialect)) {
        if (typeof statement === 'string') await tx.exec(statement);
        else await addColumn(tx, statement);
      }
      await tx.exec(
        sql`INSERT INTO ${sql.id(ledger.name)} VALUES (${migration.version}, ${migration.name}, ${new Date()})`,
      );
    });
    applied.push(migration.version);
  }
  return { applied, current: Math.max(0, ...MIGRATIONS.map((m) => m.version)) };
}
