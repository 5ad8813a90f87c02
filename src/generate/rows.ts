/**
 * Rows of one batch of persons, as CSV text per output file, and the CSV value formatting.
 * Rows are appended as strings (no per-row objects) because the loop writes tens of millions.
 */
import { TABLES, type TableName } from '../store/index.js';

/** Ground-truth files (for tests and benchmarks only), with their columns. */
export const TRUTH_FILES = {
  persons: [
    'person_id', 'digital_type', 'preferred_channel', 'existing_base', 'lambda', 'dropout_p', 'spend_nu', 'mean_spend',
    'birth_at', 'death_at', 'repeat_purchases', 'last_purchase_at', 'observed_weeks', 'preferred_categories',
    'single_category', 'single_category_bought', 'missing_categories', 'costly', 'faithful_small', 'referred_by',
    'shared_email_with', 'moved_at', 'app_adopted_at', 'records',
  ],
  records: ['customer_id', 'person_id', 'source'],
  identifiers: ['customer_id', 'type', 'value', 'person_id'],
} as const;
export type TruthFile = keyof typeof TRUTH_FILES;
export const TRUTH_FILE_NAMES = Object.keys(TRUTH_FILES) as TruthFile[];

export class TableRows {
  text = '';
  rows = 0;

  add(line: string): void {
    this.text += line;
    this.rows++;
  }

  /** Returns the text gathered so far and starts afresh. */
  take(): string {
    const text = this.text;
    this.text = '';
    return text;
  }
}

/** Rows of every output file for one batch. */
export class Rows {
  readonly tables = Object.fromEntries(TABLES.map((t) => [t.name, new TableRows()])) as Record<TableName, TableRows>;
  readonly truth = Object.fromEntries(TRUTH_FILE_NAMES.map((f) => [f, new TableRows()])) as Record<TruthFile, TableRows>;
}

const NEEDS_QUOTES = /^\s|\s$|[",\r\n]/;

/** A free-text field, quoted per RFC 4180 when it holds a comma, a quote, a line break or edge spaces. */
export function text(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** An amount with two decimals (amounts are never negative here). */
export function money(value: number): string {
  const cents = Math.round(value * 100);
  const units = Math.floor(cents / 100);
  const rest = cents - units * 100;
  return `${units}${rest < 10 ? '.0' : '.'}${rest}`;
}

/** A model parameter, with enough digits to recompute what the generator drew. */
export function real(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 1e6) / 1e6) : '';
}
