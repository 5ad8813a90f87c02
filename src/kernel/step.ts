import type { Config } from '../config/index.js';
import type { Engine } from '../store/index.js';

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
  run(context: StepContext): Promise<void>;
}
