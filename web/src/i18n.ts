import { CLASS_NAMES, EN, FR, type MessageKey } from './messages';

export type Lang = 'en' | 'fr';
const STORAGE_KEY = 'fidelis.lang';

function initialLang(): Lang {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'fr') return stored;
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

let lang: Lang = initialLang();
let currency = 'EUR';
const listeners = new Set<() => void>();

export function currentLang(): Lang {
  return lang;
}

/** Switches the language, remembers it, and tells the app to draw again. */
export function setLang(next: Lang): void {
  if (next === lang) return;
  lang = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

export function onLangChange(listener: () => void): void {
  listeners.add(listener);
}

export function setCurrency(code: string): void {
  currency = code;
}

/** A label, with {name} placeholders filled. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = (lang === 'fr' ? FR : EN)[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** The readable name of a class value or a dimension (the code itself when it has none, e.g. CPP, d1). */
export function className(code: string): string {
  const rfmCell = /^r(\d)f(\d)$/.exec(code);
  if (rfmCell) return `R${rfmCell[1]} F${rfmCell[2]}`;
  return CLASS_NAMES[lang][code] ?? code;
}

const locale = (): string => (lang === 'fr' ? 'fr-FR' : 'en-GB');

export const fmt = {
  number(value: number | null | undefined, digits = 0): string {
    if (value === null || value === undefined || Number.isNaN(value)) return '–';
    return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
  },
  money(value: number | null | undefined, digits = 0): string {
    if (value === null || value === undefined || Number.isNaN(value)) return '–';
    return new Intl.NumberFormat(locale(), { style: 'currency', currency, maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
  },
  /** Large amounts, shortened (1,2 M€). */
  compactMoney(value: number | null | undefined): string {
    if (value === null || value === undefined || Number.isNaN(value)) return '–';
    return new Intl.NumberFormat(locale(), { style: 'currency', currency, notation: 'compact', maximumSignificantDigits: 3 }).format(value);
  },
  compact(value: number | null | undefined): string {
    if (value === null || value === undefined || Number.isNaN(value)) return '–';
    return new Intl.NumberFormat(locale(), { notation: 'compact', maximumSignificantDigits: 3 }).format(value);
  },
  percent(share: number | null | undefined, digits = 0): string {
    if (share === null || share === undefined || Number.isNaN(share)) return '–';
    return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(share);
  },
  signedPercent(share: number): string {
    return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(share);
  },
  date(iso: string | null | undefined): string {
    if (!iso) return '–';
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
  },
  dateTime(iso: string | null | undefined): string {
    if (!iso) return '–';
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(date);
  },
  /** '2025-03' as "Mar 2025" / "mars 2025". */
  month(month: string): string {
    const date = new Date(`${month}-01T00:00:00Z`);
    return Number.isNaN(date.getTime()) ? month : new Intl.DateTimeFormat(locale(), { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(date);
  },
};
