/**
 * The datamart's tables, described once. DDL for every engine, import validation and the
 * documentation in docs/data-model.md all derive from these specs, so they cannot disagree.
 */
import { sql, type Sql } from './sql.js';

/** Logical column types; each dialect maps them to its own types. */
export type ColumnType = 'string' | 'int' | 'money' | 'float' | 'date' | 'timestamp' | 'bool';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  /** Required columns must be present in an imported file and non-empty on every record. */
  readonly required?: boolean;
  /** Allowed values (checked on import, case-sensitive after trimming). */
  readonly values?: readonly string[];
  /** Inclusive bounds for numeric columns. */
  readonly min?: number;
  readonly max?: number;
  /** Another table's key this column must point to (checked on import). */
  readonly references?: { readonly table: TableName; readonly column: string };
  /**
   * `plain`: written whole by every run and read back by point lookups, so written as fast as
   * possible rather than as small as possible (uncompressed on DuckDB; ClickHouse's default codec,
   * which costs little to write, everywhere else).
   */
  readonly storage?: 'plain';
  readonly doc: string;
}

export interface TableSpec {
  readonly name: string;
  readonly doc: string;
  /** Natural key: re-importing a record with the same key replaces it, never duplicates it. */
  readonly key: readonly string[];
  readonly columns: readonly ColumnSpec[];
  /**
   * A column each of whose values a step replaces as a whole (a run's snapshot): ClickHouse
   * partitions the table by it, so the step swaps a partition instead of deleting rows.
   */
  readonly partitionBy?: string;
}

export const CONTACT_CHANNELS = ['email', 'sms', 'mail', 'phone', 'push'] as const;
/** A contact's life: planned by the planner, then sent (or cancelled). Empty in imported files means sent. */
export const CONTACT_STATUSES = ['planned', 'sent', 'cancelled'] as const;
/**
 * SQL condition: the contact under `alias` was sent (imported history has no status). Value,
 * classes and reaction rates read sent contacts only; a planned contact is not yet a cost.
 */
export function sentContact(alias: string): Sql {
  return sql`coalesce(${sql.raw(alias)}.status, 'sent') = 'sent'`;
}

export const ORDER_CHANNELS = ['store', 'web', 'phone', 'app'] as const;
export const IDENTIFIER_TYPES = [
  'user_id',
  'email',
  'phone',
  'loyalty_card',
  'account_id',
  'anonymous_id',
  'external_id',
] as const;
export const RESPONSE_TYPES = [
  'delivered',
  'opened',
  'clicked',
  'converted',
  'unsubscribed',
  'bounced',
] as const;
export const WEB_EVENT_TYPES = ['page_view', 'key_page', 'quote_started', 'search', 'cart_add'] as const;
export const TICKET_CHANNELS = ['phone', 'email', 'chat', 'store', 'web'] as const;

const customerRef = { table: 'customers', column: 'customer_id' } as const;

export const TABLES = [
  {
    name: 'customers',
    doc: 'One customer record per source system (store loyalty file, web accounts, call centre CRM...). Identity resolution links the records of one person.',
    key: ['customer_id'],
    columns: [
      { name: 'customer_id', type: 'string', required: true, doc: 'Customer record id, unique across sources.' },
      { name: 'source', type: 'string', required: true, doc: 'Source system of the record (store, web, callcenter, partner...).' },
      { name: 'first_name', type: 'string', doc: 'Declared first name.' },
      { name: 'last_name', type: 'string', doc: 'Declared last name.' },
      { name: 'birth_date', type: 'date', doc: 'Declared birth date.' },
      { name: 'gender', type: 'string', values: ['F', 'M', 'X'], doc: 'Declared gender: F, M or X.' },
      { name: 'household_size', type: 'int', min: 1, max: 20, doc: 'People in the household.' },
      { name: 'children', type: 'int', min: 0, max: 15, doc: 'Children in the household.' },
      { name: 'street_address', type: 'string', doc: 'Street number and street (e.g. "12 rue de la République"), as the source writes it.' },
      { name: 'postcode', type: 'string', doc: 'Postal code.' },
      { name: 'city', type: 'string', doc: 'City.' },
      { name: 'country', type: 'string', doc: 'ISO 3166-1 alpha-2 country code.' },
      { name: 'socio_professional_category', type: 'string', doc: 'Socio-professional category (e.g. INSEE PCS: farmer, craftsman, executive, intermediate, employee, worker, retired, other).' },
      { name: 'income_band', type: 'string', doc: 'Declared income band (free labels, e.g. <20k, 20-40k, 40-70k, 70k+).' },
      { name: 'interests', type: 'string', doc: 'Declared interests, separated by ";" (e.g. "garden;owner;console:switch").' },
      { name: 'signup_source', type: 'string', doc: 'Where the record was created (store, web, contest, newsletter, referral, partner...).' },
      { name: 'signup_at', type: 'timestamp', doc: 'When the record was created.' },
      { name: 'acquisition_cost', type: 'money', min: 0, doc: 'Cost spent to acquire this customer, in the configured currency.' },
      { name: 'updated_at', type: 'timestamp', doc: 'Last update of the declared data in the source.' },
    ],
  },
  {
    name: 'identifiers',
    doc: 'Identifiers seen on a customer record, with the system that saw them. Raw values, as received: normalisation belongs to identity resolution.',
    key: ['customer_id', 'type', 'value'],
    columns: [
      { name: 'customer_id', type: 'string', required: true, references: customerRef, doc: 'Customer record holding the identifier.' },
      { name: 'type', type: 'string', required: true, values: IDENTIFIER_TYPES, doc: 'user_id (the userId of tracked events), email, phone, loyalty_card, account_id, anonymous_id or external_id.' },
      { name: 'value', type: 'string', required: true, doc: 'The identifier as received.' },
      { name: 'source', type: 'string', required: true, doc: 'System that recorded it.' },
      { name: 'first_seen_at', type: 'timestamp', doc: 'When it was first linked to the record.' },
    ],
  },
  {
    name: 'consents',
    doc: 'Consent history: one row per change of a channel permission.',
    key: ['customer_id', 'channel', 'at'],
    columns: [
      { name: 'customer_id', type: 'string', required: true, references: customerRef, doc: 'Customer record.' },
      { name: 'channel', type: 'string', required: true, values: CONTACT_CHANNELS, doc: 'email, sms, mail, phone or push.' },
      { name: 'status', type: 'string', required: true, values: ['opt_in', 'opt_out'], doc: 'opt_in or opt_out.' },
      { name: 'at', type: 'timestamp', required: true, doc: 'When the consent was given or withdrawn.' },
      { name: 'source', type: 'string', required: true, doc: 'Where it was collected (web form, store, partner...).' },
    ],
  },
  {
    name: 'products',
    doc: 'Catalogue.',
    key: ['sku'],
    columns: [
      { name: 'sku', type: 'string', required: true, doc: 'Product reference.' },
      { name: 'name', type: 'string', required: true, doc: 'Product name.' },
      { name: 'category', type: 'string', required: true, doc: 'Product range (category).' },
      { name: 'sub_category', type: 'string', doc: 'Sub-category.' },
      { name: 'price', type: 'money', min: 0, doc: 'List price.' },
      { name: 'unit_cost', type: 'money', min: 0, doc: 'Unit cost of goods (for margin).' },
    ],
  },
  {
    name: 'orders',
    doc: 'Orders and store tickets (one purchase occasion each).',
    key: ['order_id'],
    columns: [
      { name: 'order_id', type: 'string', required: true, doc: 'Order or receipt id.' },
      { name: 'customer_id', type: 'string', required: true, references: customerRef, doc: 'Customer record that bought.' },
      { name: 'ordered_at', type: 'timestamp', required: true, doc: 'Time of purchase.' },
      { name: 'channel', type: 'string', required: true, values: ORDER_CHANNELS, doc: 'store, web, phone or app.' },
      { name: 'store_id', type: 'string', doc: 'Store, for store purchases.' },
      { name: 'campaign_id', type: 'string', doc: 'Campaign the order is attributed to, if any.' },
    ],
  },
  {
    name: 'order_lines',
    doc: 'Lines of an order. Revenue = quantity x unit_price - discount; margin = revenue - quantity x unit_cost.',
    key: ['order_id', 'line_no'],
    columns: [
      { name: 'order_id', type: 'string', required: true, references: { table: 'orders', column: 'order_id' }, doc: 'Order.' },
      { name: 'line_no', type: 'int', required: true, min: 1, doc: 'Line number within the order, from 1.' },
      { name: 'sku', type: 'string', required: true, references: { table: 'products', column: 'sku' }, doc: 'Product bought.' },
      { name: 'quantity', type: 'int', required: true, min: 1, doc: 'Units bought (positive; returns go to the returns table).' },
      { name: 'unit_price', type: 'money', required: true, min: 0, doc: 'Price per unit before discount.' },
      { name: 'discount', type: 'money', min: 0, doc: 'Total discount on the line.' },
      { name: 'unit_cost', type: 'money', min: 0, doc: 'Cost per unit; when empty, the product unit cost applies.' },
    ],
  },
  {
    name: 'returns',
    doc: 'Returned goods, tied to the order line they come from.',
    key: ['return_id'],
    columns: [
      { name: 'return_id', type: 'string', required: true, doc: 'Return id.' },
      { name: 'order_id', type: 'string', required: true, references: { table: 'orders', column: 'order_id' }, doc: 'Order of the returned line.' },
      { name: 'line_no', type: 'int', required: true, min: 1, doc: 'Returned line.' },
      { name: 'returned_at', type: 'timestamp', required: true, doc: 'When the goods came back.' },
      { name: 'quantity', type: 'int', required: true, min: 1, doc: 'Units returned.' },
      { name: 'refund_amount', type: 'money', required: true, min: 0, doc: 'Amount refunded.' },
      { name: 'reason', type: 'string', doc: 'Return reason.' },
    ],
  },
  {
    name: 'tickets',
    doc: 'Customer service tickets and complaints.',
    key: ['ticket_id'],
    columns: [
      { name: 'ticket_id', type: 'string', required: true, doc: 'Ticket id.' },
      { name: 'customer_id', type: 'string', required: true, references: customerRef, doc: 'Customer record.' },
      { name: 'opened_at', type: 'timestamp', required: true, doc: 'When the ticket was opened.' },
      { name: 'closed_at', type: 'timestamp', doc: 'When it was closed.' },
      { name: 'type', type: 'string', required: true, doc: 'Ticket type (delivery, defect, billing, information, complaint...).' },
      { name: 'channel', type: 'string', required: true, values: TICKET_CHANNELS, doc: 'phone, email, chat, store or web.' },
      { name: 'handling_cost', type: 'money', min: 0, doc: 'Cost of handling; when empty, the configured cost of its type applies.' },
      { name: 'satisfaction', type: 'int', min: 1, max: 5, doc: 'Satisfaction after handling, 1-5.' },
      { name: 'order_id', type: 'string', doc: 'Order concerned, if any.' },
    ],
  },
  {
    name: 'campaigns',
    doc: 'Marketing operations.',
    key: ['campaign_id'],
    columns: [
      { name: 'campaign_id', type: 'string', required: true, doc: 'Campaign id.' },
      { name: 'name', type: 'string', required: true, doc: 'Campaign name.' },
      { name: 'channel', type: 'string', required: true, values: CONTACT_CHANNELS, doc: 'email, sms, mail, phone or push.' },
      { name: 'objective', type: 'string', doc: 'Objective (newsletter, promotion, reactivation, cross_sell...).' },
      { name: 'started_at', type: 'timestamp', required: true, doc: 'Start of the operation.' },
    ],
  },
  {
    name: 'contacts',
    doc: 'One marketing message sent to one customer (the unit of contact pressure).',
    key: ['contact_id'],
    columns: [
      { name: 'contact_id', type: 'string', required: true, doc: 'Contact id.' },
      { name: 'customer_id', type: 'string', required: true, references: customerRef, doc: 'Customer record contacted.' },
      { name: 'campaign_id', type: 'string', required: true, references: { table: 'campaigns', column: 'campaign_id' }, doc: 'Campaign.' },
      { name: 'channel', type: 'string', required: true, values: CONTACT_CHANNELS, doc: 'email, sms, mail, phone or push.' },
      { name: 'sent_at', type: 'timestamp', required: true, doc: 'When it was sent.' },
      { name: 'unit_cost', type: 'money', min: 0, doc: 'Cost of this contact; when empty, the configured channel cost applies.' },
      {
        name: 'status',
        type: 'string',
        values: CONTACT_STATUSES,
        doc: 'planned (by Fidelis\'s campaign planner, not sent yet), sent or cancelled; empty means sent (imported history). Value, classes and reaction rates count sent contacts only; contact pressure counts planned and sent.',
      },
    ],
  },
  {
    name: 'responses',
    doc: 'Reactions to a contact.',
    key: ['contact_id', 'type'],
    columns: [
      { name: 'contact_id', type: 'string', required: true, references: { table: 'contacts', column: 'contact_id' }, doc: 'Contact.' },
      { name: 'type', type: 'string', required: true, values: RESPONSE_TYPES, doc: 'delivered, opened, clicked, converted, unsubscribed or bounced.' },
      { name: 'at', type: 'timestamp', required: true, doc: 'When it happened (first occurrence).' },
    ],
  },
  {
    name: 'web_events',
    doc: 'Navigation: page views, key pages, quotes, searches, cart additions. Anonymous until an identifier links the anonymous id to a customer.',
    key: ['event_id'],
    columns: [
      { name: 'event_id', type: 'string', required: true, doc: 'Event id.' },
      { name: 'customer_id', type: 'string', references: customerRef, doc: 'Customer record, when the visitor was logged in.' },
      { name: 'anonymous_id', type: 'string', doc: 'Device or cookie id.' },
      { name: 'at', type: 'timestamp', required: true, doc: 'Time of the event.' },
      { name: 'type', type: 'string', required: true, values: WEB_EVENT_TYPES, doc: 'page_view, key_page, quote_started, search or cart_add.' },
      { name: 'page', type: 'string', doc: 'Page path.' },
      { name: 'sku', type: 'string', doc: 'Product concerned, if any.' },
      { name: 'search_term', type: 'string', doc: 'Search terms, for searches.' },
      { name: 'session_id', type: 'string', doc: 'Session id.' },
    ],
  },
  {
    name: 'surveys',
    doc: 'Satisfaction surveys: NPS (0-10) and CSAT (1-5).',
    key: ['survey_id'],
    columns: [
      { name: 'survey_id', type: 'string', required: true, doc: 'Survey answer id.' },
      { name: 'customer_id', type: 'string', required: true, references: customerRef, doc: 'Customer record.' },
      { name: 'at', type: 'timestamp', required: true, doc: 'When it was answered.' },
      { name: 'kind', type: 'string', required: true, values: ['nps', 'csat'], doc: 'nps or csat.' },
      { name: 'score', type: 'int', required: true, min: 0, max: 10, doc: 'NPS 0-10, CSAT 1-5.' },
      { name: 'comment', type: 'string', doc: 'Free comment.' },
    ],
  },
  {
    name: 'referrals',
    doc: 'Who brought whom (sponsorship).',
    key: ['referred_id'],
    columns: [
      { name: 'referrer_id', type: 'string', required: true, references: customerRef, doc: 'Customer record who referred.' },
      { name: 'referred_id', type: 'string', required: true, references: customerRef, doc: 'Customer record referred.' },
      { name: 'at', type: 'timestamp', required: true, doc: 'When the referral happened.' },
    ],
  },
] as const satisfies readonly TableSpecInput[];

interface TableSpecInput {
  readonly name: string;
  readonly doc: string;
  readonly key: readonly string[];
  readonly columns: readonly (Omit<ColumnSpec, 'references'> & {
    readonly references?: { readonly table: string; readonly column: string };
  })[];
}

export type TableName = (typeof TABLES)[number]['name'];
export const TABLE_NAMES: readonly TableName[] = TABLES.map((t) => t.name);

export function tableSpec(name: TableName): TableSpec {
  const spec = TABLES.find((t) => t.name === name);
  if (!spec) throw new Error(`unknown table ${name}`);
  return spec;
}

/** The spec of one of SYSTEM_TABLES. */
export function systemTableSpec(name: string): TableSpec {
  const spec = SYSTEM_TABLES.find((t) => t.name === name);
  if (!spec) throw new Error(`unknown system table ${name}`);
  return spec;
}

/** Bookkeeping tables of the store itself (not importable). */
export const SYSTEM_TABLES: readonly TableSpec[] = [
  {
    name: 'schema_migrations',
    doc: 'Applied schema migrations.',
    key: ['version'],
    columns: [
      { name: 'version', type: 'int', required: true, doc: 'Migration number.' },
      { name: 'name', type: 'string', required: true, doc: 'What it does.' },
      { name: 'applied_at', type: 'timestamp', required: true, doc: 'When it was applied.' },
    ],
  },
  {
    name: 'import_log',
    doc: 'One row per imported file: what it brought.',
    key: ['import_id', 'file'],
    columns: [
      { name: 'import_id', type: 'string', required: true, doc: 'Import run id (one per command).' },
      { name: 'file', type: 'string', required: true, doc: 'File path as given.' },
      { name: 'kind', type: 'string', required: true, doc: 'Kind of data (table, or transactions).' },
      { name: 'format', type: 'string', required: true, doc: 'csv, parquet or jsonl.' },
      { name: 'sha256', type: 'string', required: true, doc: 'Content hash of the file.' },
      { name: 'records', type: 'int', required: true, doc: 'Records read.' },
      { name: 'inserted', type: 'int', required: true, doc: 'New rows written.' },
      { name: 'updated', type: 'int', required: true, doc: 'Existing rows replaced by a different version.' },
      { name: 'unchanged', type: 'int', required: true, doc: 'Rows already present as they are.' },
      { name: 'imported_at', type: 'timestamp', required: true, doc: 'When.' },
    ],
  },
  {
    name: 'pipeline_runs',
    doc: 'One row per `fidelis run`.',
    key: ['run_id'],
    columns: [
      { name: 'run_id', type: 'string', required: true, doc: 'Run id.' },
      { name: 'as_of', type: 'timestamp', required: true, doc: 'Date the analysis was made at.' },
      { name: 'started_at', type: 'timestamp', required: true, doc: 'Start.' },
      { name: 'finished_at', type: 'timestamp', required: true, doc: 'End.' },
      { name: 'steps', type: 'string', required: true, doc: 'Steps run, in order.' },
    ],
  },
  {
    name: 'users',
    doc: 'People who log in to the dashboard (`fidelis users`); only a salted scrypt hash of each password is kept.',
    key: ['name'],
    columns: [
      { name: 'name', type: 'string', required: true, doc: 'Login name.' },
      { name: 'role', type: 'string', required: true, values: ['admin', 'marketer', 'analyst', 'read'], doc: 'admin (everything), marketer (sees and exports personal data), analyst or read (figures without identifiers, no export); docs/dashboard-ui.md "Roles".' },
      { name: 'password_hash', type: 'string', required: true, doc: 'scrypt$N$r$p$salt$hash (base64url), compared in constant time.' },
      { name: 'created_at', type: 'timestamp', required: true, doc: 'Creation time.' },
    ],
  },
  {
    name: 'sessions',
    doc: 'Dashboard sessions: the SHA-256 of each session cookie, its user, CSRF token and expiry.',
    key: ['token_sha256'],
    columns: [
      { name: 'token_sha256', type: 'string', required: true, doc: 'Hex SHA-256 of the session cookie (256 random bits).' },
      { name: 'user_name', type: 'string', required: true, doc: 'User it belongs to.' },
      { name: 'csrf_token', type: 'string', required: true, doc: 'Token every state-changing request of the session must carry in X-CSRF-Token.' },
      { name: 'created_at', type: 'timestamp', required: true, doc: 'Login time.' },
      { name: 'expires_at', type: 'timestamp', required: true, doc: 'Refused from then on.' },
    ],
  },
];

/** The dashboard's users and sessions (in SYSTEM_TABLES too, so new databases get them in migration 1). */
export const USER_TABLE_NAMES = ['users', 'sessions'] as const;

/**
 * Failed dashboard logins (src/server/login-limiter.ts), so that the limits survive a restart: one row per (address, user name)
 * pair, and one per address for all names together (user_name ''; a login name is never empty).
 */
export const LOGIN_FAILURES_TABLE: TableSpec = {
  name: 'login_failures',
  doc: 'Failed dashboard logins per (client address, user name) and per address (user_name ""): the count, the last failure and the wait it imposed. Forgotten after `server.dashboard.login.forgetAfterHours`.',
  key: ['address', 'user_name'],
  columns: [
    { name: 'address', type: 'string', required: true, doc: 'Client address as the socket sees it (IPv6: its /64 network).' },
    { name: 'user_name', type: 'string', required: true, doc: 'User name tried, lower-cased; "" for every name tried from the address.' },
    { name: 'failures', type: 'int', required: true, doc: 'Failed logins since the count was last cleared or forgotten.' },
    { name: 'last_failure_at', type: 'timestamp', required: true, doc: 'The last failure.' },
    { name: 'blocked_until', type: 'timestamp', doc: 'Logins for the pair (or from the address) are refused with 429 until then.' },
  ],
};

/** Dated copies of every person's classes and scores, one per `fidelis run` as-of date. */
export const SNAPSHOT_TABLE: TableSpec = {
  name: 'customer_snapshots',
  doc: 'Each run\'s classes and scores per person, kept across runs (one snapshot per as-of date) for migration matrices and paths.',
  key: ['as_of', 'person_id'],
  partitionBy: 'as_of',
  columns: [
    { name: 'snapshot_id', type: 'string', required: true, doc: 'Run that took it.' },
    { name: 'as_of', type: 'timestamp', required: true, doc: 'Date the analysis was made at.' },
    { name: 'person_id', type: 'string', required: true, doc: 'Person.' },
    { name: 'rfm_segment', type: 'string', doc: 'Named RFM cell.' },
    { name: 'value_tier', type: 'string', doc: 'CPP, CCM or CNR.' },
    { name: 'value_column', type: 'string', doc: 'd1, d2, d3 or d4.' },
    { name: 'grid', type: 'string', doc: 'athlete, whale, thoroughbred, minnow or inactive.' },
    { name: 'digital_type', type: 'string', doc: 'technophile, technomouton, techno-no or technonul.' },
    { name: 'online_move', type: 'string', doc: 'Move on the online-migration matrix.' },
    { name: 'revenue', type: 'float', doc: 'Revenue to date.' },
    { name: 'net_contribution', type: 'float', doc: 'Net contribution to date.' },
    { name: 'clv', type: 'float', doc: 'Predicted lifetime margin.' },
    { name: 'predicted_value', type: 'float', doc: 'Predicted lifetime margin minus expected costs to serve.' },
    { name: 'p_alive', type: 'float', doc: 'Probability the customer is still active.' },
    { name: 'attachment', type: 'float', doc: 'Attachment score 0-100.' },
    { name: 'potential', type: 'float', doc: 'Yearly revenue potential.' },
  ],
};
