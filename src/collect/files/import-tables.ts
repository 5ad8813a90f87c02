import { sql, SYSTEM_TABLES, TABLES, type Engine } from '../../store/index.js';

/** Suffixes of the tables of an import in progress on an engine without transactions. */
const STAGED = '__import';
const NEXT = '__import_next';
const REPLACED = '__replaced';

/** Scratch tables one file's import makes (dropped as it goes, and by clearLeftovers after a kill). */
export const SCRATCH_TABLES = ['import_raw', 'import_typed', 'import_typed__delta', 'tx_input', 'tx_rows', 'tx_customers', 'tx_products', 'tx_orders', 'tx_lines', 'tx_customers__delta', 'tx_products__delta', 'tx_orders__delta', 'tx_lines__delta'] as const;

/**
 * Where an import reads and writes each datamart table.
 *
 * With transactions (DuckDB) these are the tables themselves: the import runs in one
 * transaction, so it is all or nothing.
 *
 * Without (ClickHouse) an import never writes a table in place: the first write to `orders`
 * copies it to `orders__import`, every later read and write of `orders` in the same import goes
 * to the copy, and `commit` swaps the copies in with one RENAME TABLE statement (`orders` becomes
 * `orders__replaced`, `orders__import` becomes `orders`), then drops the replaced tables. A refused
 * import drops its copies; a killed one leaves them, and the next import drops them first
 * (`clearLeftovers`): either way the tables keep their previous rows until the swap.
 * See docs/clickhouse.md, "File import".
 */
export class ImportTables {
  private readonly staged = new Set<string>();

  constructor(private readonly engine: Engine) {}

  /** Whether writes go to copies swapped in at the end (no transactions). */
  get staging(): boolean {
    return !this.engine.dialect.supportsTransactions;
  }

  /** The table holding `table`'s rows as this import has left them so far. */
  read(table: string): string {
    return this.staged.has(table) ? `${table}${STAGED}` : table;
  }

  /** The table to write `table`'s rows into: the table itself, or its copy (made on first use). */
  async write(table: string): Promise<string> {
    if (!this.staging) return table;
    const copy = `${table}${STAGED}`;
    if (!this.staged.has(table)) {
      await this.engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(copy)}`);
      await this.engine.exec(this.engine.dialect.createTableLike(copy, table));
      await this.engine.exec(sql`INSERT INTO ${sql.id(copy)} SELECT * FROM ${sql.id(table)}`);
      this.staged.add(table);
    }
    return copy;
  }

  /**
   * Gives `table`'s copy new rows: `fill` writes them into an empty table of the same structure,
   * which then takes the copy's place (how rows are replaced where there is no DELETE).
   */
  async rebuild(table: string, fill: (into: string) => Promise<void>): Promise<void> {
    const copy = await this.write(table);
    const next = `${table}${NEXT}`;
    await this.engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(next)}`);
    await this.engine.exec(this.engine.dialect.createTableLike(next, table));
    await fill(next);
    await this.engine.exec(sql`DROP TABLE ${sql.id(copy)}`);
    for (const statement of this.engine.dialect.renameTables([[next, copy]])) await this.engine.exec(statement);
  }

  /** Swaps every copy in at once, then drops the tables they replaced. */
  async commit(): Promise<void> {
    if (!this.staging || this.staged.size === 0) return;
    const tables = [...this.staged];
    const pairs = tables.flatMap((t): [string, string][] => [
      [t, `${t}${REPLACED}`],
      [`${t}${STAGED}`, t],
    ]);
    for (const statement of this.engine.dialect.renameTables(pairs)) await this.engine.exec(statement);
    this.staged.clear();
    for (const t of tables) await this.engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(`${t}${REPLACED}`)}`);
  }

  /** Drops the copies of a refused import: the tables were never touched. */
  async discard(): Promise<void> {
    const tables = [...this.staged];
    this.staged.clear();
    for (const t of tables) await this.engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(`${t}${STAGED}`)}`);
    await dropScratch(this.engine);
  }

  /**
   * Drops what an import killed before its end left (copies, replaced tables, scratch tables).
   * Only one import at a time may run on a database (docs/clickhouse.md): this would drop the
   * copies of another one still running, whose swap would then fail, leaving the tables intact.
   */
  static async clearLeftovers(engine: Engine): Promise<void> {
    if (engine.dialect.supportsTransactions) return;
    const names = [...TABLES, ...SYSTEM_TABLES].flatMap((t) => [STAGED, NEXT, REPLACED].map((suffix) => `${t.name}${suffix}`));
    const found = await engine.query<{ name: string }>(engine.dialect.existingTables(names));
    for (const { name } of found) await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(name)}`);
    await dropScratch(engine);
  }
}

async function dropScratch(engine: Engine): Promise<void> {
  if (engine.dialect.supportsTransactions) return; // temporary tables of the rolled-back transaction
  for (const name of SCRATCH_TABLES) await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(name)}`);
}
