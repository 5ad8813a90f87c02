import type { Dialect } from './dialect/index.js';
import type { Engine } from './engine.js';
import { LOGIN_FAILURES_TABLE, SNAPSHOT_TABLE, SYSTEM_TABLES, TABLES, USER_TABLE_NAMES, type TableSpec } from './schema.js';
import { sql } from './sql.js';

/**
 * Versioned schema changes, applied in order and recorded in schema_migrations.
 * Migration 1 creates the tables from the specs; later migrations must be no-ops on what is
 * already there (IF NOT EXISTS forms, a ColumnAddition for a new column) because a new database
 * gets the current specs from migration 1.
 *
 * The store knows only its own tables' migrations (STORE_MIGRATIONS): each domain hands in its
 * own, and src/schema puts them together, so the store imports no domain. Versions are one
 * sequence across all of them (a version once used is never reused, even when its migration goes).
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

export const STORE_MIGRATIONS: readonly Migration[] = [
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
  { version: 8, name: 'dashboard login failures', statements: (dialect) => [dialect.createTable(LOGIN_FAILURES_TABLE)] },
  {
    version: 11,
    name: 'contact status (planned, sent, cancelled)',
    statements: (dialect) => [{ table: 'contacts', column: 'status', type: dialect.columnType('string', true), tableMayBeMissing: false }],
  },
  { version: 18, name: 'customer snapshots partitioned by as-of date (ClickHouse)', statements: (dialect) => dialect.repartition(SNAPSHOT_TABLE) },
];

/**
 * The migrations handed in by the store and the domains, in version order. A version two of them
 * claim is a programming error, thrown as soon as src/schema loads (and pinned by its test).
 */
export function orderMigrations(lists: readonly (readonly Migration[])[]): readonly Migration[] {
  const all = lists.flat().sort((a, b) => a.version - b.version);
  for (const [index, migration] of all.entries()) {
    const previous = all[index - 1];
    if (previous?.version === migration.version) {
      throw new Error(`schema migration version ${migration.version} is claimed twice: "${previous.name}" and "${migration.name}"`);
    }
  }
  return all;
}

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

/** Applies, each in a transaction, the migrations the database has not recorded yet. */
export async function applyMigrations(engine: Engine, migrations: readonly Migration[]): Promise<MigrationReport> {
  const [ledger] = SYSTEM_TABLES;
  if (!ledger) throw new Error('schema_migrations spec missing');
  await engine.exec(engine.dialect.createTable(ledger));
  const done = await engine.query<{ version: number }>(sql`SELECT version FROM ${sql.id(ledger.name)}`);
  const doneVersions = new Set(done.map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const migration of migrations) {
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
  return { applied, current: Math.max(0, ...migrations.map((m) => m.version)) };
}
