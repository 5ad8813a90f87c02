/**
 * Output files: buffered CSV streams that respect backpressure, and the conversion of the CSV
 * tables to typed Parquet or JSON Lines by the embedded engine.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { DuckDbEngine, TABLES, sql } from '../store/index.js';

/** One CSV file written through a stream: large chunks in, and a wait whenever the stream is full. */
export class CsvFile {
  private readonly stream: WriteStream;
  private failure: Error | null = null;

  constructor(
    readonly path: string,
    header: readonly string[],
  ) {
    this.stream = createWriteStream(path, { highWaterMark: 1 << 22 });
    this.stream.on('error', (error) => {
      this.failure = error;
    });
    this.stream.write(`${header.join(',')}\n`);
  }

  async write(chunk: string): Promise<void> {
    this.throwIfFailed();
    if (chunk.length > 0 && !this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.throwIfFailed();
    await new Promise<void>((resolve, reject) => {
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Closes without waiting for pending data, after a failure elsewhere. */
  abort(): void {
    this.stream.destroy();
  }
}

/** Rewrites every CSV table of `csvDir` as typed Parquet or JSON Lines (one object a line) in `outDir`. */
export async function convertTables(csvDir: string, outDir: string, format: 'parquet' | 'jsonl'): Promise<string[]> {
  const engine = await DuckDbEngine.open(':memory:');
  const files: string[] = [];
  try {
    for (const table of TABLES) {
      const columns = table.columns.map((c) => `${engine.dialect.literal(c.name)}: '${engine.dialect.columnType(c.type)}'`).join(', ');
      const target = join(outDir, `${table.name}.${format}`);
      const source = join(csvDir, `${table.name}.csv`);
      const options = sql.raw(format === 'parquet' ? 'FORMAT parquet' : 'FORMAT json');
      await engine.exec(sql`COPY (SELECT * FROM read_csv(${source}, header = true, auto_detect = false, delim = ',',
        quote = '"', escape = '"', columns = ${sql.raw(`{${columns}}`)})) TO ${target} (${options})`);
      files.push(target);
    }
  } finally {
    await engine.close();
  }
  return files;
}
