// One benchmark phase in its own process, so that its peak memory is its own.
// Prints one JSON line: {phase, seconds, maxRssMb, ...}.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { importFiles } from '../src/collect/index.js';
import { parseConfig } from '../src/config/index.js';
import { generateDemoCompany } from '../src/generate/index.js';
import { runPipeline } from '../src/pipeline/index.js';
import { DuckDbEngine, sql } from '../src/store/index.js';
import { openStore } from '../src/schema/index.js';

const [phase = '', ...args] = process.argv.slice(2);

async function measure(work: () => Promise<Record<string, unknown>>): Promise<void> {
  const t0 = performance.now();
  const extra = await work();
  const seconds = (performance.now() - t0) / 1000;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ phase, seconds, maxRssMb, ...extra })}\n`);
}

function dataFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => join(dir, f));
}

async function main(): Promise<void> {
  const [a = '', b = ''] = args;
  switch (phase) {
    case 'generate':
      return measure(async () => {
        const report = await generateDemoCompany({ customers: Number(a), seed: 42, outDir: b, format: 'csv' });
        const rows = Object.values(report.rows).reduce((s, n) => s + n, 0);
        const bytes = dataFiles(b).reduce((s, f) => s + statSync(f).size, 0);
        return { rows, megabytes: bytes / 1e6 };
      });
    case 'import':
      return measure(async () => {
        const memoryLimit = args[2];
        const engine = await openStore(b, memoryLimit ? { memoryLimit } : {});
        const report = await importFiles(engine, [a]);
        await engine.close();
        return { records: report.files.reduce((s, f) => s + f.records, 0), inserted: report.files.reduce((s, f) => s + f.inserted, 0) };
      });
    case 'run':
      return measure(async () => {
        const engine = await openStore(a);
        const report = await runPipeline(engine, parseConfig({}));
        await engine.close();
        return { steps: Object.fromEntries(report.steps.map((s) => [s.name, Number(s.seconds.toFixed(1))])), warnings: report.warnings };
      });
    case 'raw-load':
      // Baseline: the engine's plain CSV load of the same files, no typing, validation or merge.
      return measure(async () => {
        const engine = await DuckDbEngine.open(b);
        for (const file of dataFiles(a)) {
          const table = file.replace(/^.*\//, '').replace('.csv', '');
          await engine.exec(sql`CREATE TABLE ${sql.id(table)} AS SELECT * FROM read_csv(${file})`);
        }
        await engine.close();
        return {};
      });
    default:
      throw new Error(`unknown phase ${phase}`);
  }
}

await main();
