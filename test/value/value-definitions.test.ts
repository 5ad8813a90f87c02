import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { valueDefinitions } from '../../src/value/index.js';

const byField = (defs: ReturnType<typeof valueDefinitions>) => new Map(defs.map((d) => [d.field, d]));

describe('value figure definitions', () => {
  it('name the lifetime, the basis and the discounting by default, in English and French', () => {
    const defs = byField(valueDefinitions(parseConfig({}).value, { countReferralValue: true }));
    expect(defs.get('clv')?.label.en).toBe('Lifetime value (margin, discounted 10%/yr)');
    expect(defs.get('clv')?.label.fr).toMatch(/^Valeur vie \(marge, actualisée 10\s%\/an\)$/);
    expect(defs.get('clv')?.definition.en).toContain('BG/NBD');
    expect(defs.get('predicted_value')?.definition.en).toContain('plus his referral value');
  });

  it('follow a finite horizon, a revenue basis, another rate and the referral setting', () => {
    const config = parseConfig({ value: { clv: { horizon: 26, valueOn: 'revenue', discountRate: 0.08, horizonWeeks: 13 } } });
    const defs = byField(valueDefinitions(config.value, { countReferralValue: false }));
    expect(defs.get('clv')?.label.en).toBe('Value over 26 weeks (revenue, discounted 8%/yr)');
    expect(defs.get('clv')?.label.fr).toMatch(/^Valeur sur 26 semaines \(chiffre d’affaires, actualisée 8\s%\/an\)$/);
    expect(defs.get('clv_12m')?.label.en).toBe('Value over 13 weeks (revenue, discounted 8%/yr)');
    expect(defs.get('clv_lifetime')?.label.en).toBe('Lifetime value (revenue, discounted 8%/yr)');
    expect(defs.get('predicted_value')?.definition.en).not.toContain('referral');
    expect(defs.get('predicted_value')?.definition.fr).not.toContain('recommandation');
  });
});
