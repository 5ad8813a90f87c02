// A few pipeline steps rerun alone: for a test that changes a setting and reads what those steps
// make of it. `runPipeline(..., { from })` also rebuilds every later step (channels, needs,
// profiles, the dashboard tables...), which such a test does not read and which took most of
// its time once the model fit was fast.
import type { Config } from '../../src/config/index.js';
import { defaultAsOf, PIPELINE } from '../../src/pipeline/index.js';
import type { Engine } from '../../src/store/index.js';

/**
 * Runs the named steps in pipeline order, each in its own transaction as runPipeline does, as of
 * `asOf` (default: the last purchase, as runPipeline). The other tables stay as they are.
 */
export async function runSteps(engine: Engine, config: Config, names: readonly string[], asOf?: Date): Promise<void> {
  const unknown = names.filter((name) => !PIPELINE.some((step) => step.name === name));
  if (unknown.length > 0) throw new Error(`no pipeline step named ${unknown.join(', ')}`);
  const at = asOf ?? (await defaultAsOf(engine));
  for (const step of PIPELINE.filter((s) => names.includes(s.name))) {
    await engine.transaction((tx) => step.run({ engine: tx, config, asOf: at, warn: () => undefined }));
  }
}
