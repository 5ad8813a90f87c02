import type { Config } from '../config/index.js';
import { StepRequirementError } from '../errors.js';
import { ENGINE_CAPABILITIES, engineCapabilities, engineLabel, type Engine, type EngineCapability } from '../store/index.js';

export interface StepContext {
  readonly engine: Engine;
  readonly config: Config;
  /** The date the analysis is made at: data after it is ignored. */
  readonly asOf: Date;
  /** Records something the user should know (a model that could not be fitted...), without failing the run. */
  readonly warn: (message: string) => void;
}

/** A pipeline step reads named tables and writes named tables, so it can be run or tested alone. */
export interface PipelineStep {
  readonly name: string;
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  /**
   * What the step cannot run without (src/store/engine-capabilities.ts); what it works around
   * with a fallback is not listed. The runner refuses the step on an engine that lacks one.
   */
  readonly requires: readonly EngineCapability[];
  run(context: StepContext): Promise<void>;
}

/** The capabilities a step requires that the engine lacks (none: the step runs there). */
export function missingRequirements(engine: Engine, step: PipelineStep): EngineCapability[] {
  const has = engineCapabilities(engine);
  return step.requires.filter((c) => !has.has(c));
}

/** Refuses, with a typed error naming them, the first step whose requirements the engine lacks. */
export function assertStepsCanRun(engine: Engine, steps: readonly PipelineStep[]): void {
  for (const step of steps) {
    const missing = missingRequirements(engine, step);
    if (missing.length > 0) throw new StepRequirementError(step.name, engineLabel(engine), missing.map((c) => ENGINE_CAPABILITIES[c]));
  }
}
