// Human names for the customer 360's profile fields, identifier types and source systems, in both
// languages (issue 16: "profile fields with human labels and sources by name, not record ids").
// Kept beside messages.ts because these name data-model columns, not sentences of the interface.
import { currentLang } from './i18n';

type Names = Readonly<Record<string, { readonly en: string; readonly fr: string }>>;

const FIELDS: Names = {
  first_name: { en: 'First name', fr: 'Prénom' },
  last_name: { en: 'Last name', fr: 'Nom' },
  birth_date: { en: 'Birth date', fr: 'Date de naissance' },
  gender: { en: 'Gender', fr: 'Sexe' },
  household_size: { en: 'People in the household', fr: 'Personnes au foyer' },
  children: { en: 'Children', fr: 'Enfants' },
  street_address: { en: 'Street address', fr: 'Adresse' },
  postcode: { en: 'Postcode', fr: 'Code postal' },
  city: { en: 'City', fr: 'Ville' },
  country: { en: 'Country', fr: 'Pays' },
  socio_professional_category: { en: 'Socio-professional category', fr: 'Catégorie socioprofessionnelle' },
  income_band: { en: 'Income band', fr: 'Tranche de revenus' },
  interests: { en: 'Interests', fr: "Centres d'intérêt" },
  signup_source: { en: 'Signed up through', fr: 'Inscrit via' },
  signup_at: { en: 'Signed up on', fr: 'Inscrit le' },
  acquisition_cost: { en: 'Acquisition cost', fr: "Coût d'acquisition" },
  updated_at: { en: 'Last updated in the source', fr: 'Dernière mise à jour dans la source' },
};

const IDENTIFIERS: Names = {
  userId: { en: 'User id (web)', fr: 'Identifiant utilisateur (web)' },
  anonymousId: { en: 'Anonymous id (browser)', fr: 'Identifiant anonyme (navigateur)' },
  email: { en: 'E-mail', fr: 'E-mail' },
  phone: { en: 'Phone', fr: 'Téléphone' },
  loyaltyCard: { en: 'Loyalty card', fr: 'Carte de fidélité' },
  accountId: { en: 'Account', fr: 'Compte' },
  externalId: { en: 'External id', fr: 'Identifiant externe' },
};

const SYSTEMS: Names = {
  store: { en: 'Store', fr: 'Magasin' },
  web: { en: 'Web', fr: 'Web' },
  callcenter: { en: 'Call centre', fr: 'Centre d’appels' },
  partner: { en: 'Partner', fr: 'Partenaire' },
  events: { en: 'Collected events', fr: 'Événements collectés' },
  newsletter: { en: 'Newsletter', fr: 'Lettre d’information' },
  contest: { en: 'Contest', fr: 'Jeu-concours' },
  referral: { en: 'Referral', fr: 'Parrainage' },
  web_analytics: { en: 'Web analytics', fr: 'Mesure d’audience web' },
  web_form: { en: 'Web form', fr: 'Formulaire web' },
  unsubscribe_link: { en: 'Unsubscribe link', fr: 'Lien de désinscription' },
  sms_stop: { en: 'SMS STOP reply', fr: 'Réponse STOP par SMS' },
  app: { en: 'App', fr: 'Application' },
  phone: { en: 'Phone', fr: 'Téléphone' },
};

const named = (names: Names, code: string): string => names[code]?.[currentLang()] ?? code;

/** A profile field's name (the column itself when it has none). */
export const fieldName = (column: string): string => named(FIELDS, column);
/** An identifier type's name. */
export const identifierName = (type: string): string => named(IDENTIFIERS, type);
/** A source system's name (store, web, callcenter...). */
export const systemName = (system: string): string => named(SYSTEMS, system);
