/**
 * `generateDemoCompany`: a fictional French multi-channel retailer over three years, one file
 * per datamart table plus its ground truth, byte-identical for a seed and a size.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { TABLES, type TableName } from '../store/index.js';
import { CATEGORY_NAMES } from './catalogue.js';
import { formatTimestamp } from './calendar.js';
import { generatePerson } from './life.js';
import { CsvFile, convertTables } from './output.js';
import { Rows, TRUTH_FILES, TRUTH_FILE_NAMES, money, text, type TruthFile } from './rows.js';
import { writeTruthSummary } from './truth.js';
import { World } from './world.js';

export const generateOptionsSchema = z.object({
  /** Number of people (each becomes one or more customer records). */
  customers: z.number().int().min(1).max(10_000_000),
  seed: z.number().int().min(-(2 ** 52)).max(2 ** 52),
  outDir: z.string().min(1),
  format: z.enum(['csv', 'parquet', 'jsonl']).default('csv'),
  onProgress: z.custom<(done: number, total: number) => void>((v) => typeof v === 'function').optional(),
});
export type GenerateOptions = z.input<typeof generateOptionsSchema>;

export interface GenerateReport {
  readonly outDir: string;
  readonly format: 'csv' | 'parquet' | 'jsonl';
  readonly seed: number;
  readonly persons: number;
  /** Rows written per datamart table. */
  readonly rows: Record<TableName, number>;
  readonly files: readonly string[];
  /** Folder of the ground truth (for tests and benchmarks; the importer skips sub-folders). */
  readonly groundTruthDir: string;
  readonly groundTruthFiles: readonly string[];
  readonly seconds: number;
}

/**
 * Persons per batch: their rows are gathered as strings, then streamed out. Small batches let the
 * strings die young in the garbage collector (500 persons a batch took twice as long).
 */
const BATCH = 32;
const PROGRESS_EVERY = 2048;

export async function generateDemoCompany(input: GenerateOptions): Promise<GenerateReport> {
  const parsed = generateOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
    throw new UsageError(`Invalid generate options: ${issues.join('; ')}`);
  }
  const { customers, seed, outDir, format, onProgress } = parsed.data;
  const started = performance.now();
  const truthDir = join(outDir, 'ground-truth');
  mkdirSync(truthDir, { recursive: true });
  const csvDir = format === 'csv' ? outDir : mkdtempSync(join(tmpdir(), 'fidelis-generate-'));
  const world = new World(seed, customers);
  const tables = TABLES.map((t) => new CsvFile(join(csvDir, `${t.name}.csv`), t.columns.map((c) => c.name)));
  const truth = TRUTH_FILE_NAMES.map((f) => new CsvFile(join(truthDir, `${f}.csv`), TRUTH_FILES[f]));
  const rowCounts = Object.fromEntries(TABLES.map((t) => [t.name, 0])) as Record<TableName, number>;
  const truthCounts = Object.fromEntries(TRUTH_FILE_NAMES.map((f) => [f, 0])) as Record<TruthFile, number>;
  const flush = async (rows: Rows): Promise<void> => {
    await Promise.all([
      ...TABLES.map((t, k) => {
        rowCounts[t.name] += rows.tables[t.name].rows;
        return tables[k]?.write(rows.tables[t.name].take());
      }),
      ...TRUTH_FILE_NAMES.map((f, k) => {
        truthCounts[f] += rows.truth[f].rows;
        return truth[k]?.write(rows.truth[f].take());
      }),
    ]);
  };
  try {
    await flush(referenceRows(world));
    for (let from = 0; from < customers; from += BATCH) {
      const rows = new Rows();
      const to = Math.min(customers, from + BATCH);
      for (let i = from; i < to; i++) generatePerson(world, i, rows);
      await flush(rows);
      if (to % PROGRESS_EVERY < BATCH || to === customers) {
        onProgress?.(to, customers);
        // Lets timers (a progress bar) and signals through between stream waits.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await Promise.all([...tables, ...truth].map((f) => f.close()));
  } catch (error) {
    for (const file of [...tables, ...truth]) file.abort();
    if (csvDir !== outDir) rmSync(csvDir, { recursive: true, force: true });
    throw error;
  }
  let files = tables.map((f) => f.path);
  if (format !== 'csv') {
    try {
      files = await convertTables(csvDir, outDir, format);
    } finally {
      rmSync(csvDir, { recursive: true, force: true });
    }
  }
  writeTruthSummary(truthDir, world.population, rowCounts, truthCounts);
  return {
    outDir,
    format,
    seed,
    persons: customers,
    rows: rowCounts,
    files,
    groundTruthDir: truthDir,
    groundTruthFiles: [...truth.map((f) => f.path), join(truthDir, 'truth.json')],
    seconds: (performance.now() - started) / 1000,
  };
}

/** The catalogue and the campaigns, written before the persons. */
function referenceRows(world: World): Rows {
  const rows = new Rows();
  for (const p of world.catalogue.products) {
    rows.tables.products.add(`${p.sku},${text(p.name)},${CATEGORY_NAMES[p.category]},${p.subCategory},${money(p.price)},${money(p.unitCost)}\n`);
  }
  for (const c of world.campaigns) {
    rows.tables.campaigns.add(`${c.id},${text(c.name)},${c.channel},${c.objective},${formatTimestamp(c.start)}\n`);
  }
  return rows;
}
