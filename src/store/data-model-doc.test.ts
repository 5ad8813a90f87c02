import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_TABLES } from '../activation/tables.js';
import { TRANSACTIONS_SPEC } from '../collect/index.js';
import { PERSON_CONSENTS_TABLE } from '../consent/index.js';
import { renderDataModel } from './data-model-doc.js';

describe('docs/data-model.md', () => {
  it('is in step with the table specs (run `npm run docs` after changing them)', () => {
    const onDisk = readFileSync(new URL('../../docs/data-model.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderDataModel([TRANSACTIONS_SPEC], [PERSON_CONSENTS_TABLE], ACTIVATION_TABLES));
  });
});
