// Next best offer on the demo company: generate, import, run the pipeline and the needs steps,
// then evaluate hit rate at 5 on a time split against the popularity baseline, side by side.
// Run alone: npx tsx bench/next-best-offer.ts --customers 20000 [--seed 42] [--horizon 180]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { importFiles } from '../src/collect/index.js';
import { parseConfig } from '../src/config/index.js';
import { generateDemoCompany } from '../src/generate/index.js';
import { evaluateNextBestOffer, NEEDS_STEPS } from '../src/needs/index.js';
import { defaultAsOf, runPipeline } from '../src/pipeline/index.js';
import { openStore } from '../src/schema/index.js';
import { round } from './round.js';

const DAY_MS = 86_400_000;

export async function benchNextBestOffer(opts: { customers: number; seed?: number; horizonDays?: number }): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'fidelis-nbo-'));
  const seconds = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const result = await work();
    return [result, (performance.now() - t0) / 1000];
  };
  try {
    const [, generateSeconds] = await seconds(() =>
      generateDemoCompany({ customers: opts.customers, seed: opts.seed ?? 42, outDir: join(dir, 'company'), format: 'csv' }),
    );
    const engine = await openStore(join(dir, 'fidelis.duckdb'));
    try {
      const [, importSeconds] = await seconds(() => importFiles(engine, [join(dir, 'company')]));
      const config = parseConfig({});
      const asOf = await defaultAsOf(engine);
      const [, pipelineSeconds] = await seconds(() => runPipeline(engine, config, { asOf }));
      const stepSeconds: Record<string, number> = {};
      for (const step of NEEDS_STEPS) {
        const [, s] = await seconds(() => engine.transaction((tx) => step.run({ engine: tx, config, asOf, warn: () => undefined })));
        stepSeconds[`${step.name}Seconds`] = round(s, 2);
      }
      const horizonDays = opts.horizonDays ?? config.needs.evaluation.horizonDays;
      const splitDate = new Date(asOf.getTime() - horizonDays * DAY_MS);
      const evaluation = await evaluateNextBestOffer(engine, config, { splitDate, horizonDays, restore: false });
      return {
        customers: opts.customers,
        splitDate: splitDate.toISOString().slice(0, 10),
        horizonDays,
        customersEvaluated: evaluation.customersEvaluated,
        nboHitRateAt5: round(evaluation.hitRate, 4),
        popularityHitRateAt5: round(evaluation.popularityHitRate, 4),
        hitRateRatio: round(evaluation.popularityHitRate > 0 ? evaluation.hitRate / evaluation.popularityHitRate : 0, 2),
        crossSellHits: evaluation.hitsByKind.cross_sell,
        upSellHits: evaluation.hitsByKind.up_sell,
        sameRangeHits: evaluation.hitsByKind.same_range,
        generateSeconds: round(generateSeconds, 1),
        importSeconds: round(importSeconds, 1),
        pipelineSeconds: round(pipelineSeconds, 1),
        needsSeconds: round(Object.values(stepSeconds).reduce((s, x) => s + x, 0), 1),
        ...stepSeconds,
        evaluateSeconds: round(evaluation.seconds, 1),
      };
    } finally {
      await engine.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { customers: { type: 'string', default: '20000' }, seed: { type: 'string', default: '42' }, horizon: { type: 'string' } } });
  const result = await benchNextBestOffer({
    customers: Number(values.customers),
    seed: Number(values.seed),
    ...(values.horizon ? { horizonDays: Number(values.horizon) } : {}),
  });
  const pct = (x: unknown): string => `${(100 * Number(x)).toFixed(1)}%`;
  process.stdout.write(
    `hit rate at 5 on ${String(result.customersEvaluated)} customers (split ${String(result.splitDate)}, ${String(result.horizonDays)} days): ` +
      `next best offer ${pct(result.nboHitRateAt5)} | popularity ${pct(result.popularityHitRateAt5)} (x${String(result.hitRateRatio)})\n`,
  );
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
