import { join } from 'node:path';
import { DuckDbEngine, sql, TABLES } from '../store/index.js';

/** Rewrites generated CSV tables as typed Parquet or JSON Lines with the embedded engine. */
export async function convertCsvTables(csvDir: string, outDir: string, format: 'parquet' | 'jsonl'): Promise<void> {
  const engine = await DuckDbEngine.open(':memory:');
  try {
    for (const table of TABLES) {
      const columns = table.columns
        .map((c) => `${engine.dialect.literal(c.name)}: '${engine.dialect.columnType(c.type)}'`)
        .join(', ');
      const source = join(csvDir, `${table.name}.csv`);
      const target = join(outDir, `${table.name}.${format === 'parquet' ? 'parquet' : 'jsonl'}`);
      const options = format === 'parquet' ? sql.raw('FORMAT parquet') : sql.raw('FORMAT json');
      await engine.exec(sql`COPY (SELECT * FROM read_csv(${source}, header = true, auto_detect = false, delim = ',',
        quote = '"', escape = '"', columns = ${sql.raw(`{${columns}}`)})) TO ${target} (${options})`);
    }
  } finally {
    await engine.close();
  }
}
