import type { TableSpec } from '../../store/index.js';

/** The planner's own tables (migration 14): every plan, its figures per campaign and channel, and each campaign's holdout. */
export const PLAN_TABLES: readonly TableSpec[] = [
  {
    name: 'plans',
    doc: 'A campaign plan: when and on what date it was made, its expected net value, the dual upper bound and the gap.',
    key: ['plan_id'],
    columns: [
      { name: 'plan_id', type: 'string', required: true, doc: 'Plan id.' },
      { name: 'created_at', type: 'timestamp', required: true, doc: 'When it was made.' },
      { name: 'as_of', type: 'timestamp', required: true, doc: 'Date of the data (contact allowance, channels) it was made on.' },
      { name: 'expected_value', type: 'money', required: true, doc: 'Expected net value of the planned contacts, EUR (sum of P(response) x value of a response - cost).' },
      { name: 'upper_bound', type: 'money', required: true, doc: 'Lagrangian dual bound: no plan meeting the same constraints is worth more, EUR.' },
      { name: 'gap', type: 'float', required: true, doc: '(upper_bound - expected_value) / upper_bound.' },
      { name: 'seconds', type: 'float', required: true, doc: 'Time to solve.' },
      { name: 'campaign_file', type: 'string', required: true, doc: 'The campaign file it was made from (JSON).' },
      { name: 'unmet_minimums', type: 'string', doc: 'Minimum counts it could not reach (JSON list of names).' },
    ],
  },
  {
    name: 'plan_campaigns',
    doc: 'A plan\'s figures per campaign and channel.',
    key: ['plan_id', 'campaign_id', 'channel'],
    columns: [
      { name: 'plan_id', type: 'string', required: true, doc: 'Plan.' },
      { name: 'campaign_id', type: 'string', required: true, doc: 'Campaign.' },
      { name: 'channel', type: 'string', required: true, doc: 'Channel.' },
      { name: 'contacts', type: 'int', required: true, doc: 'Planned contacts.' },
      { name: 'cost', type: 'money', required: true, doc: 'Their cost, EUR.' },
      { name: 'expected_value', type: 'money', required: true, doc: 'Their expected net value, EUR.' },
      { name: 'eligible', type: 'int', required: true, doc: 'Persons of the audience who could be contacted (campaign-wide).' },
      { name: 'holdout', type: 'int', required: true, doc: 'Persons kept in the control group (campaign-wide).' },
    ],
  },
  {
    name: 'campaign_holdouts',
    doc: 'Each campaign\'s control group: eligible persons drawn at random (seeded, stratified by value tier) before optimisation and never contacted by it.',
    key: ['campaign_id', 'person_id'],
    columns: [
      { name: 'plan_id', type: 'string', required: true, doc: 'Plan that drew it.' },
      { name: 'campaign_id', type: 'string', required: true, doc: 'Campaign.' },
      { name: 'person_id', type: 'string', required: true, doc: 'Person held out.' },
      { name: 'value_tier', type: 'string', doc: 'His value tier when drawn (the stratum).' },
    ],
  },
];
