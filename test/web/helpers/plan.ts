import { makePlan, parseCampaignFile } from '../../../src/activation/planner/index.js';
import { parseConfig } from '../../../src/config/index.js';
import { defaultAsOf } from '../../../src/pipeline/index.js';
import { openStore } from '../../../src/schema/index.js';
import { createPlannerInputs } from '../../activation/planner/fixtures.js';
import type { SeededCompany } from './company.js';

/** Plans one campaign in the company, so the plans page shows its tables rather than its empty state. */
export function planOneCampaign(id: string): (company: SeededCompany) => Promise<void> {
  return async (company) => {
    const engine = await openStore(company.db);
    try {
      const asOf = await defaultAsOf(engine);
      await createPlannerInputs(engine, asOf);
      const file = parseCampaignFile({
        campaigns: [{ id, name: 'Spring mailing', audience: { all: true }, channels: ['email', 'mail'], responseValue: 'expected_basket', start: '2030-03-02', end: '2030-03-15', budget: 60 }],
      });
      await makePlan(engine, parseConfig({ db: company.db }).activation.planner, file, { asOf });
    } finally {
      await engine.close();
    }
  };
}
