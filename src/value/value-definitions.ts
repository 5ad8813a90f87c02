/**
 * What each value figure users see is: its label and one-line definition in English and French,
 * with the horizon, the basis (revenue, margin or net) and the discounting written in, so the
 * card, the profile API, the customer 360 and the segment tables name the same quantity the
 * same way (issue 14 section 2, issue 16 "every value figure says what it is").
 */
import { cachedNumberFormat } from '../messages/index.js';
import type { ValueConfig } from '../config/value-config.js';
import { sql, type Engine } from '../store/index.js';

export type ValueLanguage = 'en' | 'fr';

export const VALUE_MESSAGES = {
  en: {
    'value.clv.lifetime': 'Lifetime value ({basis}, discounted {rate}/yr)',
    'value.clv.horizon': 'Value over {weeks} weeks ({basis}, discounted {rate}/yr)',
    'value.clv_12m': '12-month value ({basis}, discounted {rate}/yr)',
    'value.predicted_value': 'Predicted net value',
    'value.referral_value': 'Referral value',
    'value.referred': 'Customers referred',
    'value.latest_nps': 'Latest NPS (0-10)',
    'value.latest_csat': 'Latest CSAT',
    'value.complaints': 'Complaints',
    'value.def.clv.lifetime':
      'Expected {basis} of all his future purchases over the rest of his life as a customer (discounted expected residual transactions of the {model} model x expected spend), each discounted at {rate} a year.',
    'value.def.clv.horizon': 'Expected {basis} of his purchases over the next {weeks} weeks ({model} model x expected spend), discounted at {rate} a year.',
    'value.def.predicted_value':
      'Lifetime value minus his expected costs to serve (returns, service, contacts) over the same life{referral}: what the value tiers rank.',
    'value.def.referral': ', plus his referral value',
    'value.def.referral_value': 'Predicted value of the customers he referred (their own lifetime value), beside his own.',
    'value.def.referred': 'Customers who came on his referral.',
    'value.def.latest_nps': 'His latest answer to "how likely are you to recommend us", 0 to 10.',
    'value.def.latest_csat': 'His latest satisfaction score.',
    'value.def.complaints': 'Support tickets he filed as complaints.',
    'value.basis.revenue': 'revenue',
    'value.basis.margin': 'margin',
    'value.basis.net': 'net of costs',
  },
  fr: {
    'value.clv.lifetime': 'Valeur vie ({basis}, actualisée {rate}/an)',
    'value.clv.horizon': 'Valeur sur {weeks} semaines ({basis}, actualisée {rate}/an)',
    'value.clv_12m': 'Valeur à 12 mois ({basis}, actualisée {rate}/an)',
    'value.predicted_value': 'Valeur nette prévue',
    'value.referral_value': 'Valeur de recommandation',
    'value.referred': 'Clients recommandés',
    'value.latest_nps': 'Dernier NPS (0-10)',
    'value.latest_csat': 'Dernier CSAT',
    'value.complaints': 'Réclamations',
    'value.def.clv.lifetime':
      'Montant espéré, en {basis}, de tous ses achats futurs sur le reste de sa vie de client (transactions résiduelles actualisées espérées du modèle {model} x panier espéré), chacun actualisé à {rate} par an.',
    'value.def.clv.horizon': 'Montant espéré, en {basis}, de ses achats des {weeks} prochaines semaines (modèle {model} x panier espéré), actualisé à {rate} par an.',
    'value.def.predicted_value':
      'Valeur vie moins ses coûts de service espérés (retours, service client, contacts) sur la même durée{referral} : ce que classent les niveaux de valeur.',
    'value.def.referral': ', plus sa valeur de recommandation',
    'value.def.referral_value': 'Valeur prévue des clients qu’il a recommandés (leur propre valeur vie), à côté de la sienne.',
    'value.def.referred': 'Clients venus sur sa recommandation.',
    'value.def.latest_nps': 'Sa dernière réponse à « recommanderiez-vous… », de 0 à 10.',
    'value.def.latest_csat': 'Sa dernière note de satisfaction.',
    'value.def.complaints': 'Demandes au service client qu’il a déposées comme réclamations.',
    'value.basis.revenue': 'chiffre d’affaires',
    'value.basis.margin': 'marge',
    'value.basis.net': 'net des coûts',
  },
} as const satisfies Record<ValueLanguage, Record<string, string>>;

export type ValueMessageKey = keyof (typeof VALUE_MESSAGES)['en'];

/** One figure: the field it labels (in customer_classes, the profile's `value`, the exports), with key, parameters and text. */
export interface ValueDefinition {
  readonly field: string;
  readonly key: ValueMessageKey;
  readonly params: Readonly<Record<string, string | number>>;
  readonly label: Readonly<Record<ValueLanguage, string>>;
  readonly definition: Readonly<Record<ValueLanguage, string>>;
}

/**
 * The transaction models by name; `auto` (before a run has fitted one) names the candidates the
 * choice is made among, in each language.
 */
const MODEL_NAMES: Readonly<Record<ValueLanguage, Readonly<Record<string, string>>>> = {
  en: { bgnbd: 'BG/NBD', paretonbd: 'Pareto/NBD', mbgnbd: 'MBG/NBD', mbgcnbd: 'MBG/CNBD-k', auto: 'best-fitting (BG/NBD, Pareto/NBD, MBG/NBD or MBG/CNBD-k)' },
  fr: { bgnbd: 'BG/NBD', paretonbd: 'Pareto/NBD', mbgnbd: 'MBG/NBD', mbgcnbd: 'MBG/CNBD-k', auto: 'le mieux ajusté (BG/NBD, Pareto/NBD, MBG/NBD ou MBG/CNBD-k)' },
};

function render(lang: ValueLanguage, key: ValueMessageKey, params: Readonly<Record<string, string | number>>): string {
  const template: string = VALUE_MESSAGES[lang][key];
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const text = template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    if (name === 'basis') return VALUE_MESSAGES[lang][`value.basis.${String(value)}` as ValueMessageKey] ?? String(value);
    if (name === 'rate' && typeof value === 'number') return cachedNumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
    if (name === 'referral') return value === 1 ? VALUE_MESSAGES[lang]['value.def.referral'] : '';
    if (name === 'model') return MODEL_NAMES[lang][String(value)] ?? String(value);
    return typeof value === 'number' ? cachedNumberFormat(locale).format(value) : value;
  });
  // A sentence that opens on the basis ("margin of...") starts with a capital.
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function define(field: string, key: ValueMessageKey, definitionKey: ValueMessageKey, params: Readonly<Record<string, string | number>>): ValueDefinition {
  return {
    field,
    key,
    params,
    label: { en: render('en', key, params), fr: render('fr', key, params) },
    definition: { en: render('en', definitionKey, params), fr: render('fr', definitionKey, params) },
  };
}

/**
 * The transaction model the last run fitted (`clv_model.model`: with `auto`, the one chosen), or
 * null before a run or when the run could not fit one: the definitions then name the configured one.
 */
export async function fittedClvModel(engine: Engine, tableExists?: boolean): Promise<string | null> {
  // A caller that already knows which tables exist says so, sparing the lookup.
  const exists = tableExists ?? (await engine.query(engine.dialect.existingTables(['clv_model']))).length > 0;
  if (!exists) return null;
  const [row] = await engine.query<{ model: string | null; params?: string | null }>(sql`SELECT * FROM clv_model`);
  // A run that could not fit (clv_model.skipped) names the configured model but fitted none.
  return row && typeof row.params === 'string' && row.model ? row.model : null;
}

/**
 * The value figures' definitions under a configuration. `model` is the fitted model's name
 * (clv_model.model, see fittedClvModel) when known, else the configured one.
 */
export function valueDefinitions(value: ValueConfig, options: { readonly countReferralValue: boolean; readonly model?: string | null }): readonly ValueDefinition[] {
  // The same few definitions for every profile the API serves (36 sentences): made once per
  // configuration, referral setting and model, not once a request.
  let byOptions = definitionsByConfig.get(value);
  if (byOptions === undefined) definitionsByConfig.set(value, (byOptions = new Map<string, readonly ValueDefinition[]>()));
  const key = JSON.stringify([options.countReferralValue, options.model ?? null]);
  let definitions = byOptions.get(key);
  if (definitions === undefined) byOptions.set(key, (definitions = Object.freeze(defineAll(value, options))));
  return definitions;
}

const definitionsByConfig = new WeakMap<ValueConfig, Map<string, readonly ValueDefinition[]>>();

function defineAll(value: ValueConfig, options: { readonly countReferralValue: boolean; readonly model?: string | null }): ValueDefinition[] {
  const { clv } = value;
  const common = { basis: clv.valueOn, rate: clv.discountRate, model: options.model ?? clv.model };
  const lifetime = { ...common };
  const short = { ...common, weeks: clv.horizonWeeks };
  const shortKey: ValueMessageKey = clv.horizonWeeks === 52 ? 'value.clv_12m' : 'value.clv.horizon';
  const main =
    clv.horizon === undefined
      ? define('clv', 'value.clv.lifetime', 'value.def.clv.lifetime', lifetime)
      : define('clv', 'value.clv.horizon', 'value.def.clv.horizon', { ...common, weeks: clv.horizon });
  return [
    main,
    define('clv_12m', shortKey, 'value.def.clv.horizon', short),
    define('clv_lifetime', 'value.clv.lifetime', 'value.def.clv.lifetime', lifetime),
    define('predicted_value', 'value.predicted_value', 'value.def.predicted_value', { basis: 'net', referral: options.countReferralValue ? 1 : 0 }),
    define('referral_value', 'value.referral_value', 'value.def.referral_value', {}),
    define('referred', 'value.referred', 'value.def.referred', {}),
    define('latest_nps', 'value.latest_nps', 'value.def.latest_nps', {}),
    define('latest_csat', 'value.latest_csat', 'value.def.latest_csat', {}),
    define('complaints', 'value.complaints', 'value.def.complaints', {}),
  ];
}
