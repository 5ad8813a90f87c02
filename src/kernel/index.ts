// The step kernel: what every pipeline step is built from. Domains import this, never src/pipeline
// (the list of steps and its runner), so data flows one way: store -> kernel -> domains -> pipeline.
export type { PipelineStep, StepContext } from './step.js';
export { assertStepsCanRun, missingRequirements } from './step.js';
export { stepEngine } from './step-engine.js';
export { replaceTable, replacePerPersonTable, dropTables, replaceTableByJoins } from './tables.js';
export type { JoinedTable } from './tables.js';
export { forEachBucket, joinBuckets, replaceTableInBuckets } from './buckets.js';
