import { CLASS_DIMENSIONS } from '../segments/index.js';

/** RFM cells (`r5f3`) beside the named classes: the heatmap's cells are segments too. */
export const RFM_CELL = 'rfm_cell';

/** Every dimension a segment, a list filter and an export can name (columns of customer_list). */
export const DASHBOARD_DIMENSIONS = [...CLASS_DIMENSIONS, RFM_CELL] as const;
export type DashboardDimension = (typeof DASHBOARD_DIMENSIONS)[number];

export const DIMENSION_LABELS: Readonly<Record<DashboardDimension, string>> = {
  value_tier: 'Value tier (CPP, CCM, CNR)',
  value_column: 'Four columns (d1-d4)',
  grid: 'Revenue x profitability grid',
  digital_type: 'Digital maturity',
  online_move: 'Online migration',
  rfm_segment: 'RFM segment',
  rfm_cell: 'RFM cell (recency x frequency)',
};

/** The class of a person who has none on a dimension (no purchase yet...). */
export const UNCLASSIFIED = '(unclassified)';
