import type { PlannerConfig } from '../../config/planner-config.js';
import { NotFoundError } from '../../errors.js';
import { LINE_REVENUE } from '../../value/order-facts.js';
import { sql, type Engine } from '../../store/index.js';
import { campaignEnd, campaignFileSchema, campaignStart } from './campaign-file.js';

export interface ArmFigures {
  readonly persons: number;
  /** Persons with at least one order in the campaign's window. */
  readonly responders: number;
  readonly responseRate: number;
  /** Revenue (EUR, order lines net of discounts) of the arm's orders in the window. */
  readonly revenue: number;
  readonly revenuePerPerson: number;
  /** Orders the collection attributed to this campaign (orders.campaign_id). */
  readonly attributedOrders: number;
  /** Opens, clicks and conversions recorded on the campaign's contacts (targeted arm only). */
  readonly reactions: number;
}

export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
}

export interface CampaignReport {
  readonly campaignId: string;
  readonly name: string;
  readonly planId: string;
  /** Orders count from the campaign's start to attributionDays after its end. */
  readonly window: { readonly from: string; readonly to: string };
  readonly targeted: ArmFigures;
  readonly holdout: ArmFigures;
  /** Response rate targeted - holdout, 95% Newcombe hybrid score interval (from Wilson intervals). */
  readonly responseUplift: Interval;
  /** Revenue per person targeted - holdout (EUR), 95% normal interval with Welch's standard error. */
  readonly revenueUpliftPerPerson: Interval;
  /** Revenue per person uplift x targeted persons (EUR). */
  readonly incrementalRevenue: number;
  /** Cost of the campaign's contacts (EUR). */
  readonly cost: number;
  /** (incrementalRevenue - cost) / cost, on revenue; null without cost. */
  readonly roi: number | null;
  readonly method: string;
}

const Z = 1.959963984540054;

function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const denom = 1 + (Z * Z) / n;
  const centre = (p + (Z * Z) / (2 * n)) / denom;
  const half = (Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n))) / denom;
  return [centre - half, centre + half];
}

/** Newcombe (1998) method 10: difference of two independent proportions from their Wilson intervals. */
export function newcombeInterval(k1: number, n1: number, k2: number, n2: number): Interval {
  const p1 = n1 ? k1 / n1 : 0;
  const p2 = n2 ? k2 / n2 : 0;
  const [l1, u1] = wilson(k1, n1);
  const [l2, u2] = wilson(k2, n2);
  const d = p1 - p2;
  return { estimate: d, low: d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), high: d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2) };
}

function welchInterval(a: { n: number; sum: number; sumSq: number }, b: { n: number; sum: number; sumSq: number }): Interval {
  const mean = (x: typeof a): number => (x.n ? x.sum / x.n : 0);
  const variance = (x: typeof a): number => (x.n > 1 ? (x.sumSq - (x.sum * x.sum) / x.n) / (x.n - 1) : 0);
  const d = mean(a) - mean(b);
  const se = Math.sqrt((a.n ? variance(a) / a.n : 0) + (b.n ? variance(b) / b.n : 0));
  return { estimate: d, low: d - Z * se, high: d + Z * se };
}

interface ArmRow {
  arm: string;
  persons: number;
  responders: number;
  revenue: number;
  revenue_sq: number;
  attributed: number;
}

/**
 * Response and revenue per arm of a campaign's latest plan: the persons it targeted (its contacts
 * not cancelled) against its holdout, both measured the same way (orders in the window, whatever
 * their attribution, since the holdout received nothing to respond to), the uplift with its 95%
 * interval, the cost and the return on it.
 */
export async function campaignReport(engine: Engine, config: PlannerConfig, campaignId: string): Promise<CampaignReport> {
  const [plan] = await engine.query<{ plan_id: string; campaign_file: string }>(sql`SELECT p.plan_id AS plan_id, p.campaign_file AS campaign_file
    FROM plans AS p WHERE p.plan_id IN (SELECT plan_id FROM plan_campaigns WHERE campaign_id = ${campaignId})
    ORDER BY p.created_at DESC LIMIT 1`);
  if (!plan) throw new NotFoundError(`no plan holds campaign ${campaignId}`);
  const campaign = campaignFileSchema.parse(JSON.parse(plan.campaign_file)).campaigns.find((c) => c.id === campaignId);
  if (!campaign) throw new NotFoundError(`campaign ${campaignId} is not in plan ${plan.plan_id}`);
  const from = campaignStart(campaign);
  const to = new Date(campaignEnd(campaign).getTime() + config.attributionDays * 86_400_000);
  const prefix = `${plan.plan_id}:${campaignId}:%`;
  const targetedContacts = sql`SELECT c.contact_id AS contact_id, c.customer_id AS customer_id, c.unit_cost AS unit_cost FROM contacts AS c
    WHERE c.campaign_id = ${campaignId} AND c.contact_id LIKE ${prefix} AND (c.status IS NULL OR c.status <> 'cancelled')`;
  const rows = await engine.query<ArmRow & Record<string, unknown>>(sql`WITH arms AS (
      SELECT DISTINCT p.person_id AS person_id, 'targeted' AS arm FROM (${targetedContacts}) AS t JOIN customer_persons AS p ON p.customer_id = t.customer_id
      UNION ALL
      SELECT h.person_id AS person_id, 'holdout' AS arm FROM campaign_holdouts AS h WHERE h.plan_id = ${plan.plan_id} AND h.campaign_id = ${campaignId}),
    lines AS (SELECT order_id, sum(${LINE_REVENUE}) AS revenue FROM order_lines GROUP BY order_id),
    bought AS (
      SELECT p.person_id AS person_id, count(*) AS orders, sum(coalesce(l.revenue, 0)) AS revenue,
        sum(CASE WHEN o.campaign_id = ${campaignId} THEN 1 ELSE 0 END) AS attributed
      FROM orders AS o JOIN customer_persons AS p ON p.customer_id = o.customer_id LEFT JOIN lines AS l ON l.order_id = o.order_id
      WHERE o.ordered_at >= ${from} AND o.ordered_at <= ${to} GROUP BY p.person_id)
    SELECT a.arm AS arm, count(*) AS persons, sum(CASE WHEN b.orders > 0 THEN 1 ELSE 0 END) AS responders,
      CAST(sum(coalesce(b.revenue, 0)) AS DOUBLE) AS revenue, CAST(sum(coalesce(b.revenue, 0) * coalesce(b.revenue, 0)) AS DOUBLE) AS revenue_sq,
      sum(coalesce(b.attributed, 0)) AS attributed
    FROM arms AS a LEFT JOIN bought AS b ON b.person_id = a.person_id GROUP BY a.arm`);
  const [money] = await engine.query<{ cost: number; reactions: number }>(sql`SELECT CAST(coalesce(sum(t.unit_cost), 0) AS DOUBLE) AS cost,
      (SELECT count(*) FROM responses AS r JOIN contacts AS c ON c.contact_id = r.contact_id
        WHERE c.campaign_id = ${campaignId} AND r.type IN ('opened', 'clicked', 'converted')) AS reactions
    FROM (${targetedContacts}) AS t`);
  const arm = (name: string): { figures: ArmFigures; n: number; sum: number; sumSq: number } => {
    const r = rows.find((x) => x.arm === name);
    const persons = Number(r?.persons ?? 0);
    const responders = Number(r?.responders ?? 0);
    const revenue = Number(r?.revenue ?? 0);
    return {
      figures: {
        persons, responders, responseRate: persons ? responders / persons : 0, revenue, revenuePerPerson: persons ? revenue / persons : 0,
        attributedOrders: Number(r?.attributed ?? 0), reactions: name === 'targeted' ? Number(money?.reactions ?? 0) : 0,
      },
      n: persons, sum: revenue, sumSq: Number(r?.revenue_sq ?? 0),
    };
  };
  const t = arm('targeted');
  const h = arm('holdout');
  const revenueUplift = welchInterval(t, h);
  const incrementalRevenue = revenueUplift.estimate * t.n;
  const cost = Number(money?.cost ?? 0);
  return {
    campaignId, name: campaign.name, planId: plan.plan_id,
    window: { from: from.toISOString(), to: to.toISOString() },
    targeted: t.figures, holdout: h.figures,
    responseUplift: newcombeInterval(t.figures.responders, t.n, h.figures.responders, h.n),
    revenueUpliftPerPerson: revenueUplift,
    incrementalRevenue, cost, roi: cost > 0 ? (incrementalRevenue - cost) / cost : null,
    method: 'response = at least one order in the window; uplift = targeted - holdout; 95% interval: Newcombe hybrid score (rates), normal with Welch standard error (revenue per person)',
  };
}
