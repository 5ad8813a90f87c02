export { PIPELINE, runPipeline, defaultAsOf } from './pipeline.js';
export type { RunReport } from './pipeline.js';
