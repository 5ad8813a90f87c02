import type { PipelineStep } from '../kernel/index.js';
import { writeCube, writeDistributions, writeOverview, writeSnapshotViews } from './aggregates.js';
import { writeCustomerList } from './list-table.js';
import { writeSegmentSizes } from './segment-page.js';

/** Tables the dashboard step writes (docs/dashboard.md says what each holds). */
export const DASHBOARD_TABLES = [
  'customer_list', 'dashboard_name_keys', 'dashboard_cube', 'dashboard_cube_channels', 'dashboard_cube_categories', 'dashboard_overview',
  'dashboard_trends', 'dashboard_clv_histogram', 'dashboard_grid_sample', 'dashboard_snapshots', 'dashboard_migration',
  'dashboard_segment_sizes',
] as const;

/**
 * Precomputes what the dashboard shows in aggregate, so no page scans the million persons: the
 * customer list with search keys, the class cube, headline figures, trends, distributions,
 * snapshots and the latest migration matrices. Runs after `snapshot` (it lists this run's too).
 */
export const dashboard: PipelineStep = {
  name: 'dashboard',
  reads: ['customer_classes', 'person_profiles', 'person_identifiers', 'customer_period_value', 'order_facts', 'customer_persons',
    'person_category_revenue', 'customer_snapshots', 'person_consents'],
  writes: [...DASHBOARD_TABLES],
  requires: [],
  async run({ engine, asOf, config }) {
    await writeCustomerList(engine);
    await writeCube(engine);
    await writeOverview(engine, asOf, config);
    await writeDistributions(engine);
    await writeSnapshotViews(engine);
    await writeSegmentSizes(engine);
  },
};
