import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { CATEGORIES } from './catalogue.js';
import { convertCsvTables } from './convert.js';
import { DIGITAL_TYPES, DIGITAL_TYPE_SHARES, type Profile } from './people.js';
import { generatePerson, POPULATION } from './person-life.js';
import { APP_LAUNCH, END_DATE, HORIZON_WEEKS, ORIGIN_MS } from './timeline.js';
import { csvText, money } from './writer.js';
import { World } from './world.js';

export const generateOptionsSchema = z.object({
  customers: z.number().int().min(1).max(50_000_000),
  seed: z.number().int(),
  outDir: z.string().min(1),
  format: z.enum(['csv', 'parquet', 'jsonl']).default('csv'),
  onProgress: z.custom<(done: number, total: number) => void>((v) => typeof v === 'function').optional(),
});
export type GenerateOptions = z.input<typeof generateOptionsSchema>;

export interface GenerateReport {
  readonly outDir: string;
  readonly format: 'csv' | 'parquet' | 'jsonl';
  readonly rows: Record<string, number>;
  readonly groundTruthDir: string;
  readonly seconds: number;
}

/**
 * Generates a demo company: a French multi-channel retailer over three years, one file per
 * datamart table, and its ground truth in `<outDir>/ground-truth/`. Deterministic for a seed.
 */
export async function generateDemoCompany(input: GenerateOptions): Promise<GenerateReport> {
  const parsed = generateOptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw new UsageError(`invalid generate options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const options = parsed.data;
  const started = performance.now();
  const truthDir = join(options.outDir, 'ground-truth');
  mkdirSync(truthDir, { recursive: true });
  const csvDir = options.format === 'csv' ? options.outDir : mkdtempSync(join(tmpdir(), 'fidelis-generate-'));
  const world = new World(options.seed, csvDir, truthDir);
  for (const product of world.products) {
    world.tables.products.row(
      `${product.sku},${csvText(product.name)},${CATEGORIES[product.category]?.name},${product.subCategory},${money(product.price)},${money(product.unitCost)}`,
    );
  }
  for (const campaign of world.campaigns) {
    world.tables.campaigns.row(
      `${campaign.id},${csvText(`${campaign.objective} ${campaign.channel} ${world.time.day(campaign.at)}`)},${campaign.channel},${campaign.objective},${world.time.timestamp(campaign.at)}`,
    );
  }
  const recentProfiles: Profile[] = [];
  const step = Math.max(1, Math.floor(options.customers / 200));
  for (let i = 0; i < options.customers; i++) {
    generatePerson(world, i, recentProfiles);
    if (i % step === 0) {
      options.onProgress?.(i, options.customers);
      // Let a progress bar redraw on long runs.
      if (i % (step * 20) === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  options.onProgress?.(options.customers, options.customers);
  world.close();
  const rows = Object.fromEntries(Object.entries(world.tables).map(([name, table]) => [name, table.rows]));
  writeTruthSummary(truthDir, options.seed, options.customers, rows);
  if (options.format !== 'csv') {
    await convertCsvTables(csvDir, options.outDir, options.format);
    rmSync(csvDir, { recursive: true, force: true });
  }
  return { outDir: options.outDir, format: options.format, rows, groundTruthDir: truthDir, seconds: (performance.now() - started) / 1000 };
}

function writeTruthSummary(dir: string, seed: number, customers: number, rows: Record<string, number>): void {
  const truth = {
    seed,
    customers,
    start: new Date(ORIGIN_MS).toISOString().slice(0, 10),
    end: END_DATE,
    timeUnit: 'week',
    horizonWeeks: HORIZON_WEEKS,
    appLaunch: new Date(ORIGIN_MS + APP_LAUNCH * 1000).toISOString().slice(0, 10),
    bgnbd: POPULATION.bgnbd,
    gammaGamma: POPULATION.gammaGamma,
    note:
      'BG/NBD and Gamma-Gamma parameters describe the base population; costly customers (lambda x1.3, nu / 3) ' +
      'and faithful small customers (lambda ~ Gamma(8, 50), p = 0.01, nu x 3) are drawn apart. Purchases follow ' +
      'the BG/NBD process thinned by a monthly seasonality of mean 1. persons.csv has each person\'s true values.',
    digitalTypeShares: Object.fromEntries(DIGITAL_TYPES.map((t, i) => [t, DIGITAL_TYPE_SHARES[i]])),
    shares: {
      initialBase: POPULATION.initialBaseShare,
      referred: POPULATION.referralShare,
      sharedFamilyEmail: POPULATION.sharedEmailShare,
      emailTypo: POPULATION.typoShare,
      costly: 0.04,
      faithfulSmall: 0.048,
      singleCategory: 0.15,
    },
    categories: CATEGORIES.map((c) => c.name),
    rows,
  };
  writeFileSync(join(dir, 'truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
}
