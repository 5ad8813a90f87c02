import { fieldListing } from './catalogue.js';

export const FIELDS_BEGIN = '<!-- audience fields: generated from src/activation/audiences/catalogue.ts by `npm run docs`; do not edit by hand -->';
export const FIELDS_END = '<!-- end of audience fields -->';

const cell = (text: string): string => text.replaceAll('|', '\\|');

/** The table of audience fields in docs/activation.md (a test keeps the file in step). */
export function renderAudienceFields(): string {
  return [
    FIELDS_BEGIN,
    '',
    '| field | type | values | meaning | signification | source |',
    '| --- | --- | --- | --- | --- | --- |',
    ...fieldListing().map(
      (f) => `| \`${f.name}\` | ${f.type} | ${f.values ? f.values.map((v) => `\`${v}\``).join(', ') : ''} | ${cell(f.description.en)} | ${cell(f.description.fr)} | ${cell(f.source)} |`,
    ),
    '',
    FIELDS_END,
  ].join('\n');
}

/** `doc` with its generated table replaced by the current one. */
export function withAudienceFields(doc: string): string {
  const begin = doc.indexOf(FIELDS_BEGIN);
  const end = doc.indexOf(FIELDS_END);
  if (begin < 0 || end < begin) throw new Error('docs/activation.md has no audience fields markers');
  return doc.slice(0, begin) + renderAudienceFields() + doc.slice(end + FIELDS_END.length);
}
