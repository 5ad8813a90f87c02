export { PIPELINE, runPipeline, defaultAsOf } from './pipeline.js';
export type { RunReport } from './pipeline.js';
export type { PipelineStep, StepContext } from './step.js';
export { replaceTable, dropTables } from './tables.js';
