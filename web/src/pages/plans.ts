import { api } from '../api';
import { card, h, mount, table } from '../dom';
import { fmt, t } from '../i18n';
import type { MessageKey } from '../messages';
import { stat } from '../widgets';

interface ChannelSummary {
  channel: string;
  contacts: number;
  cost: number;
  expectedValue: number;
}
interface Plan {
  planId: string;
  asOf: string;
  createdAt: string;
  expectedValue: number;
  upperBound: number;
  gap: number;
  contacts: number;
  unmetMinimums: string[];
  campaigns: { id: string; name: string; budget: number; eligible: number; holdout: number; contacts: number; cost: number; expectedValue: number; channels: ChannelSummary[] }[];
}

function planCard(plan: Plan): HTMLElement {
  const cost = plan.campaigns.reduce((sum, c) => sum + c.cost, 0);
  const stats = h(
    'div',
    { class: 'kpis' },
    h('div', { class: 'kpi', 'data-kpi': 'plan-value' }, stat(t('planValue'), fmt.money(plan.expectedValue), t('planValueNote'))),
    h('div', { class: 'kpi', 'data-kpi': 'plan-bound' }, stat(t('planBound'), fmt.money(plan.upperBound), t('planGap', { gap: fmt.percent(plan.gap, 2) }))),
    h('div', { class: 'kpi', 'data-kpi': 'plan-cost' }, stat(t('planCost'), fmt.money(cost), t('planContacts', { count: fmt.number(plan.contacts) }))),
  );
  const rows = plan.campaigns.flatMap((c) => [
    ...c.channels.map((ch) => [c.name, t(`channel_${ch.channel}` as MessageKey), fmt.number(ch.contacts), fmt.money(ch.cost), fmt.money(ch.expectedValue), '', '', '']),
    [h('strong', null, c.name), h('strong', null, t('planAllChannels')), fmt.number(c.contacts), fmt.money(c.cost), fmt.money(c.expectedValue), fmt.money(c.budget), fmt.number(c.eligible), fmt.number(c.holdout)],
  ]);
  const unmet = plan.unmetMinimums.length > 0 ? h('p', { class: 'notice', 'data-unmet': 'true' }, t('planUnmet', { names: plan.unmetMinimums.join(', ') })) : null;
  const section = card(
    t('planTitle', { date: fmt.date(plan.createdAt), asOf: fmt.date(plan.asOf) }),
    h('p', { class: 'hint' }, t('planHint')),
    stats,
    unmet,
    table([t('planCampaign'), t('planChannel'), t('planContactsColumn'), t('planCostColumn'), t('planValueColumn'), t('planBudget'), t('planEligible'), t('planHoldout')], rows, { class: 'table', 'data-table': 'plan' }),
  );
  section.classList.add('wide');
  section.setAttribute('data-plan', plan.planId);
  return section;
}

/** Campaign plans: per plan its value, the dual bound and the gap, then per campaign and channel the contacts, cost and expected value. */
export async function renderPlans(main: HTMLElement, isCurrent: () => boolean): Promise<void> {
  const { plans } = await api<{ plans: Plan[] }>('/api/plans');
  if (!isCurrent()) return;
  if (plans.length === 0) {
    mount(main, h('h1', null, t('plans')), h('p', { class: 'notice', 'data-empty': 'plans' }, t('plansEmpty')));
    return;
  }
  mount(main, h('h1', null, t('plans')), ...plans.slice(0, 5).map(planCard));
}
