/**
 * Fills a message template's `{name}` or `{name:format}` placeholders in one language. The
 * formats are named in the template, so a sentence says how each figure reads (money, share,
 * date...) and both languages of a key must name the same ones (messages.test.ts checks it).
 * Hand-written rather than ICU MessageFormat (intl-messageformat): the catalogue needs named
 * placeholders and per-locale number and date formatting only, which Intl gives, and the
 * dashboard bundle stays free of a parser.
 */
export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A message inside another one's parameters (a clause the sentence is made of). */
export interface MessageRef {
  readonly key: string;
  readonly params: MessageParams;
}
/** Raw values: amounts in the configured currency, shares as fractions, lists comma-separated, dates ISO 8601, or a clause. */
export type MessageParam = string | number | null | MessageRef;
export type MessageParams = Readonly<Record<string, MessageParam>>;

export interface FormatOptions {
  /** ISO 4217 code of the amounts (config `currency`); EUR when not given. */
  readonly currency?: string;
  /**
   * Looks up `key` in the catalogue: a format that is not one of FORMATS names a family of keys
   * (`{type:ticket}` reads `ticket.<value>`), so a code shows as a word in each language.
   */
  readonly lookup?: (key: string, lang: Language) => string | undefined;
  /** Renders a clause given as a parameter, in the same language. */
  readonly nested?: (message: MessageRef, lang: Language) => string;
}

const LOCALES: Record<Language, string> = { en: 'en-US', fr: 'fr-FR' };
const NOT_AVAILABLE: Record<Language, string> = { en: 'n/a', fr: 'n.d.' };

/**
 * Intl formatters by locale and options, built once: constructing one costs about 50 µs (the
 * locale data is resolved each time; V8 caches only `toLocaleString`'s default formatter), and a
 * profile renders some fifty figures in two languages, which made 8 ms of CPU a profile (most
 * of the API's time at 1,000 lookups a second). Keys are few: the catalogue's formats times the
 * languages and currencies.
 */
const numberFormats = new Map<string, Intl.NumberFormat>();
export function cachedNumberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}
/** The catalogue's own formatters, by a name for their options (no options object to serialise on the hot path). */
const ownFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(lang: Language, name: string, options: () => Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${lang}|${name}`;
  let format = ownFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(LOCALES[lang], options());
    ownFormats.set(key, format);
  }
  return format;
}
const FRENCH_DATE = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeZone: 'UTC' });

type Formatter = (value: number, lang: Language, currency: string) => string;

const whole = (l: Language): Intl.NumberFormat => numberFormat(l, 'whole', () => ({ maximumFractionDigits: 0 }));
const fixed = (l: Language, digits: number): Intl.NumberFormat =>
  numberFormat(l, `fixed${digits}`, () => ({ maximumFractionDigits: digits, minimumFractionDigits: digits, useGrouping: false }));
const percentWith = (l: Language, digits: number): Intl.NumberFormat =>
  numberFormat(l, `percent${digits}`, () => ({ style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits }));

/** How a number reads, by the format a placeholder names. */
const FORMATS: Readonly<Record<string, Formatter>> = {
  /** Whole number with grouping: "1,514" / "1 514". */
  int: (v, l) => whole(l).format(v),
  /** One decimal: "3.2" / "3,2". */
  dec1: (v, l) => numberFormat(l, 'dec1', () => ({ maximumFractionDigits: 1, minimumFractionDigits: 1 })).format(v),
  /** A rounded amount and the currency code: "1,514 EUR". */
  money: (v, l, c) => `${whole(l).format(Math.round(v))} ${c}`,
  /** A price: cents under 10, whole above ("3.11 EUR", "42 EUR"). */
  price: (v, l, c) => `${fixed(l, v < 10 ? 2 : 0).format(v)} ${c}`,
  /** An amount with its currency sign and cents: "€1.50" / "1,50 €". */
  currency: (v, l, c) => numberFormat(l, `currency:${c}`, () => ({ style: 'currency', currency: c, maximumFractionDigits: 2, minimumFractionDigits: 2 })).format(v),
  /** A share (fraction) as a whole percentage: "46%" / "46 %". */
  percent: (v, l) => percentWith(l, 0).format(v),
  /** A share with one decimal when small: "7.4%", "41%". */
  share: (v, l) => percentWith(l, v < 0.1 ? 1 : 0).format(v),
  /** A rate with up to one decimal: "4.5%". */
  rate: (v, l) => numberFormat(l, 'rate', () => ({ style: 'percent', maximumFractionDigits: 1 })).format(v),
  /** A ratio: "3.1x" / "3,1×". */
  times: (v, l) => `${fixed(l, 1).format(v)}${l === 'fr' ? '×' : 'x'}`,
};

function formatDate(value: string, lang: Language): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  // English keeps ISO dates (what scripts and the CLI print); French reads them day first.
  return lang === 'en' ? date.toISOString().slice(0, 10) : FRENCH_DATE.format(date);
}

function formatValue(value: MessageParam, format: string | undefined, lang: Language, options: FormatOptions): string {
  if (value === null) return NOT_AVAILABLE[lang];
  if (typeof value === 'object') return options.nested ? options.nested(value, lang) : value.key;
  const currency = options.currency ?? 'EUR';
  if (format === 'date') return formatDate(String(value), lang);
  if (format === 'list') return String(value).split(',').map((item) => item.trim()).join(', ');
  if (format !== undefined && !(format in FORMATS)) {
    const word = options.lookup?.(`${format}.${String(value)}`, lang);
    return word ?? String(value);
  }
  if (typeof value === 'string') return value;
  return (FORMATS[format ?? 'int'] ?? FORMATS.int!)(value, lang, currency);
}

export const PLACEHOLDER = /\{(\w+)(?::(\w+))?\}/g;

/** The template with its placeholders filled (a parameter not given stays as `{name}`). */
export function fillTemplate(template: string, params: MessageParams, lang: Language, options: FormatOptions = {}): string {
  return template.replace(PLACEHOLDER, (whole, name: string, format: string | undefined) => {
    const value = params[name];
    return value === undefined ? whole : formatValue(value, format, lang, options);
  });
}

/** The placeholders of a template, as "name" or "name:format", sorted (to compare the languages of a key). */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => (m[2] ? `${m[1]}:${m[2]}` : m[1]!)))].sort();
}
