export { PIPELINE, runPipeline, defaultAsOf } from './pipeline.js';
export type { RunReport } from './pipeline.js';
export type { PipelineStep, StepContext } from './step.js';
export { replaceTable, dropTables, replaceTableByJoins } from './tables.js';
export type { JoinedTable } from './tables.js';
