import { describe, expect, it } from 'vitest';
import { StepRequirementError } from '../errors.js';
import { DuckDbEngine, engineCapabilities, type EngineCapability } from '../store/index.js';
import { assertStepsCanRun, missingRequirements, type PipelineStep } from './step.js';

function step(name: string, requires: readonly EngineCapability[]): PipelineStep {
  return { name, reads: [], writes: [], requires, run: () => Promise.resolve() };
}

describe('a step\'s requirements', () => {
  it('DuckDB has what the SQL steps may need, and no ClickHouse input-format streams', async () => {
    const engine = await DuckDbEngine.open(':memory:');
    expect([...engineCapabilities(engine)].sort()).toEqual(['columnAppends', 'columnReads', 'cte', 'jsonDocuments', 'multipleJoins', 'singleServer', 'transactions', 'windowFunctions']);
    await engine.close();
  });

  it('refuses, before anything runs, the first step needing what the engine lacks, naming the step and what it lacks', async () => {
    const engine = await DuckDbEngine.open(':memory:');
    const steps = [step('fine', ['windowFunctions', 'cte']), step('streams', ['windowFunctions', 'formatStreams']), step('later', ['formatStreams'])];
    expect(missingRequirements(engine, steps[0] as PipelineStep)).toEqual([]);
    expect(missingRequirements(engine, steps[1] as PipelineStep)).toEqual(['formatStreams']);
    let refusal: unknown;
    try {
      assertStepsCanRun(engine, steps);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(StepRequirementError);
    expect((refusal as StepRequirementError).code).toBe('unsupported_engine');
    expect((refusal as StepRequirementError).details).toEqual({ step: 'streams', engine: 'DuckDB', missing: ["inserts streamed in the server's own input formats"] });
    expect((refusal as Error).message).toBe(
      "the pipeline step streams does not run on DuckDB: it needs inserts streamed in the server's own input formats, which DuckDB lacks; run the pipeline on an engine that has them",
    );
    expect(() => assertStepsCanRun(engine, steps.slice(0, 1))).not.toThrow();
    await engine.close();
  });
});
