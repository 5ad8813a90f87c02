/** A value read from the engine as text (dates in ISO 8601), or null. */
export function textOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export const text = (value: unknown): string => textOrNull(value) ?? '';
