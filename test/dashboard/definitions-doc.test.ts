// docs/dashboard-ui.md defines every figure for a marketer; its quotes must be the pages' own
// definitions, else the doc and the dashboard would name one quantity two ways.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { outlookDefinitions } from '../../src/value/next-order.js';
import { valueDefinitions } from '../../src/value/value-definitions.js';

const doc = readFileSync(join(process.cwd(), 'docs', 'dashboard-ui.md'), 'utf8');

describe('docs/dashboard-ui.md defines the figures as the pages do', () => {
  it('quotes the value figures, the next order and the churn risk as the 360 shows them with the defaults', () => {
    const value = parseConfig({}).value;
    const defs = [...valueDefinitions(value, { countReferralValue: true }), ...outlookDefinitions(value, 'bgnbd')];
    for (const field of ['clv', 'clv_12m', 'predicted_value', 'referral_value', 'next_order', 'churn_risk']) {
      const d = defs.find((x) => x.field === field);
      expect(doc, field).toContain(`"${d?.definition.en}"`);
      expect(doc, field).toContain(d?.label.en);
    }
  });

  it('gives every class the one-line definition the pages show on hover', () => {
    const source = readFileSync(join(process.cwd(), 'web', 'src', 'class-definitions.ts'), 'utf8');
    const lines = [...source.matchAll(/^\s+'?([\w-]+)'?: \{ en: '([^']*)', fr:/gm)];
    expect(lines.length).toBeGreaterThanOrEqual(16);
    for (const [, code, en] of lines) expect(doc, code).toContain(`: ${code} | ${en} |`);
  });

  it('shows a picture of every page, each file present', () => {
    const pictures = [...doc.matchAll(/\]\((screenshots\/[\w-]+\.png)\)/g)].map((m) => m[1] as string);
    for (const page of ['login', 'overview', 'customers', 'customer', 'segments', 'audiences', 'plans', 'pressure']) expect(pictures).toContain(`screenshots/${page}.png`);
    for (const picture of pictures) expect(readFileSync(join(process.cwd(), 'docs', picture)).subarray(1, 4).toString()).toBe('PNG');
  });
});
