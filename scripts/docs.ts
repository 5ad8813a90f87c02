// Writes docs/data-model.md from the table specs.
import { writeFileSync } from 'node:fs';
import { TRANSACTIONS_SPEC } from '../src/collect/index.js';
import { renderDataModel } from '../src/store/data-model-doc.js';

writeFileSync(new URL('../docs/data-model.md', import.meta.url), renderDataModel([TRANSACTIONS_SPEC]));
