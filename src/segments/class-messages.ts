/**
 * The sentences that explain the value classes and the potential, as message keys with
 * parameters in English and French: an explanation carries the key, its raw figures and its text
 * in every language, so the API serves both and a UI may render the key itself.
 */
export const CLASS_LANGUAGES = ['en', 'fr'] as const;
export type ClassLanguage = (typeof CLASS_LANGUAGES)[number];

export const CLASS_MESSAGES = {
  en: {
    'potential.peers.declared': 'peers: {peers} customers who declared his household size and income band ({group})',
    'potential.peers.household': 'peers: {peers} customers who declared his household size ({group})',
    'potential.peers.activity': 'peers: {peers} {range} buyers of his size',
    'potential.peers.range': 'peers: {peers} {range} buyers',
    'potential.peers.all': 'peers: all {peers} buyers',
    'potential.ranges.only': 'they buy {missing}; he buys only {bought}',
    'potential.ranges.also': 'they buy {missing}, which he never buys from us; he buys {bought}',
    'potential.ranges.none': 'he buys every range most of his peers buy ({bought})',
    'potential.size': 'his size: he spends in his ranges {size} of what his peers who buy them typically spend there, and each missing range is valued at that size',
    'potential.wallet': 'spends {spend} a year here: {share} of a wallet of {wallet} a year (his ranges at the peers’ average basket, or what he spends there if more, plus the ranges he is missing)',
    'potential.split': 'potential {potential} a year: {upsell} of up-sell in his ranges, {crossSell} of cross-sell in the missing ones',
    'tier.value': 'predicted value {value}, top {top}% of customers',
    'tier.cpp': 'above the CPP threshold of {threshold}',
    'tier.ccm': 'below the CPP threshold of {threshold}: a lower lifetime value, and a development potential of {potential} a year (top {top}% of customers), {margin} of margin a year',
    'column.d2.potential': 'significant potential value: {potentialValue} a year (contribution {contribution} + margin {margin} on a potential of {potential}), at or above the d2 threshold of {threshold}: a cross-sell and up-sell target',
    'column.d3.potential': 'in the making: potential value {potentialValue} a year (contribution {contribution} + margin {margin} on a potential of {potential}), below the d2 threshold of {threshold}: little profit now, may become profitable',
    'column.d2.contribution': 'profitable now: contribution {contribution} a year, at or above the d2 threshold of {threshold}',
    'column.d3.contribution': 'in the making: contribution {contribution} a year, below {threshold}; potential {potential} a year',
  },
  fr: {
    'potential.peers.declared': 'pairs : {peers} clients ayant déclaré sa taille de foyer et sa tranche de revenus ({group})',
    'potential.peers.household': 'pairs : {peers} clients ayant déclaré sa taille de foyer ({group})',
    'potential.peers.activity': 'pairs : {peers} acheteurs de {range} de sa taille',
    'potential.peers.range': 'pairs : {peers} acheteurs de {range}',
    'potential.peers.all': 'pairs : l’ensemble des {peers} acheteurs',
    'potential.ranges.only': 'ils achètent {missing} ; il n’achète que {bought}',
    'potential.ranges.also': 'ils achètent {missing}, qu’il ne nous achète jamais ; il achète {bought}',
    'potential.ranges.none': 'il achète toutes les gammes que la plupart de ses pairs achètent ({bought})',
    'potential.size': 'sa taille : il dépense dans ses gammes {size} de ce que ses pairs qui les achètent y dépensent d’ordinaire, et chaque gamme manquante est valorisée à cette taille',
    'potential.wallet': 'dépense ici {spend} par an : {share} d’un portefeuille de {wallet} par an (ses gammes au panier moyen de ses pairs, ou à ce qu’il y dépense si c’est plus, plus les gammes qui lui manquent)',
    'potential.split': 'potentiel {potential} par an : {upsell} de montée en gamme dans ses gammes, {crossSell} de vente croisée dans celles qui lui manquent',
    'tier.value': 'valeur prédite {value}, dans les {top} % premiers clients',
    'tier.cpp': 'au-dessus du seuil CPP de {threshold}',
    'tier.ccm': 'sous le seuil CPP de {threshold} : une valeur vie plus faible, et un potentiel de développement de {potential} par an (dans les {top} % premiers clients), soit {margin} de marge par an',
    'column.d2.potential': 'valeur potentielle significative : {potentialValue} par an (contribution {contribution} + marge {margin} sur un potentiel de {potential}), au moins le seuil d2 de {threshold} : cible de vente croisée et de montée en gamme',
    'column.d3.potential': 'en devenir : valeur potentielle {potentialValue} par an (contribution {contribution} + marge {margin} sur un potentiel de {potential}), sous le seuil d2 de {threshold} : peu rentable aujourd’hui, peut le devenir',
    'column.d2.contribution': 'rentable aujourd’hui : contribution {contribution} par an, au moins le seuil d2 de {threshold}',
    'column.d3.contribution': 'en devenir : contribution {contribution} par an, sous {threshold} ; potentiel {potential} par an',
  },
} as const satisfies Record<ClassLanguage, Record<string, string>>;

export type ClassMessageKey = keyof (typeof CLASS_MESSAGES)['en'];

/** Parameters are raw values (amounts in the currency, shares as fractions, lists comma-separated); each language formats them. */
export interface ClassMessage {
  readonly key: ClassMessageKey;
  readonly params: Readonly<Record<string, string | number | null>>;
}

export interface ClassMessageText extends ClassMessage {
  readonly text: Readonly<Record<ClassLanguage, string>>;
}

const MONEY = new Set(['spend', 'wallet', 'potential', 'upsell', 'crossSell', 'threshold', 'margin', 'contribution', 'potentialValue', 'value']);
const SHARES = new Set(['share', 'size']);
const LISTS = new Set(['missing', 'bought']);

function formatParam(name: string, value: string | number | null, lang: ClassLanguage, currency: string): string {
  const locale = lang === 'fr' ? 'fr-FR' : 'en-US';
  if (value === null) return lang === 'fr' ? 'n.d.' : 'n/a';
  if (typeof value === 'string') return LISTS.has(name) ? value.split(',').join(', ') : value;
  if (MONEY.has(name)) return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(Math.round(value))} ${currency}`;
  if (SHARES.has(name)) return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(value);
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

export function renderClassMessage(message: ClassMessage, lang: ClassLanguage, currency: string): string {
  const template: string = CLASS_MESSAGES[lang][message.key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = message.params[name];
    return value === undefined ? whole : formatParam(name, value, lang, currency);
  });
}

/** A message with its text in every language. */
export function withText(message: ClassMessage, currency: string): ClassMessageText {
  const text = Object.fromEntries(CLASS_LANGUAGES.map((l) => [l, renderClassMessage(message, l, currency)])) as Record<ClassLanguage, string>;
  return { ...message, text };
}
