export { dashboard } from './step.js';
export { DASHBOARD_DIMENSIONS } from './dimensions.js';
export { foldName } from './fold.js';
export { csvField } from './export.js';
export { pAliveCurve } from './p-alive-curve.js';
