import type { Config } from '../../config/index.js';
import { UsageError } from '../../errors.js';
import type { Engine } from '../../store/index.js';
import { contactAllowance } from '../pressure/index.js';

/**
 * Rewrites contact_allowance as of the plan's date (the policy's verdicts, consent folded in) and
 * checks that the channels step has run, so the planner reads both inputs as they are now. The
 * campaigns being (re)planned do not count their own still-planned contacts: the new plan replaces them.
 */
export async function refreshAllowance(engine: Engine, config: Config, asOf: Date, campaigns: readonly string[] = []): Promise<void> {
  const rows = await engine.query(engine.dialect.tableColumns('customer_channels'));
  if (rows.length === 0) throw new UsageError('table customer_channels is missing: run `fidelis run` (the customer_channels step) before planning');
  await contactAllowance(engine, config, { asOf, replacing: campaigns });
}
