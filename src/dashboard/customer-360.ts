import type { z } from '@hono/zod-openapi';
import type { Config } from '../config/index.js';
import { resolvePersonId } from '../identity/index.js';
import { localised, type Language, type LocalisedMessage } from '../messages/index.js';
import { affinityMessage, type CategoryAffinityRow } from '../needs/index.js';
import { customerProfile, localiseExplained, localiseProfile, type CustomerProfile, type ProfileReader } from '../profiles/index.js';
import { customerPath } from '../segments/index.js';
import { sql, type Engine, type Row } from '../store/index.js';
import { pAliveCurve } from './p-alive-curve.js';
import { customerOutlook, fittedTransactionModel, lastRunDate, OUTLOOK_COLUMNS, purchaseHistory } from '../value/customer-outlook.js';
import { P_ALIVE_NO_REPEAT_UNDER_BGNBD } from '../value/clv-model-choice.js';
import type { customer360Schema } from './schemas.js';
import { textOrNull } from './text.js';
import { personOrders, timeline } from './timeline.js';

export type Customer360 = z.infer<typeof customer360Schema>;

const numberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/** JSON-safe: dates as ISO strings, as the API sends them. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const VALUE_360_COLUMNS = sql`clv_12m, clv_lifetime, clv_basis, predicted_value, referral_value, referred, latest_nps, latest_csat, complaints`;

/** Both values with their basis, the net value, referral value and satisfaction, and what each figure is (from the profile's definitions). */
function lifetimeValue(value: Row | undefined, profile: CustomerProfile): Pick<Customer360['value'], 'clv12m' | 'clvLifetime' | 'clvBasis' | 'predictedValue' | 'referralValue' | 'referred' | 'satisfaction' | 'definitions'> {
  const basis = value?.clv_basis;
  return {
    clv12m: numberOrNull(value?.clv_12m),
    clvLifetime: numberOrNull(value?.clv_lifetime),
    clvBasis: basis === 'margin' || basis === 'revenue' ? basis : null,
    predictedValue: numberOrNull(value?.predicted_value),
    referralValue: numberOrNull(value?.referral_value),
    referred: numberOrNull(value?.referred),
    satisfaction: { nps: numberOrNull(value?.latest_nps), csat: numberOrNull(value?.latest_csat), complaints: numberOrNull(value?.complaints) },
    definitions: profile.valueDefinitions.map((d) => ({ field: d.field, label: d.label, definition: d.definition })),
  };
}

/** What the customer card adds to the profile: affinities with their explanation, gaps, his path over snapshots. */
async function cardParts(engine: Engine, personId: string): Promise<Pick<Customer360, 'affinities' | 'gaps' | 'path'>> {
  const [affinities, gaps, path] = await Promise.all([
    engine.query<CategoryAffinityRow & Row>(sql`SELECT * FROM customer_category_affinity WHERE person_id = ${personId} ORDER BY share DESC`),
    engine.query<Row>(sql`SELECT * FROM customer_category_gaps WHERE person_id = ${personId} ORDER BY gap_rank`),
    customerPath(engine, personId),
  ]);
  return {
    affinities: plain(affinities.map((a) => {
      const why = localised(affinityMessage(a));
      return { ...a, explanation: why.text.en, explanationMessage: why };
    })),
    gaps: plain(gaps),
    path: plain(path),
  };
}

/**
 * The source system (store, web, callcenter...) of each of his records: the page names where a
 * value came from by its system, not by a record id. Records the event collector made are `events`.
 */
async function recordSystems(engine: Engine, records: readonly string[]): Promise<Record<string, string>> {
  if (records.length === 0) return {};
  const rows = await engine.query<{ customer_id: string; source: string }>(sql`SELECT customer_id, source FROM customers
    WHERE customer_id IN (${sql.join(records.map((r) => sql`${r}`))})`);
  return Object.fromEntries(rows.map((r) => [r.customer_id, r.source]));
}

const DAY_MS = 86_400_000;

/**
 * His marketing contacts in the 30 and 90 days before the last run's date (sent ones, as
 * sentContact counts them: planned or cancelled contacts never reached him), and over all his sent e-mails the share opened and the
 * share clicked (a click counts as an open: some mail programs block the open pixel).
 */
async function engagement(engine: Engine, records: readonly string[], pendingRun: Promise<Date | null>): Promise<Customer360['engagement']> {
  const asOf = (await pendingRun) ?? new Date();
  const empty = { asOf: asOf.toISOString(), contacts30: 0, contacts90: 0, emails: 0, openRate: null, clickRate: null };
  if (records.length === 0) return empty;
  // Each read filters on its indexed column alone (DuckDB probes the index only then); the rest is sorted out here.
  const all = await engine.query<{ contact_id: string; channel: string; sent_at: Date; status: string | null }>(sql`SELECT contact_id, channel, sent_at, status
    FROM contacts WHERE customer_id IN (${sql.join(records.map((r) => sql`${r}`))})`);
  const contacts = all.filter((c) => (c.status ?? 'sent') === 'sent' && c.sent_at.getTime() <= asOf.getTime());
  if (contacts.length === 0) return empty;
  const emails = contacts.filter((c) => c.channel === 'email');
  const reactions = emails.length === 0 ? [] : await engine.query<{ contact_id: string; type: string }>(sql`SELECT contact_id, type FROM responses
    WHERE contact_id IN (${sql.join(emails.map((c) => sql`${c.contact_id}`))})`);
  const clicked = new Set(reactions.filter((r) => r.type === 'clicked').map((r) => r.contact_id));
  const opened = new Set([...reactions.filter((r) => r.type === 'opened').map((r) => r.contact_id), ...clicked]);
  const within = (days: number): number => contacts.filter((c) => c.sent_at.getTime() > asOf.getTime() - days * DAY_MS).length;
  return {
    asOf: asOf.toISOString(),
    contacts30: within(30),
    contacts90: within(90),
    emails: emails.length,
    openRate: emails.length > 0 ? opened.size / emails.length : null,
    clickRate: emails.length > 0 ? clicked.size / emails.length : null,
  };
}

/**
 * The customer 360: the profile API's object as it is (from the server's profile reader when it
 * has one, as GET /v1/customers/{id} answers), his timeline, his value with the P(alive) curve over
 * his history, and the customer card's affinities, gaps and path over snapshots. Everything but
 * the person and his records is read side by side on the read pool: each part is one or two index
 * probes, so the answer takes about as long as the slowest part, not their sum.
 */
export async function customer360(engine: Engine, config: Config, id: string, profiles?: ProfileReader): Promise<Customer360> {
  // The profile first: read live (no documents, or he changed since the run) it is the longest part.
  const pendingProfile: Promise<CustomerProfile> = profiles ? profiles.byId(id) : customerProfile(engine, config, id);
  pendingProfile.catch(() => undefined); // awaited below; an unknown id fails there and in resolvePersonId alike
  const { personId } = await resolvePersonId(engine, id);
  const records = (await engine.query<{ node_id: string }>(sql`SELECT node_id FROM identity_nodes WHERE person_id = ${personId} ORDER BY node_id`)).map(
    (r) => r.node_id,
  );
  const pendingOrders = personOrders(engine, records);
  const pendingRun = lastRunDate(engine);
  const [profile, orders, history, [value], fit, card, systems, contactStats, purchases] = await Promise.all([
    pendingProfile,
    pendingOrders,
    timeline(engine, records, pendingProfile.then((p) => p.lastEvents), pendingOrders),
    engine.query<Row>(sql`SELECT r_score, f_score, m_score, rfm_segment, clv, p_alive, p_alive_reason, expected_transactions, ${VALUE_360_COLUMNS}, ${OUTLOOK_COLUMNS}
      FROM customer_classes WHERE person_id = ${personId}`),
    fittedTransactionModel(engine, pendingRun),
    cardParts(engine, personId),
    recordSystems(engine, records),
    engagement(engine, records, pendingRun),
    purchaseHistory(engine, personId),
  ]);
  const outlook = customerOutlook(config, purchases, value, fit);
  const lifetime = lifetimeValue(value, profile);
  return {
    profile: plain(profile) as unknown as Record<string, unknown>,
    recordSystems: systems,
    engagement: contactStats,
    timeline: history,
    value: {
      rfm: {
        r: numberOrNull(value?.r_score),
        f: numberOrNull(value?.f_score),
        m: numberOrNull(value?.m_score),
        segment: textOrNull(value?.rfm_segment),
      },
      clv: numberOrNull(value?.clv),
      pAlive: numberOrNull(value?.p_alive),
      pAliveReason: value?.p_alive_reason === P_ALIVE_NO_REPEAT_UNDER_BGNBD ? P_ALIVE_NO_REPEAT_UNDER_BGNBD : null,
      expectedTransactions: numberOrNull(value?.expected_transactions),
      ...lifetime,
      definitions: [...lifetime.definitions, ...outlook.definitions],
      pAliveCurve: fit ? pAliveCurve(fit.model, fit.params, orders.map((o) => o.ordered_at), fit.asOf) : [],
      nextOrder: outlook.nextOrder,
      churnRisk: outlook.churnRisk,
      clvExplanation: outlook.clvExplanation,
    },
    ...card,
  };
}

/**
 * The 360 with its sentences in `lang` (`?lang=`, Accept-Language): the profile's reasons and
 * explanations, the timeline's labels, the affinities' explanations. Each keeps its message (key,
 * parameters, both texts); English is the answer as it was before the API spoke French.
 */
export function localise360(card: Customer360, lang: Language): Customer360 {
  if (lang === 'en') return card;
  return {
    ...card,
    profile: localiseProfile(card.profile as unknown as CustomerProfile, lang) as unknown as Customer360['profile'],
    timeline: card.timeline.map((e) => ({ ...e, label: e.message.text[lang] })),
    affinities: card.affinities.map((a) => localiseExplained(a as Record<string, unknown> & { explanationMessage?: LocalisedMessage }, lang)),
  };
}
