import { sql } from '../store/index.js';
import type { PipelineStep } from '../pipeline/step.js';
import { dropTables, replaceTable } from '../pipeline/tables.js';

/**
 * Customer referral value: what the customers each person brought have already brought in turn
 * (their margin and net contribution), kept beside his own value. The predicted CLV of the
 * referred customers joins it once the lifetime-value models run in the pipeline.
 */
export const referralValue: PipelineStep = {
  name: 'referral_value',
  reads: ['referrals', 'customer_persons', 'customer_facts'],
  writes: ['customer_referral_value'],
  async run({ engine, asOf }) {
    await replaceTable(engine, 'referral_referrers', sql`SELECT p.person_id AS referrer, r.referred_id AS referred_id
      FROM referrals AS r JOIN customer_persons AS p ON p.customer_id = r.referrer_id WHERE r.at <= ${asOf}`);
    await replaceTable(engine, 'referral_pairs', sql`SELECT DISTINCT r.referrer AS referrer, p.person_id AS referred
      FROM referral_referrers AS r JOIN customer_persons AS p ON p.customer_id = r.referred_id
      WHERE p.person_id <> r.referrer`);
    await replaceTable(engine, 'customer_referral_value', sql`SELECT r.referrer AS person_id, count(*) AS referred,
      sum(coalesce(f.orders, 0)) AS referred_orders,
      sum(CAST(coalesce(f.gross_margin, 0) AS DOUBLE)) AS referred_margin,
      sum(coalesce(f.net_contribution, 0)) AS referred_net_contribution
      FROM referral_pairs AS r LEFT JOIN customer_facts AS f ON f.person_id = r.referred GROUP BY r.referrer`);
    await dropTables(engine, ['referral_referrers', 'referral_pairs']);
  },
};
