/**
 * Every sentence the pressure policy says about a person, in English and French, by message key
 * (the keys of `contact_allowance.blocked_reason`, plus `pressure.allowed`).
 */
import { DAY_MS, type AllowanceScope } from './policy.js';

export const PRESSURE_LOCALES = ['en', 'fr'] as const;
export type PressureLocale = (typeof PRESSURE_LOCALES)[number];

/** Parameters of a verdict, as `reason_params` holds them. */
export interface VerdictParams {
  readonly scope: AllowanceScope;
  readonly days: number;
  readonly cap: number;
  readonly used: number;
  readonly past: number;
  readonly planned: number;
  readonly tier: string | null;
  /** When the cool-down or open complaint began (ISO 8601). */
  readonly since?: string;
}

interface Words {
  readonly noun: Record<AllowanceScope, readonly [string, string]>;
  readonly channel: Record<AllowanceScope, string>;
  readonly locale: string;
}

const WORDS: Record<PressureLocale, Words> = {
  en: {
    noun: { email: ['email', 'emails'], sms: ['SMS', 'SMS'], mail: ['letter', 'letters'], phone: ['call', 'calls'], push: ['push notification', 'push notifications'], all: ['contact', 'contacts'] },
    channel: { email: 'email', sms: 'SMS', mail: 'mail', phone: 'phone', push: 'push', all: 'any' },
    locale: 'en-GB',
  },
  fr: {
    noun: { email: ['e-mail', 'e-mails'], sms: ['SMS', 'SMS'], mail: ['courrier', 'courriers'], phone: ['appel', 'appels'], push: ['notification push', 'notifications push'], all: ['contact', 'contacts'] },
    channel: { email: 'e-mail', sms: 'SMS', mail: 'courrier', phone: 'téléphone', push: 'push', all: 'tous' },
    locale: 'fr-FR',
  },
};

type Template = (p: VerdictParams & { readonly noun: (n: number) => string; readonly channel: AllowanceScope; readonly channelName: string; readonly sinceDate: string; readonly untilDate: string; readonly cooldownDays: number }) => string;

const plannedEn = (p: VerdictParams): string => (p.planned > 0 ? ` and ${p.planned} planned in the next ${p.days} days` : '');
const plannedFr = (p: VerdictParams): string => (p.planned > 0 ? ` et ${p.planned} ${p.planned > 1 ? 'prévus' : 'prévu'} dans les ${p.days} prochains jours` : '');

export const PRESSURE_MESSAGES: Record<PressureLocale, Record<string, Template>> = {
  en: {
    'pressure.allowed': (p) => `allowed: ${p.cap - p.used} more ${p.noun(p.cap - p.used)} (${p.past} of ${p.cap} in the last ${p.days} days${plannedEn(p)})`,
    'pressure.capped': (p) => `capped: ${p.past} ${p.noun(p.past)} in the last ${p.days} days${plannedEn(p)}`,
    'pressure.capped_all': (p) => `overall cap reached: ${p.past} ${p.noun(p.past)} on all channels in the last ${p.days} days${plannedEn(p)}`,
    'pressure.no_consent': (p) => `no consent for ${p.channel === 'all' ? 'any channel' : `the ${p.channelName} channel`}`,
    'pressure.cooldown_complaint': (p) => `cooling down after a complaint on ${p.sinceDate}: no marketing contact until ${p.untilDate} (${p.cooldownDays} days)`,
    'pressure.cooldown_unsubscribe': (p) => `cooling down after an unsubscribe on ${p.sinceDate}: no marketing contact until ${p.untilDate} (${p.cooldownDays} days)`,
    'pressure.excluded_person': () => 'excluded: on the policy\'s exclusion list',
    'pressure.excluded_rule': () => 'excluded: matches an exclusion rule of the policy on his classes',
    'pressure.excluded_open_complaint': (p) => `excluded: complaint open since ${p.sinceDate}`,
    'pressure.tier_transactional_only': (p) => `value tier ${p.tier ?? '?'}: transactional contacts only, no marketing contact`,
  },
  fr: {
    'pressure.allowed': (p) => `autorisé : encore ${p.cap - p.used} ${p.noun(p.cap - p.used)} (${p.past} sur ${p.cap} dans les ${p.days} derniers jours${plannedFr(p)})`,
    'pressure.capped': (p) => `plafond atteint : ${p.past} ${p.noun(p.past)} dans les ${p.days} derniers jours${plannedFr(p)}`,
    'pressure.capped_all': (p) => `plafond global atteint : ${p.past} ${p.noun(p.past)} tous canaux dans les ${p.days} derniers jours${plannedFr(p)}`,
    'pressure.no_consent': (p) => `aucun consentement ${p.channel === 'all' ? 'sur aucun canal' : `pour le canal ${p.channelName}`}`,
    'pressure.cooldown_complaint': (p) => `pause après une réclamation le ${p.sinceDate} : aucun contact marketing avant le ${p.untilDate} (${p.cooldownDays} jours)`,
    'pressure.cooldown_unsubscribe': (p) => `pause après un désabonnement le ${p.sinceDate} : aucun contact marketing avant le ${p.untilDate} (${p.cooldownDays} jours)`,
    'pressure.excluded_person': () => 'exclu : sur la liste d\'exclusion de la politique',
    'pressure.excluded_rule': () => 'exclu : correspond à une règle d\'exclusion de la politique sur ses classes',
    'pressure.excluded_open_complaint': (p) => `exclu : réclamation ouverte depuis le ${p.sinceDate}`,
    'pressure.tier_transactional_only': (p) => `segment de valeur ${p.tier ?? '?'} : contacts transactionnels uniquement, aucun contact marketing`,
  },
};

/**
 * The sentence of a verdict in one language: `channel` is the row's channel (the binding window
 * may be another scope's, in `params.scope`), `cooldownDays` the length of the cool-down in force.
 */
export function pressureMessage(locale: PressureLocale, key: string, params: VerdictParams, context: { readonly channel: AllowanceScope; readonly cooldownDays?: number }): string {
  const cooldownDays = context.cooldownDays ?? 0;
  const template = PRESSURE_MESSAGES[locale][key];
  if (!template) throw new Error(`no ${locale} message for ${key}`);
  const words = WORDS[locale];
  const date = (iso: string | undefined, plusDays = 0): string =>
    iso === undefined ? '?' : new Date(new Date(iso).getTime() + plusDays * DAY_MS).toLocaleDateString(words.locale, { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' });
  return template({
    ...params,
    noun: (n) => words.noun[params.scope][n === 1 ? 0 : 1],
    channel: context.channel,
    channelName: words.channel[context.channel],
    sinceDate: date(params.since),
    untilDate: date(params.since, cooldownDays),
    cooldownDays,
  });
}
