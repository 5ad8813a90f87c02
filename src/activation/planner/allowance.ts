import type { Config } from '../../config/index.js';
import { UsageError } from '../../errors.js';
import type { Engine } from '../../store/index.js';

/**
 * Makes sure the planner reads the policy's verdicts as of the plan's date. MERGE HOOK: once the
 * pressure part lands, the coordinator replaces the check below by
 * `await contactAllowance(engine, config, { asOf })` (src/activation/pressure/index.ts), which
 * rewrites contact_allowance; until then the table must have been written by someone else.
 */
export async function refreshAllowance(engine: Engine, _config: Config, _asOf: Date): Promise<void> {
  for (const table of ['contact_allowance', 'customer_channels']) {
    const rows = await engine.query(engine.dialect.tableColumns(table));
    if (rows.length === 0) throw new UsageError(`table ${table} is missing: run \`fidelis run\` (channels and contact pressure steps) before planning`);
  }
}
