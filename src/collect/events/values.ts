/** Tolerant readers of loosely typed JSON properties and traits. */

export type Json = Record<string, unknown>;

export function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

/** A non-empty trimmed string from a string or a number. */
export function text(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** The first present value among several spellings (camelCase, snake_case...). */
export function firstText(source: Json, ...names: string[]): string | null {
  for (const name of names) {
    const value = text(source[name]);
    if (value !== null) return value;
  }
  return null;
}

export function num(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

export function date(value: unknown): Date | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A calendar date as YYYY-MM-DD, from a date or date-time. */
export function day(value: unknown): string | null {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.trim())) return value.trim();
  return date(value)?.toISOString().slice(0, 10) ?? null;
}

/** The path of a URL, or the value itself when it already is a path. */
export function pathOf(value: unknown): string | null {
  const s = text(value);
  if (s === null) return null;
  if (s.startsWith('/')) return s;
  try {
    return new URL(s).pathname;
  } catch {
    return s;
  }
}
