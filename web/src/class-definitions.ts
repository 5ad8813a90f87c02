// One line on what each tier, column, grid class and digital type means (DOMAIN.md, the seeds),
// in both languages: shown on hover over a class and under a chosen segment's name (issue 16).
import { currentLang } from './i18n';

type Text = { readonly en: string; readonly fr: string };

const DEFINITIONS: Readonly<Record<string, Readonly<Record<string, Text>>>> = {
  value_tier: {
    CPP: { en: 'Most profitable customers: the highest predicted value, to reward and retain.', fr: 'Clients les plus rentables : la plus forte valeur prédite, à récompenser et fidéliser.' },
    CCM: { en: 'Medium-growth customers: a lower lifetime value than CPP but a good development potential.', fr: 'Clients à croissance moyenne : une valeur vie plus faible que les CPP mais un bon potentiel de développement.' },
    CNR: { en: 'Unprofitable customers: their margin does not cover what they cost; served at minimum cost.', fr: 'Clients non rentables : leur marge ne couvre pas ce qu’ils coûtent ; servis au moindre coût.' },
  },
  value_column: {
    d1: { en: 'The most profitable: high value now and ahead.', fr: 'Les plus rentables : forte valeur aujourd’hui et demain.' },
    d2: { en: 'Profitable, with significant potential value: cross-sell and up-sell targets.', fr: 'Rentables, avec une valeur potentielle significative : cibles de vente croisée et de montée en gamme.' },
    d3: { en: 'In the making: little profit now, may become profitable.', fr: 'En devenir : peu rentables aujourd’hui, peuvent le devenir.' },
    d4: { en: 'Unprofitable: they cost more than they bring.', fr: 'Non rentables : ils coûtent plus qu’ils ne rapportent.' },
  },
  grid: {
    athlete: { en: 'High revenue and high profitability.', fr: 'Fort chiffre d’affaires et forte rentabilité.' },
    whale: { en: 'High revenue, low profitability: large but costly.', fr: 'Fort chiffre d’affaires, faible rentabilité : gros mais coûteux.' },
    thoroughbred: { en: 'Low revenue, high profitability: small but profitable.', fr: 'Faible chiffre d’affaires, forte rentabilité : petits mais rentables.' },
    minnow: { en: 'Low revenue and low profitability.', fr: 'Faible chiffre d’affaires et faible rentabilité.' },
    inactive: { en: 'No purchase in the grid’s active window.', fr: 'Aucun achat dans la fenêtre active de la grille.' },
  },
  digital_type: {
    technophile: { en: 'Adopts new digital services early, on his own.', fr: 'Adopte tôt les nouveaux services numériques, de lui-même.' },
    technomouton: { en: 'Follows once others have adopted: moves online with encouragement.', fr: 'Suit une fois que les autres ont adopté : passe en ligne si on l’y aide.' },
    'techno-no': { en: 'Able but unwilling: prefers the store and human contact.', fr: 'Capable mais réticent : préfère le magasin et le contact humain.' },
    technonul: { en: 'Not at ease with digital tools: keep the offline channels.', fr: 'Pas à l’aise avec le numérique : garder les canaux hors ligne.' },
  },
};

/** The one-line definition of a class, in the page's language, or null when it has none. */
export function classDefinition(dimension: string, value: string): string | null {
  return DEFINITIONS[dimension]?.[value]?.[currentLang()] ?? null;
}
