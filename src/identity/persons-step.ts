import { sql } from '../store/index.js';
import type { PipelineStep } from '../pipeline/step.js';
import { replaceTable } from '../pipeline/tables.js';

/**
 * The map from customer records to persons that every per-customer computation goes through.
 * Until identity resolution links records (issue 5), each record is its own person; value,
 * classes and needs are already computed per person_id, so resolution only has to fill this map.
 */
export const customerPersons: PipelineStep = {
  name: 'customer_persons',
  reads: ['customers'],
  writes: ['customer_persons'],
  async run({ engine }) {
    await replaceTable(engine, 'customer_persons', sql`SELECT customer_id, customer_id AS person_id FROM customers`);
  },
};
