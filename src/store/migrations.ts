import type { Dialect } from './dialect.js';
import type { Engine } from './engine.js';
import { SNAPSHOT_TABLE, SYSTEM_TABLES, TABLES, USER_TABLE_NAMES, type TableSpec } from './schema.js';
import { sql } from './sql.js';
import { EVENT_TABLES } from '../collect/events/tables.js';
import { identityTableStatements } from '../identity/tables.js';

/**
 * Versioned schema changes, applied in order and recorded in schema_migrations.
 * Migration 1 creates the tables from the specs; later migrations must use IF NOT EXISTS forms
 * (ADD COLUMN IF NOT EXISTS...) because a new database gets the current specs from migration 1.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  statements(dialect: Dialect): string[];
}

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
      `ALTER TABLE customers ADD COLUMN IF NOT EXISTS street_address ${dialect.columnType('string', true)}`,
      ...['street_address', 'street_address_from'].map(
        (column) => `ALTER TABLE IF EXISTS person_profiles ADD COLUMN IF NOT EXISTS ${dialect.quoteIdent(column)} ${dialect.columnType('string', true)}`,
      ),
    ],
  },
];

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
      for (const statement of migration.statements(tx.dialect)) await tx.exec(statement);
      await tx.exec(
        sql`INSERT INTO ${sql.id(ledger.name)} VALUES (${migration.version}, ${migration.name}, ${new Date()})`,
      );
    });
    applied.push(migration.version);
  }
  return { applied, current: Math.max(0, ...MIGRATIONS.map((m) => m.version)) };
}
