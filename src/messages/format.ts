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
/** How many answers a memoised formatter keeps before it starts again (a few MB at most over all of them). */
const MEMO_LIMIT = 20_000;
type NumberToText = (value: number) => string;

/**
 * An Intl format that remembers its answers by value. A profile formats about 190 figures
 * (0.5-1 us each in Intl), and about three in four of them were formatted before: counts, the
 * segments' rates, the channels' costs (measured on 2,000 profiles of the demo company). -0 is
 * not remembered: a Map takes it for 0, which Intl writes without the sign.
 */
function memoised(format: Intl.NumberFormat): NumberToText {
  const seen = new Map<number, string>();
  return (value) => {
    let text = seen.get(value);
    if (text === undefined || Object.is(value, -0)) {
      text = format.format(value);
      if (seen.size >= MEMO_LIMIT) seen.clear();
      if (!Object.is(value, -0)) seen.set(value, text);
    }
    return text;
  };
}

/** The catalogue's own formatters, made once per language (no options object or key to build on the hot path). */
function languageFormats(lang: Language) {
  const make = (options: Intl.NumberFormatOptions): NumberToText => memoised(new Intl.NumberFormat(LOCALES[lang], options));
  const fixed = (digits: number): NumberToText => make({ maximumFractionDigits: digits, minimumFractionDigits: digits, useGrouping: false });
  const percent = (digits: number): NumberToText => make({ style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits });
  return {
    whole: make({ maximumFractionDigits: 0 }),
    dec1: make({ maximumFractionDigits: 1, minimumFractionDigits: 1 }),
    fixed0: fixed(0),
    fixed1: fixed(1),
    fixed2: fixed(2),
    percent0: percent(0),
    percent1: percent(1),
    rate: make({ style: 'percent', maximumFractionDigits: 1 }),
  };
}
const OWN: Readonly<Record<Language, ReturnType<typeof languageFormats>>> = { en: languageFormats('en'), fr: languageFormats('fr') };
/** Currency formatters by currency code, then language. */
const currencyFormats = new Map<string, Record<Language, NumberToText>>();
function currencyFormat(lang: Language, currency: string): NumberToText {
  let byLanguage = currencyFormats.get(currency);
  if (byLanguage === undefined) {
    const make = (l: Language): NumberToText =>
      memoised(new Intl.NumberFormat(LOCALES[l], { style: 'currency', currency, maximumFractionDigits: 2, minimumFractionDigits: 2 }));
    byLanguage = { en: make('en'), fr: make('fr') };
    currencyFormats.set(currency, byLanguage);
  }
  return byLanguage[lang];
}
const FRENCH_DATE = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeZone: 'UTC' });

type Formatter = (value: number, lang: Language, currency: string) => string;

/** How a number reads, by the format a placeholder names. */
const FORMATS: Readonly<Record<string, Formatter>> = {
  /** Whole number with grouping: "1,514" / "1 514". */
  int: (v, l) => OWN[l].whole(v),
  /** One decimal: "3.2" / "3,2". */
  dec1: (v, l) => OWN[l].dec1(v),
  /** A rounded amount and the currency code: "1,514 EUR". */
  money: (v, l, c) => `${OWN[l].whole(Math.round(v))} ${c}`,
  /** A price: cents under 10, whole above ("3.11 EUR", "42 EUR"). */
  price: (v, l, c) => `${(v < 10 ? OWN[l].fixed2 : OWN[l].fixed0)(v)} ${c}`,
  /** An amount with its currency sign and cents: "€1.50" / "1,50 €". */
  currency: (v, l, c) => currencyFormat(l, c)(v),
  /** A share (fraction) as a whole percentage: "46%" / "46 %". */
  percent: (v, l) => OWN[l].percent0(v),
  /** A share with one decimal when small: "7.4%", "41%". */
  share: (v, l) => (v < 0.1 ? OWN[l].percent1 : OWN[l].percent0)(v),
  /** A rate with up to one decimal: "4.5%". */
  rate: (v, l) => OWN[l].rate(v),
  /** A ratio: "3.1x" / "3,1×". */
  times: (v, l) => `${OWN[l].fixed1(v)}${l === 'fr' ? '×' : 'x'}`,
};

/** Dates as each language writes them, by the parameter's text: profiles name the same days over and over. */
const datesSeen: Record<Language, Map<string, string>> = { en: new Map(), fr: new Map() };
function formatDate(value: string, lang: Language): string {
  const seen = datesSeen[lang];
  let text = seen.get(value);
  if (text === undefined) {
    const date = new Date(value);
    // English keeps ISO dates (what scripts and the CLI print); French reads them day first.
    text = Number.isNaN(date.getTime()) ? value : lang === 'en' ? date.toISOString().slice(0, 10) : FRENCH_DATE.format(date);
    if (seen.size >= MEMO_LIMIT) seen.clear();
    seen.set(value, text);
  }
  return text;
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

/** A placeholder of a template: `{name}` or `{name:format}`, and its text (kept when no parameter fills it). */
interface Placeholder {
  readonly text: string;
  readonly name: string;
  readonly format: string | undefined;
}
/**
 * Templates cut into their text and placeholders once: a profile fills about a hundred, and the
 * regular expression's replace with a callback took about a third of the time a sentence costs.
 */
const compiled = new Map<string, readonly (string | Placeholder)[]>();
function pieces(template: string): readonly (string | Placeholder)[] {
  let out = compiled.get(template);
  if (out === undefined) {
    const list: (string | Placeholder)[] = [];
    let at = 0;
    for (const match of template.matchAll(PLACEHOLDER)) {
      if (match.index > at) list.push(template.slice(at, match.index));
      list.push({ text: match[0], name: match[1]!, format: match[2] });
      at = match.index + match[0].length;
    }
    if (at < template.length) list.push(template.slice(at));
    out = list;
    compiled.set(template, out);
  }
  return out;
}

/** The template with its placeholders filled (a parameter not given stays as `{name}`). */
export function fillTemplate(template: string, params: MessageParams, lang: Language, options: FormatOptions = {}): string {
  let out = '';
  for (const piece of pieces(template)) {
    if (typeof piece === 'string') out += piece;
    else {
      const value = params[piece.name];
      out += value === undefined ? piece.text : formatValue(value, piece.format, lang, options);
    }
  }
  return out;
}

/** The placeholders of a template, as "name" or "name:format", sorted (to compare the languages of a key). */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => (m[2] ? `${m[1]}:${m[2]}` : m[1]!)))].sort();
}
