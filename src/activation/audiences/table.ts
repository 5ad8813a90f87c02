import type { TableSpec } from '../../store/schema.js';

/** Saved audiences (migration 12): the definition is kept as its JSON tree and its canonical text. */
export const AUDIENCES_TABLE: TableSpec = {
  name: 'audiences',
  doc: 'Saved audiences: a name and a filter over the persons\' attributes, scores and classes, counted live when read.',
  key: ['name'],
  columns: [
    { name: 'name', type: 'string', required: true, doc: 'Name of the audience, unique.' },
    { name: 'definition', type: 'string', required: true, doc: 'JSON: the filter as a tree (see docs/activation.md, Audiences).' },
    { name: 'text', type: 'string', required: true, doc: 'The same filter in the text form, canonical.' },
    { name: 'created_at', type: 'timestamp', required: true, doc: 'When it was created.' },
    { name: 'created_by', type: 'string', required: true, doc: 'Who created it: "user:<name>", "key:<key id>" or "cli:<OS user>".' },
    { name: 'updated_at', type: 'timestamp', required: true, doc: 'When it was last changed.' },
  ],
};
