export { dashboard, DASHBOARD_TABLES } from './step.js';
export { DASHBOARD_DIMENSIONS, DIMENSION_LABELS, RFM_CELL, UNCLASSIFIED } from './dimensions.js';
export type { DashboardDimension } from './dimensions.js';
export { foldName } from './fold.js';
export { csvField, EXPORT_COLUMNS } from './export.js';
export { pAliveCurve } from './p-alive-curve.js';
export { SORT_FIELDS, MAX_PAGE_SIZE } from './schemas.js';
