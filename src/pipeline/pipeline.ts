import { randomUUID } from 'node:crypto';
import type { Config } from '../config/index.js';
import { UsageError } from '../errors.js';
import { sql, type Engine } from '../store/index.js';
import { customerPersons } from '../identity/index.js';
import { personConsents } from '../consent/index.js';
import { clv, customerFacts, referralValue, rfm } from '../value/index.js';
import { attachment, customerClassesStep, digitalMaturity, pareto, potential, snapshot, strategicGrid, valueTiers } from '../segments/index.js';
import { NEEDS_STEPS, purchaseLines } from '../needs/index.js';
import { lookupIndexes, profileDocuments } from '../profiles/index.js';
import { dashboard } from '../dashboard/index.js';
import { customerChannels } from '../activation/index.js';
import { orderFacts } from '../value/order-facts.js';
import { assertStepsCanRun, stepEngine, type PipelineStep } from '../kernel/index.js';

/** The whole pipeline, in order. Later steps (value, classes, needs) append here. */
export const PIPELINE: readonly PipelineStep[] = [
  customerPersons,
  personConsents,
  orderFacts,
  customerFacts,
  rfm,
  clv,
  referralValue,
  purchaseLines,
  potential,
  attachment,
  valueTiers,
  strategicGrid,
  pareto,
  digitalMaturity,
  customerChannels,
  ...NEEDS_STEPS.filter((step) => step !== purchaseLines),
  customerClassesStep(),
  snapshot,
  dashboard,
  profileDocuments,
  lookupIndexes,
];

export interface RunReport {
  readonly runId: string;
  readonly asOf: Date;
  readonly steps: readonly { readonly name: string; readonly seconds: number }[];
  readonly warnings: readonly string[];
}

/** The default as-of date: the last recorded purchase (so a demo company's past is "now"). */
export async function defaultAsOf(engine: Engine): Promise<Date> {
  const [row] = await engine.query<{ last: Date | null }>(sql`SELECT max(ordered_at) AS last FROM orders`);
  return row?.last instanceof Date ? row.last : new Date();
}

export async function runPipeline(
  engine: Engine,
  config: Config,
  options: {
    asOf?: Date;
    /** Start at this step (the tables of the steps before it are taken as they are). */
    from?: string;
    /** Called before each step (awaited: a bench times its yardstick there, outside the step's seconds). */
    onStep?: (step: PipelineStep, index: number, total: number) => void | Promise<void>;
  } = {},
): Promise<RunReport> {
  const asOf = options.asOf ?? (await defaultAsOf(engine));
  const start = options.from === undefined ? 0 : PIPELINE.findIndex((s) => s.name === options.from);
  if (start < 0) throw new UsageError(`No pipeline step named ${options.from ?? ''}; steps: ${PIPELINE.map((s) => s.name).join(', ')}`);
  // Before any step runs: a step the engine cannot run would otherwise stop the run halfway.
  assertStepsCanRun(engine, PIPELINE.slice(start));
  const runId = randomUUID();
  const steps: { name: string; seconds: number }[] = [];
  const warnings: string[] = [];
  const started = new Date();
  for (const [index, step] of PIPELINE.entries()) {
    if (index < start) continue;
    await options.onStep?.(step, index, PIPELINE.length);
    const t0 = performance.now();
    const warn = (message: string): void => {
      warnings.push(`${step.name}: ${message}`);
    };
    await engine.transaction((tx) => step.run({ engine: stepEngine(tx, step), config, asOf, warn }));
    steps.push({ name: step.name, seconds: (performance.now() - t0) / 1000 });
  }
  await engine.exec(sql`INSERT INTO pipeline_runs VALUES (${runId}, ${asOf}, ${started}, ${new Date()},
    ${steps.map((s) => s.name).join(',')})`);
  return { runId, asOf, steps, warnings };
}
