import { sql } from '../store/index.js';
import { dropTables, replaceTable, type PipelineStep } from '../kernel/index.js';

/**
 * Customer referral value: what the customers each person brought have already brought in turn
 * (their margin and net contribution) and are predicted to bring (their CLV), kept beside his
 * own value.
 */
export const referralValue: PipelineStep = {
  name: 'referral_value',
  reads: ['referrals', 'customer_persons', 'customer_facts', 'customer_clv'],
  writes: ['customer_referral_value'],
  requires: [],
  async run({ engine, asOf }) {
    await replaceTable(engine, 'referral_referrers', sql`SELECT p.person_id AS referrer, r.referred_id AS referred_id
      FROM referrals AS r JOIN customer_persons AS p ON p.customer_id = r.referrer_id WHERE r.at <= ${asOf}`);
    await replaceTable(engine, 'referral_pairs', sql`SELECT DISTINCT r.referrer AS referrer, p.person_id AS referred
      FROM referral_referrers AS r JOIN customer_persons AS p ON p.customer_id = r.referred_id
      WHERE p.person_id <> r.referrer`);
    await replaceTable(engine, 'referral_brought', sql`SELECT r.referrer AS referrer, r.referred AS referred,
      coalesce(f.orders, 0) AS orders, CAST(coalesce(f.gross_margin, 0) AS DOUBLE) AS margin,
      coalesce(f.net_contribution, 0) AS net_contribution
      FROM referral_pairs AS r LEFT JOIN customer_facts AS f ON f.person_id = r.referred`);
    await replaceTable(engine, 'customer_referral_value', sql`SELECT b.referrer AS person_id, count(*) AS referred,
      sum(b.orders) AS referred_orders, sum(b.margin) AS referred_margin,
      sum(b.net_contribution) AS referred_net_contribution, sum(coalesce(c.clv, 0)) AS referred_clv
      FROM referral_brought AS b LEFT JOIN customer_clv AS c ON c.person_id = b.referred GROUP BY b.referrer`);
    await dropTables(engine, ['referral_referrers', 'referral_pairs', 'referral_brought']);
  },
};
