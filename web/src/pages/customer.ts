import { maskedNotice } from '../access';
import { api } from '../api';
import { chart, type ChartOption } from '../charts';
import { card, h, mount, table, type Child } from '../dom';
import { className, currentLang, fmt, t } from '../i18n';
import type { MessageKey } from '../messages';
import { classDefinition } from '../class-definitions';
import { clvExplanationText } from '../clv-explanation';
import { fieldName, identifierName, systemName } from '../profile-labels';
import { engagementCard, pathCard, timelineView } from './customer-extras';
import { href } from '../router';
import type { ApiMessage, Customer360, ValueDefinition } from '../types';
import { stat } from '../widgets';

const num = (v: unknown): number | null => (typeof v === 'number' ? v : v === null || v === undefined || v === '' ? null : Number(v));
/** Why (an affinity, an offer) in the page's language: its message's text, else the API's sentence. */
function said(row: Record<string, unknown>): string {
  const m = row.explanationMessage as { text?: Record<string, string> } | undefined;
  return m?.text?.[currentLang()] ?? text(row.explanation);
}

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v.toString();
  return JSON.stringify(v);
}

/** A value of the golden record as a person reads it: dates and numbers by locale. */
function shown(v: unknown): string {
  if (typeof v === 'number') return fmt.number(v, Number.isInteger(v) ? 0 : 2);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}(T|$)/.test(v)) return fmt.date(v);
  return text(v);
}

function pAliveChart(curve: Customer360['value']['pAliveCurve']): ChartOption {
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => fmt.percent(Number(v), 0) },
    grid: { left: 50, right: 20, top: 16, bottom: 30 },
    xAxis: { type: 'time', axisLabel: { formatter: (v: number) => fmt.month(new Date(v).toISOString().slice(0, 7)) } },
    yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => fmt.percent(v) } },
    series: [{ name: t('pAlive'), type: 'line', data: curve.map((p) => [p.date, p.pAlive]), showSymbol: false, areaStyle: { opacity: 0.15 } }],
  };
}

/** P(alive), or why the model cannot estimate it (BG/NBD before a repeat purchase). */
function pAliveStat(pAlive: number | null, reason: Customer360['value']['pAliveReason']): HTMLElement {
  if (pAlive === null && reason !== null) return stat(t('pAlive'), t('notEstimable'), t('pAliveNotEstimable'), { 'data-p-alive-reason': reason });
  return stat(t('pAlive'), fmt.percent(pAlive));
}

function list(items: readonly Child[], empty = t('nothing')): HTMLElement {
  return items.length > 0 ? h('ul', { class: 'plain' }, items.map((item) => h('li', null, item))) : h('p', { class: 'hint' }, empty);
}

function valueCard(c: Customer360): HTMLElement {
  const v = c.profile.value ?? {};
  const rfm = c.value.rfm;
  return card(
    t('valueSection'),
    h(
      'div',
      { class: 'stats' },
      stat(t('rfmScores'), rfm.r === null ? '–' : `R${rfm.r} F${rfm.f} M${rfm.m}`, rfm.segment ? className(rfm.segment) : undefined),
      stat(t('revenue'), fmt.money(num(v.revenue))),
      stat(t('margin'), fmt.money(num(v.gross_margin))),
      stat(t('netContribution'), fmt.money(num(v.net_contribution))),
      ...lifetimeStats(c),
      pAliveStat(c.value.pAlive, c.value.pAliveReason),
      ...outlookStats(c),
      stat(t('expectedTransactions'), fmt.number(c.value.expectedTransactions, 1)),
      stat(t('orders'), fmt.number(num(v.orders))),
    ),
    clvExplanation(c),
    definitionList(c.value.definitions ?? [], ['clv', 'clv_12m', 'predicted_value', 'referral_value', 'next_order', 'churn_risk']),
    c.value.pAliveCurve.length > 1 ? h('div', null, h('h3', null, t('pAliveCurve')), chart('p-alive', pAliveChart(c.value.pAliveCurve), 220)) : null,
  );
}

/** His expected next order date (or why there is none) and his churn-risk label, titled with their definitions. */
function outlookStats(c: Customer360): HTMLElement[] {
  const defs = c.value.definitions ?? [];
  const lang = currentLang();
  const next = c.value.nextOrder;
  const risk = c.value.churnRisk;
  const stats: HTMLElement[] = [];
  if (risk) {
    const { label, definition } = labelOf(defs, 'churn_risk', t('churnRisk'));
    const note = c.value.pAlive === null ? undefined : t('churnRiskFromPAlive', { pAlive: fmt.percent(c.value.pAlive) });
    stats.push(stat(label, risk.text[lang], note, { 'data-field': 'churn-risk', 'data-churn-risk': risk.label, title: definition }));
  }
  if (next) {
    const { label, definition } = labelOf(defs, 'next_order', t('nextOrder'));
    const shown = next.date !== null ? fmt.date(next.date) : (next.text?.[lang] ?? '–');
    stats.push(stat(label, shown, next.date !== null ? t('nextOrderIfAlive') : undefined, { 'data-field': 'next-order', 'data-next-order': next.date ?? next.reason ?? '', title: definition }));
  }
  return stats;
}

/** Why his CLV is low although his RFM segment describes a valuable past, beside the CLV. */
function clvExplanation(c: Customer360): HTMLElement | null {
  const why = clvExplanationText(c.value.clvExplanation);
  return why === null ? null : h('p', { class: 'clv-explanation', 'data-field': 'clv-explanation', 'data-key': c.value.clvExplanation?.key ?? '' }, why);
}

/** A figure's label in the page's language, from the API's definitions (horizon, basis, discounting); the fallback only before a run. */
function labelOf(defs: readonly ValueDefinition[], field: string, fallback: string): { label: string; definition: string } {
  const d = defs.find((x) => x.field === field);
  const lang = currentLang();
  return d ? { label: d.label[lang], definition: d.definition[lang] } : { label: fallback, definition: '' };
}

/** The lifetime value beside the 12-month value, the net value, the referral value and satisfaction, each titled with its definition. */
function lifetimeStats(c: Customer360): HTMLElement[] {
  const v = c.value;
  const defs = v.definitions ?? [];
  const figure = (field: string, fallback: string, value: string, dataField: string): HTMLElement => {
    const { label, definition } = labelOf(defs, field, fallback);
    return stat(label, value, undefined, { 'data-field': dataField, title: definition });
  };
  const s = v.satisfaction ?? { nps: null, csat: null, complaints: null };
  return [
    figure('clv', t('clv'), fmt.money(v.clv), 'clv'),
    figure('clv_12m', t('clv12m'), fmt.money(v.clv12m ?? null), 'clv-12m'),
    figure('predicted_value', t('predictedValue'), fmt.money(v.predictedValue ?? null), 'predicted-value'),
    figure('referral_value', t('referralValue'), v.referred ? `${fmt.money(v.referralValue ?? null)} (${fmt.number(v.referred)})` : fmt.money(v.referralValue ?? 0), 'referral-value'),
    stat(t('satisfaction'), t('npsCsat', { nps: fmt.number(s.nps), csat: fmt.number(s.csat, 1), complaints: fmt.number(s.complaints ?? 0) }), undefined, { 'data-field': 'satisfaction' }),
  ];
}

/** The definitions of the figures shown, visible under them (a definition panel, not only a hover). */
function definitionList(defs: readonly ValueDefinition[], fields: readonly string[]): HTMLElement | null {
  const shown = fields.flatMap((f) => defs.filter((d) => d.field === f));
  if (shown.length === 0) return null;
  const lang = currentLang();
  return h(
    'details',
    { class: 'value-definitions', open: '' },
    h('summary', null, t('valueDefinitionsTitle')),
    h('dl', { 'data-list': 'value-definitions' }, shown.flatMap((d) => [h('dt', { 'data-field': d.field }, d.label[lang]), h('dd', null, d.definition[lang])])),
  );
}

const channelName = (channel: string): string => t(`channel_${channel}` as MessageKey);
const consentStatus = (status: string): HTMLElement => h('span', { class: `status-${status}`, 'data-status': status }, t(`consent_${status}` as MessageKey));

/** His consent now on every channel, then every consent event (the audit trail), newest first. */
function consentCard(p: Customer360['profile']): HTMLElement {
  return card(
    t('currentConsent'),
    h('p', { class: 'hint' }, t('currentConsentHint')),
    table(
      [t('channel'), t('status'), t('date'), t('source'), t('record')],
      p.currentConsents.map((k) => [channelName(k.channel), consentStatus(k.status), k.at ? fmt.date(k.at) : '–', k.source ? systemName(k.source) : '–', k.record ?? '–']),
      { 'data-table': 'current-consents' },
    ),
    h('h3', null, t('consentHistory')),
    p.consents.length > 0
      ? table([t('channel'), t('status'), t('date'), t('source')], p.consents.map((k) => [channelName(k.channel), consentStatus(k.status), fmt.date(k.at), systemName(k.source)]), { 'data-table': 'consents' })
      : h('p', { class: 'hint' }, t('nothing')),
  );
}

/** An API sentence in the page's language (the server renders it from its key: src/messages/catalogue/channels.ts). */
const sentence = (m: ApiMessage): string => m.text[currentLang()];

/** His learned rate, value and cost per channel, his preferred channel, and why. */
function channelsCard(p: Customer360['profile']): HTMLElement | null {
  const ch = p.channels;
  if (!ch) return null;
  return card(
    t('channelsSection'),
    h('p', { class: 'hint' }, t('channelsHint', { response: t(`responseLevel_${ch.response}` as MessageKey) })),
    h('p', { 'data-field': 'preferred-channel', 'data-channel': ch.preferred ?? '' }, h('strong', null, sentence(ch.explanation))),
    table(
      [t('channel'), t('contactsSent'), t('responsesCount'), t('segmentRate'), t('pResponse'), t('responseValue'), t('unitCost'), t('expectedValue'), t('consented')],
      ch.channels.map((c) => [
        c.is_preferred ? h('strong', null, `${channelName(c.channel)} ★`) : channelName(c.channel),
        fmt.number(c.contacts),
        fmt.number(c.responses),
        fmt.percent(c.segment_rate, 1),
        fmt.percent(c.p_response, 1),
        fmt.money(c.response_value, 2),
        fmt.money(c.unit_cost, 2),
        fmt.money(c.expected_value, 2),
        c.consented ? t('yes') : t('no'),
      ]),
      { 'data-table': 'channels' },
    ),
    h('h3', null, t('why')),
    h(
      'ul',
      { class: 'plain', 'data-list': 'channel-reasons' },
      ch.channels.map((c) => h('li', { 'data-channel': c.channel }, [sentence(c.evidence), c.value ? sentence(c.value) : ''].filter(Boolean).join(' — '))),
    ),
  );
}

/** The segments page's dimensions, by the name a class reason gives them ('rfm' is the RFM segment). */
const SEGMENT_DIMENSIONS: Readonly<Record<string, string>> = {
  value_tier: 'value_tier', value_column: 'value_column', grid: 'grid', digital_type: 'digital_type', online_move: 'online_move', rfm: 'rfm_segment', rfm_segment: 'rfm_segment',
};

/**
 * A class opens its segment; a score (attachment, potential) is no segment, so it is shown as a
 * figure, not a link that would lead nowhere.
 */
function classChip(k: Customer360['profile']['classes'][number]): HTMLElement {
  const label = `${className(k.dimension)}: ${className(k.value)}`;
  const dimension = SEGMENT_DIMENSIONS[k.dimension];
  return dimension
    ? h('a', { class: 'chip', href: href(['segments'], { dimension, value: k.value }), 'data-class': k.dimension, title: classDefinition(dimension, k.value) }, label)
    : h('span', { class: 'chip score', 'data-score': k.dimension }, label);
}

export async function renderCustomer(main: HTMLElement, id: string, isCurrent: () => boolean): Promise<void> {
  const c = await api<Customer360>(`/api/customers/${encodeURIComponent(id)}`);
  if (!isCurrent()) return;
  const p = c.profile;
  const attr = (name: string): string => text(p.profile[name]?.value);
  // Masked for the viewer's role, his name is "••• •••": his id names him instead.
  const name = (c.masked === true ? '' : [attr('first_name'), attr('last_name')].filter(Boolean).join(' ')) || p.id;
  // Where a value came from, by system (store, web...): a record id says nothing to a marketer.
  const source = (record: string | null | undefined): string => (record ? systemName(c.recordSystems[record] ?? record) : '');
  mount(
    main,
    h(
      'div',
      { class: 'page-title' },
      h('h1', { id: 'customer-name' }, name),
      h('span', { class: 'as-of' }, p.id),
      h('span', { class: 'chips' }, p.classes.map(classChip)),
    ),
    c.masked === true ? maskedNotice() : null,
    h(
      'div',
      { class: 'cards' },
      card(
        t('goldenRecord'),
        table([t('attribute'), t('value'), t('source')], Object.entries(p.profile).map(([key, entry]) => [fieldName(key), key === 'signup_source' && typeof entry.value === 'string' ? systemName(entry.value) : shown(entry.value), source(entry.source)]), { 'data-table': 'golden-record' }),
      ),
      card(
        t('identifiers'),
        table([t('type'), t('value'), t('source')], p.identifiers.map((i) => [identifierName(i.type), i.value, source(i.source)]), { 'data-table': 'identifiers' }),
      ),
      consentCard(p),
      channelsCard(p),
      valueCard(c),
      card(t('classes'), list(p.classes.map((k) => h('div', null, h('strong', null, `${className(k.dimension)}: ${k.valueMessage?.text[currentLang()] ?? className(k.value)}`), list(k.messages ? k.messages.map((m) => m.text[currentLang()]) : k.reasons, ''))))),
      card(
        t('affinities'),
        c.affinities.length > 0
          ? table([t('category'), t('orders'), t('revenue'), t('share'), t('why')], c.affinities.map((a) => [text(a.category), fmt.number(num(a.orders)), fmt.money(num(a.revenue)), fmt.percent(num(a.share)), said(a)]), { 'data-table': 'affinities' })
          : h('p', { class: 'hint' }, t('nothing')),
        h('h3', null, t('gaps')),
        list(c.gaps.map((g) => `${text(g.category)}${g.expected_revenue !== undefined ? ` (${fmt.money(num(g.expected_revenue))})` : ''}`)),
      ),
      card(
        t('nextBestOffers'),
        p.nextBestOffers.length > 0
          ? table([t('product'), t('category'), t('price'), t('probability'), t('why')], p.nextBestOffers.map((o) => [text(o.product_name ?? o.sku), text(o.category), fmt.money(num(o.price), 2), fmt.percent(num(o.probability), 1), said(o)]), { 'data-table': 'next-best-offers' })
          : h('p', { class: 'hint' }, t('nothing')),
      ),
      engagementCard(c),
      pathCard(c),
      card(t('timeline'), c.timeline.length > 0 ? timelineView(c) : h('p', { class: 'hint' }, t('nothing'))),
    ),
  );
}
