import { basename, extname } from 'node:path';
import { UsageError } from '../../errors.js';
import { TABLE_NAMES } from '../../store/index.js';

export type FileFormat = 'csv' | 'parquet' | 'jsonl';

/** Kinds a file can hold: every datamart table, and the plain sales export. */
export const IMPORT_KINDS = [...TABLE_NAMES, 'transactions'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

const FORMAT_BY_EXTENSION: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'jsonl',
};

export function detectFormat(path: string): FileFormat {
  const format = FORMAT_BY_EXTENSION[extname(path).toLowerCase()];
  if (!format) {
    throw new UsageError(
      `${path}: cannot tell the format from the extension "${extname(path)}"; expected .csv, .tsv, .parquet or .jsonl`,
    );
  }
  return format;
}

/** Synonyms users' exports commonly carry, so `sales.csv` or `order-lines.csv` need no --kind. */
const KIND_ALIASES: Record<string, ImportKind> = {
  order_line: 'order_lines',
  orderlines: 'order_lines',
  lines: 'order_lines',
  sales: 'transactions',
  transaction: 'transactions',
  customer: 'customers',
  clients: 'customers',
  product: 'products',
  catalog: 'products',
  catalogue: 'products',
  order: 'orders',
  ticket: 'tickets',
  contact: 'contacts',
  response: 'responses',
  survey: 'surveys',
  referral: 'referrals',
  consent: 'consents',
  identifier: 'identifiers',
  campaign: 'campaigns',
  events: 'web_events',
  web: 'web_events',
};

/**
 * The kind from the file name: `orders.csv`, `orders_2024-06.csv` and `2024_orders.parquet` are
 * orders. The longest kind name found in the name wins (order_lines before orders).
 */
export function kindFromFileName(path: string): ImportKind | null {
  const stem = basename(path)
    .toLowerCase()
    .replace(/(\.[a-z0-9]+)+$/, '')
    .replace(/[^a-z0-9]+/g, '_');
  const tokens = stem.split('_').filter(Boolean);
  const candidates = [...IMPORT_KINDS].sort((a, b) => b.length - a.length);
  for (const kind of candidates) {
    const parts = kind.split('_');
    for (let i = 0; i + parts.length <= tokens.length; i++) {
      if (parts.every((p, j) => tokens[i + j] === p)) return kind;
    }
  }
  for (let i = 0; i < tokens.length; i++) {
    for (const n of [2, 1]) {
      const alias = KIND_ALIASES[tokens.slice(i, i + n).join('_')];
      if (alias) return alias;
    }
  }
  return null;
}

export function isImportKind(kind: string): kind is ImportKind {
  return (IMPORT_KINDS as readonly string[]).includes(kind);
}
