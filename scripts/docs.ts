// Writes docs/data-model.md from the table specs.
import { writeFileSync } from 'node:fs';
import { TRANSACTIONS_SPEC } from '../src/collect/index.js';
import { PERSON_CONSENTS_TABLE } from '../src/consent/index.js';
import { renderDataModel } from '../src/store/data-model-doc.js';

writeFileSync(new URL('../docs/data-model.md', import.meta.url), renderDataModel([TRANSACTIONS_SPEC], [PERSON_CONSENTS_TABLE]));
