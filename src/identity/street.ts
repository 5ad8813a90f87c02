/**
 * Street addresses compared as La Poste's address standard (NF Z10-011) writes them: without
 * case, accents or punctuation, street types and titles in full ("av." = "avenue", "St" =
 * "saint", "Gal" = "général"), the number and its "bis"/"ter" joined ("12 bis" = "12bis").
 */

const WORDS: Readonly<Record<string, string>> = {
  r: 'rue',
  av: 'avenue',
  ave: 'avenue',
  bd: 'boulevard',
  bld: 'boulevard',
  bvd: 'boulevard',
  boul: 'boulevard',
  pl: 'place',
  ch: 'chemin',
  chem: 'chemin',
  che: 'chemin',
  all: 'allee',
  imp: 'impasse',
  rte: 'route',
  qu: 'quai',
  crs: 'cours',
  sq: 'square',
  fbg: 'faubourg',
  st: 'saint',
  ste: 'sainte',
  gal: 'general',
  gen: 'general',
  mal: 'marechal',
  b: 'bis',
  t: 'ter',
};

/** The comparable form of a street address, or null when it holds no letter or digit. */
export function normaliseStreetAddress(raw: string): string | null {
  const words = raw
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/(\d)([a-z])/g, '$1 $2')
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => WORDS[w] ?? w);
  return words.length === 0 ? null : words.join('');
}
