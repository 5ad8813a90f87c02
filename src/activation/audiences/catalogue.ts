/**
 * Every field an audience can filter on, described once: its name in the filter language, its
 * type, what it means (FR and EN), where it comes from and its SQL. The CLI's `audiences fields`,
 * the API's listing, the dashboard's builder and the table in docs/activation.md all read this.
 */
import { CONTACT_CHANNELS, sql, type Sql } from '../../store/index.js';
import { DIGITAL_TYPES } from '../../config/digital-config.js';
import { GRID_QUADRANTS } from '../../segments/index.js';

export const FIELD_TYPES = ['enum', 'string', 'number', 'integer', 'boolean', 'date', 'set', 'trait'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface CompileContext {
  /** The instant relative durations count back from (contacted_within, age). */
  readonly asOf: Date;
}

/**
 * Where the field's value is read: `classes` is customer_classes AS c (the audience's base, one
 * row per person), `profiles` is person_profiles AS p (joined only when a field needs it), and
 * `person` an expression on c.person_id alone (subqueries on other tables).
 */
export type FieldTable = 'classes' | 'profiles' | 'person';

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  /** The allowed values of an enum, or the known ones of a set (not enforced for sets). */
  readonly values?: readonly string[];
  readonly description: { readonly en: string; readonly fr: string };
  /** Where it comes from, in words of the data model (for the docs table). */
  readonly source: string;
  readonly table: FieldTable;
  /**
   * The SQL: a scalar expression for every type but `set`; for a set, a query of rows
   * (person_id, item), the field holding a value when one of his rows has that item.
   */
  sql(ctx: CompileContext, name: string): Sql;
}

const classes = (column: string) => () => sql`c.${sql.id(column)}`;
const profiles = (column: string) => () => sql`p.${sql.id(column)}`;

type Described = Pick<FieldSpec, 'description' | 'source'>;
const column = (name: string, type: FieldType, d: Described, extra: Partial<FieldSpec> = {}, source = name): FieldSpec => ({
  name, type, table: 'classes', sql: classes(source), ...d, ...extra,
});
const declared = (name: string, type: FieldType, en: string, fr: string, values?: readonly string[]): FieldSpec => ({
  name, type, table: 'profiles', sql: profiles(name), source: `person_profiles.${name}`, description: { en, fr }, ...(values ? { values } : {}),
});
const cls = (col: string, en: string, fr: string): Described => ({ source: `customer_classes.${col}`, description: { en, fr } });

/** A contact that counts for pressure and last contact: planned or sent (NULL status is imported, so sent). */
const pressureContact = sql`coalesce(k.status, 'sent') IN ('planned', 'sent')`;
const contactsOfPersons = (where: Sql): Sql => sql`SELECT cp.person_id FROM contacts AS k JOIN customer_persons AS cp ON cp.customer_id = k.customer_id
  WHERE ${pressureContact} AND ${where}`;

/** `contacted_within`: persons with a planned or sent contact since `since` (on one channel, if given). */
export function contactedSince(since: Date, channel?: string): Sql {
  const on = channel === undefined ? sql`` : sql` AND k.channel = ${channel}`;
  return sql`c.person_id IN (${contactsOfPersons(sql`k.sent_at >= ${since}${on}`)})`;
}

/** The channel as French readers name it (the field's name keeps the code). */
const FRENCH_CHANNEL: Readonly<Record<string, string>> = { email: 'e-mail', sms: 'SMS', mail: 'courrier', phone: 'téléphone', push: 'notification' };

const consentField = (channel: string): FieldSpec => ({
  name: `consent.${channel}`,
  type: 'boolean',
  table: 'person',
  source: `person_consents (channel ${channel}, status opt_in)`,
  description: {
    en: `He is opted in on ${channel} now (his latest consent event for it); unknown is not consent.`,
    fr: `Il a consenti au canal ${FRENCH_CHANNEL[channel] ?? channel} (son dernier événement de consentement pour ce canal) ; inconnu ne vaut pas consentement.`,
  },
  sql: () => sql`(c.person_id IN (SELECT person_id FROM person_consents WHERE channel = ${channel} AND status = 'opt_in'))`,
});

/** Trait names are identifiers, so a JSON path built from one cannot escape it (and it is bound anyway). */
export const TRAIT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const TRAIT_PREFIX = 'trait.';

export const FIELDS: readonly FieldSpec[] = [
  column('tier', 'enum', cls('value_tier', 'Value tier: CPP most profitable, CCM medium growth, CNR unprofitable.', 'Niveau de valeur : CPP les plus rentables, CCM croissance moyenne, CNR non rentables.'), { values: ['CPP', 'CCM', 'CNR'] }, 'value_tier'),
  column('column', 'enum', cls('value_column', 'Value column: d1 most profitable, d2 profitable, d3 in the making, d4 unprofitable.', 'Colonne de valeur : d1 les plus rentables, d2 rentables, d3 en devenir, d4 non rentables.'), { values: ['d1', 'd2', 'd3', 'd4'] }, 'value_column'),
  column('grid', 'enum', cls('grid', 'Strategic grid quadrant (revenue x profitability over the window).', 'Quadrant de la grille stratégique (chiffre d\'affaires x rentabilité sur la fenêtre).'), { values: GRID_QUADRANTS }),
  column('digital_type', 'enum', cls('digital_type', 'Digital maturity sociotype.', 'Sociotype de maturité digitale.'), { values: DIGITAL_TYPES }),
  column('rfm_segment', 'string', cls('rfm_segment', 'Named RFM cell (champions, loyal, at risk...; names from the configuration).', 'Cellule RFM nommée (champions, fidèles, à risque... ; noms de la configuration).')),
  column('rfm_code', 'string', cls('rfm_code', 'RFM code, the three scores as text (e.g. "545").', 'Code RFM, les trois notes en texte (ex. « 545 »).')),
  column('r_score', 'integer', cls('r_score', 'Recency score, 1 to 5 (5 most recent).', 'Note de récence, de 1 à 5 (5 la plus récente).')),
  column('f_score', 'integer', cls('f_score', 'Frequency score, 1 to 5.', 'Note de fréquence, de 1 à 5.')),
  column('m_score', 'integer', cls('m_score', 'Monetary score, 1 to 5.', 'Note de montant, de 1 à 5.')),
  column('clv', 'number', cls('clv', 'Predicted customer lifetime value (EUR, discounted, over the CLV horizon; basis as configured: margin or revenue).', 'Valeur vie client prédite (EUR, actualisée, sur l\'horizon CLV ; base configurée : marge ou chiffre d\'affaires).')),
  column('p_alive', 'number', cls('p_alive', 'Probability he is still a customer (the CLV model), 0 to 1; empty when not estimable (BG/NBD, no repeat purchase).', 'Probabilité qu\'il soit encore client (le modèle de CLV), de 0 à 1 ; vide si non estimable (BG/NBD, pas de second achat).')),
  column('predicted_value', 'number', cls('predicted_value', 'Predicted value used for the tiers (EUR, net of costs).', 'Valeur prédite utilisée pour les niveaux (EUR, nette des coûts).')),
  column('attachment', 'number', cls('attachment', 'Attachment score, 0 to 1 (tenure, regularity, breadth, recency).', 'Score d\'attachement, de 0 à 1 (ancienneté, régularité, étendue, récence).')),
  column('potential', 'number', cls('potential', 'Potential: estimated yearly spending he makes elsewhere (EUR, wallet gap).', 'Potentiel : dépense annuelle estimée faite ailleurs (EUR, écart de portefeuille).')),
  column('share_of_wallet', 'number', cls('share_of_wallet', 'Share of his estimated wallet spent here, 0 to 1.', 'Part de son portefeuille estimé dépensée ici, de 0 à 1.')),
  column('orders', 'integer', cls('orders', 'Orders, all history.', 'Commandes, tout l\'historique.')),
  column('revenue', 'number', cls('revenue', 'Revenue, all history (EUR).', 'Chiffre d\'affaires, tout l\'historique (EUR).')),
  column('gross_margin', 'number', cls('gross_margin', 'Gross margin, all history (EUR).', 'Marge brute, tout l\'historique (EUR).')),
  column('net_contribution', 'number', cls('net_contribution', 'Net contribution: margin minus cost to serve, all history (EUR).', 'Contribution nette : marge moins coût de service, tout l\'historique (EUR).')),
  column('recency', 'integer', cls('recency_days', 'Days since his last purchase (at the pipeline\'s as-of date).', 'Jours depuis son dernier achat (à la date d\'analyse du pipeline).'), {}, 'recency_days'),
  column('tenure', 'integer', cls('tenure_days', 'Days since his first purchase.', 'Jours depuis son premier achat.'), {}, 'tenure_days'),
  column('last_purchase', 'date', cls('last_purchase', 'Date of his last purchase.', 'Date de son dernier achat.')),
  column('complaints', 'integer', cls('complaints', 'Complaints (tickets of type complaint).', 'Réclamations (tickets de type réclamation).')),
  column('latest_nps', 'integer', cls('latest_nps', 'His latest NPS answer, 0 to 10.', 'Sa dernière réponse NPS, de 0 à 10.')),
  column('online_move', 'string', cls('online_move', 'Move online since the new channel (adopted, stayed offline...).', 'Passage en ligne depuis le nouveau canal (adopté, resté hors ligne...).')),
  column('preferred_channel', 'enum', cls('preferred_channel', 'His learned preferred channel among those he consented to (empty when none).', 'Son canal préféré appris parmi ceux auxquels il a consenti (vide si aucun).'), { values: CONTACT_CHANNELS }),
  ...CONTACT_CHANNELS.map(consentField),
  {
    name: 'last_contact',
    type: 'date',
    table: 'person',
    source: 'contacts (max sent_at of planned and sent contacts)',
    description: { en: 'When he was last contacted, planned contacts included.', fr: 'Date de son dernier contact, contacts planifiés compris.' },
    sql: () => sql`(SELECT max(k.sent_at) FROM contacts AS k JOIN customer_persons AS cp ON cp.customer_id = k.customer_id WHERE ${pressureContact} AND cp.person_id = c.person_id)`,
  },
  {
    name: 'affinity',
    type: 'set',
    table: 'person',
    source: 'customer_category_affinity (his 3 categories of highest affinity index above 1)',
    description: { en: 'His top 3 categories by affinity, among those he buys more than his segment (affinity index > 1).', fr: 'Ses 3 catégories de plus forte affinité, parmi celles qu\'il achète plus que son segment (indice d\'affinité > 1).' },
    sql: () => sql`SELECT person_id, category AS item FROM (SELECT person_id, category,
      row_number() OVER (PARTITION BY person_id ORDER BY affinity_index DESC, category) AS affinity_rank
      FROM customer_category_affinity WHERE affinity_index > 1) AS ranked
      WHERE affinity_rank <= 3`,
  },
  {
    name: 'source',
    type: 'set',
    table: 'person',
    source: 'customers.source of his records',
    description: { en: 'Source systems of his customer records (store, web, events...).', fr: 'Systèmes sources de ses fiches client (magasin, web, événements...).' },
    sql: () => sql`SELECT cp.person_id, cu.source AS item FROM customer_persons AS cp JOIN customers AS cu ON cu.customer_id = cp.customer_id`,
  },
  declared('gender', 'enum', 'Declared gender: F, M or X.', 'Sexe déclaré : F, M ou X.', ['F', 'M', 'X']),
  {
    name: 'age',
    type: 'integer',
    table: 'profiles',
    source: 'person_profiles.birth_date',
    description: { en: 'Age in whole years from his declared birth date.', fr: 'Âge en années révolues d\'après sa date de naissance déclarée.' },
    sql: (ctx) => sql`floor(date_diff('day', p.birth_date, CAST(${ctx.asOf} AS DATE)) / 365.25)`,
  },
  declared('birth_date', 'date', 'Declared birth date.', 'Date de naissance déclarée.'),
  declared('household_size', 'integer', 'People in the household (declared).', 'Personnes au foyer (déclaré).'),
  declared('children', 'integer', 'Children in the household (declared).', 'Enfants au foyer (déclaré).'),
  declared('postcode', 'string', 'Postcode.', 'Code postal.'),
  declared('city', 'string', 'City.', 'Ville.'),
  declared('country', 'string', 'Country (2 letters).', 'Pays (2 lettres).'),
  declared('socio_professional_category', 'string', 'Declared socio-professional category.', 'Catégorie socioprofessionnelle déclarée.'),
  declared('income_band', 'string', 'Declared income band.', 'Tranche de revenus déclarée.'),
  {
    name: 'interests',
    type: 'set',
    table: 'person',
    source: 'person_profiles.interests (split on ";")',
    description: { en: 'Declared interests (house, flat, garden, owner...).', fr: 'Centres d\'intérêt déclarés (maison, appartement, jardin, propriétaire...).' },
    sql: () => sql`SELECT person_id, trim(unnest(string_split(interests, ';'))) AS item FROM person_profiles WHERE interests IS NOT NULL`,
  },
  declared('signup_source', 'string', 'Where he signed up (declared touch point).', 'Où il s\'est inscrit (point de contact déclaré).'),
  declared('signup_at', 'date', 'When he signed up.', 'Date de son inscription.'),
  {
    name: 'trait.<name>',
    type: 'trait',
    table: 'person',
    source: 'events.properties of his latest identify carrying the trait',
    description: {
      en: 'A custom trait sent with identify (latest value); compared as a number with a number, else as text.',
      fr: 'Un trait personnalisé envoyé par identify (dernière valeur) ; comparé comme nombre à un nombre, sinon comme texte.',
    },
    sql: (_ctx, name) => traitSql(name.slice(TRAIT_PREFIX.length)),
  },
];

/** The latest value of a custom trait over the identify events of his records (traits are stored as the event's properties). */
function traitSql(trait: string): Sql {
  const path = `$.${trait}`;
  return sql`(SELECT arg_max(json_extract_string(e.properties, ${path}), e.${sql.id('timestamp')}) FROM events AS e
    JOIN customer_persons AS cp ON cp.customer_id = e.customer_id
    WHERE e.type = 'identify' AND cp.person_id = c.person_id AND json_extract(e.properties, ${path}) IS NOT NULL)`;
}

const BY_NAME = new Map(FIELDS.map((f) => [f.name, f]));
const TRAIT_FIELD = BY_NAME.get('trait.<name>') as FieldSpec;

/** The field a name denotes (a `trait.x` resolves to the trait field), or undefined. */
export function fieldNamed(name: string): FieldSpec | undefined {
  if (name.startsWith(TRAIT_PREFIX)) return TRAIT_NAME.test(name.slice(TRAIT_PREFIX.length)) ? TRAIT_FIELD : undefined;
  return BY_NAME.get(name);
}

/** The catalogue as data, for the CLI, the API and the dashboard. */
export interface FieldListing {
  readonly name: string;
  readonly type: FieldType;
  readonly values: readonly string[] | null;
  readonly description: { readonly en: string; readonly fr: string };
  readonly source: string;
}

export function fieldListing(): FieldListing[] {
  return FIELDS.map((f) => ({ name: f.name, type: f.type, values: f.values ?? null, description: f.description, source: f.source }));
}
