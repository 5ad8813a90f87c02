/**
 * Names folded for search: accents and case removed, ligatures spelled out, anything but letters
 * and digits turned into single spaces. The same function builds the stored keys (over distinct
 * names only) and folds the query, so both sides always agree.
 */
export function foldName(raw: string | null | undefined): string {
  if (!raw) return '';
  return raw
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replaceAll('œ', 'oe')
    .replaceAll('æ', 'ae')
    .replaceAll('ß', 'ss')
    .replaceAll('ø', 'o')
    .replaceAll('ł', 'l')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
