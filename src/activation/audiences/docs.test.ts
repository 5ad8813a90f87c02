import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderAudienceFields, withAudienceFields } from './docs.js';

describe('docs/activation.md, Audiences', () => {
  it('lists the fields of the catalogue (run `npm run docs` after changing it)', () => {
    const onDisk = readFileSync(new URL('../../../docs/activation.md', import.meta.url), 'utf8');
    expect(onDisk).toContain(renderAudienceFields());
    expect(withAudienceFields(onDisk)).toBe(onDisk);
  });
});
