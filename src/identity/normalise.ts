/**
 * Identifier normalisation: pure functions from a raw value as a source wrote it to the form the
 * identity graph compares, or null when the value is not an identifier at all (junk, malformed).
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { IdentityConfig, IdentityType } from '../config/identity-config.js';

/** The identifiers table's types, as the identity graph names them. */
export const TABLE_TYPES: Readonly<Record<string, IdentityType>> = {
  user_id: 'userId',
  email: 'email',
  phone: 'phone',
  loyalty_card: 'loyaltyCard',
  account_id: 'accountId',
  anonymous_id: 'anonymousId',
  external_id: 'externalId',
};

/** Placeholders that sources write where they have no value. */
const JUNK = new Set(['', 'null', 'undefined', 'anonymous', 'none', 'nil', 'n/a', 'na', 'nan', 'unknown', '-1', '0', 'false']);
/** What separates the parts of an identifier as people write it (spaces, dashes, dots, slashes, brackets, a plus). */
const SEPARATORS = /[\s\-._/()+]/g;
const ZEROS_AND_SEPARATORS = /^[\s\-._/()+0]*$/;

/**
 * True when a value never counts as an identifier: empty, a placeholder (null, undefined,
 * anonymous, -1...), all zeros or all dashes once spaces and separators are gone, or blocked.
 * `blocked` holds lower-cased values.
 */
export function isJunk(raw: string, blocked: ReadonlySet<string> = new Set()): boolean {
  const value = raw.trim().toLowerCase();
  if (JUNK.has(value) || blocked.has(value)) return true;
  // Empty or all zeros once the separators are gone: one test that stops at the first other
  // character, instead of building the compact form of every value (a run normalises each
  // distinct identifier, 4.5M at 1M persons); the compact form only for a block list.
  if (ZEROS_AND_SEPARATORS.test(value)) return true;
  return blocked.size > 0 && blocked.has(value.replace(SEPARATORS, ''));
}

export interface EmailOptions {
  readonly stripPlusTags: boolean;
  readonly gmailDots: boolean;
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const GMAIL = new Set(['gmail.com', 'googlemail.com']);

/**
 * Trimmed and lower-cased (providers treat local parts case-insensitively in practice). Dots and
 * "+tags" are kept unless configured: only some providers ignore them, and two addresses that
 * differ by them may be two people.
 */
export function normaliseEmail(raw: string, options: EmailOptions = { stripPlusTags: false, gmailDots: false }): string | null {
  const value = raw.trim().toLowerCase();
  if (!EMAIL_SHAPE.test(value)) return null;
  const at = value.lastIndexOf('@');
  let local = value.slice(0, at);
  let domain = value.slice(at + 1);
  if (options.stripPlusTags) local = local.replace(/\+.*$/, '');
  if (options.gmailDots && GMAIL.has(domain)) {
    local = local.replaceAll('.', '');
    domain = 'gmail.com';
  }
  return local === '' ? null : `${local}@${domain}`;
}

/**
 * E.164 ("+33612345678"). A number in national form is read in `country` (the record's country
 * when it declares one, else the configured default). Numbers libphonenumber finds impossible
 * are not identifiers.
 */
export function normalisePhone(raw: string, country: string): string | null {
  const value = raw.trim();
  if (!/\d/.test(value)) return null;
  const phone = parsePhoneNumberFromString(value, { defaultCountry: country as CountryCode, extract: false });
  if (!phone?.isPossible()) return null;
  return phone.number;
}

/** Spaces, dashes and dots removed, upper-cased, then checked against the configured pattern. */
export function normaliseLoyaltyCard(raw: string, pattern: RegExp): string | null {
  const value = raw.replace(/[\s\-.]/g, '').toUpperCase();
  return pattern.test(value) ? value : null;
}

/** Ids issued by systems (user ids, account ids, cookies, CRM ids) are case-sensitive: trimmed only. */
export function normaliseSystemId(raw: string): string | null {
  const value = raw.trim();
  return value === '' ? null : value;
}

/** The normaliser of one configuration: compiled pattern and block list, one call per value. */
export class IdentifierNormaliser {
  private readonly blocked: ReadonlySet<string>;
  private readonly cardPattern: RegExp;
  private readonly email: EmailOptions;

  constructor(private readonly config: IdentityConfig) {
    this.blocked = new Set(config.blockList.map((v) => v.trim().toLowerCase()));
    this.cardPattern = new RegExp(config.loyaltyCard.pattern);
    this.email = config.email;
  }

  /** The value the graph compares, or null when it is not an identifier. `country`: the record's, if any. */
  normalise(type: IdentityType, raw: string | null | undefined, country?: string | null): string | null {
    if (raw === null || raw === undefined || isJunk(raw, this.blocked)) return null;
    let value: string | null;
    switch (type) {
      case 'email':
        value = normaliseEmail(raw, this.email);
        break;
      case 'phone':
        value = normalisePhone(raw, country && /^[A-Z]{2}$/.test(country) ? country : this.config.defaultPhoneCountry);
        break;
      case 'loyaltyCard':
        value = normaliseLoyaltyCard(raw, this.cardPattern);
        break;
      default:
        value = normaliseSystemId(raw);
    }
    return value === null || isJunk(value, this.blocked) ? null : value;
  }
}
