// Writes docs/data-model.md from the table specs (and the audience fields table of docs/activation.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { withAudienceFields } from '../src/activation/audiences/docs.js';
import { ACTIVATION_TABLES } from '../src/activation/tables.js';
import { TRANSACTIONS_SPEC } from '../src/collect/index.js';
import { PERSON_CONSENTS_TABLE } from '../src/consent/index.js';
import { renderDataModel } from '../src/store/data-model-doc.js';

writeFileSync(new URL('../docs/data-model.md', import.meta.url), renderDataModel([TRANSACTIONS_SPEC], [PERSON_CONSENTS_TABLE], ACTIVATION_TABLES));

// The audience fields table in docs/activation.md, from the catalogue.
const activation = new URL('../docs/activation.md', import.meta.url);
writeFileSync(activation, withAudienceFields(readFileSync(activation, 'utf8')));
