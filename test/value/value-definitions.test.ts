import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { sql } from '../../src/store/index.js';
import { valueDefinitions } from '../../src/value/index.js';
import { fittedClvModel } from '../../src/value/value-definitions.js';
import { memoryStore } from '../helpers/fixtures.js';

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

  it('name the model the run fitted (MBG/CNBD-k included), else the candidates of auto, in English and French', () => {
    const config = parseConfig({});
    const fitted = byField(valueDefinitions(config.value, { countReferralValue: true, model: 'mbgcnbd' }));
    for (const field of ['clv', 'clv_12m', 'clv_lifetime']) {
      expect(fitted.get(field)?.definition.en).toContain('MBG/CNBD-k model');
      expect(fitted.get(field)?.definition.fr).toContain('modèle MBG/CNBD-k');
      expect(fitted.get(field)?.definition.en).not.toContain('BG/NBD,');
    }
    const paretoFitted = byField(valueDefinitions(config.value, { countReferralValue: true, model: 'paretonbd' }));
    expect(paretoFitted.get('clv')?.definition.en).toContain('of the Pareto/NBD model');
    const beforeAnyRun = byField(valueDefinitions(config.value, { countReferralValue: true, model: null }));
    expect(beforeAnyRun.get('clv')?.definition.en).toContain('best-fitting (BG/NBD, Pareto/NBD, MBG/NBD or MBG/CNBD-k) model');
    expect(beforeAnyRun.get('clv')?.definition.fr).toContain('modèle le mieux ajusté (BG/NBD, Pareto/NBD, MBG/NBD ou MBG/CNBD-k)');
  });

  it('read the fitted model from clv_model: none before a run or when the run could not fit one', async () => {
    const engine = await memoryStore();
    try {
      expect(await fittedClvModel(engine)).toBeNull();
      await engine.exec(sql`CREATE TABLE clv_model AS SELECT 'auto' AS model, 'no purchases' AS skipped`);
      expect(await fittedClvModel(engine)).toBeNull();
      await engine.exec(sql`CREATE OR REPLACE TABLE clv_model AS SELECT 'mbgcnbd' AS model, '{"r":1,"alpha":2,"a":1,"b":1,"k":2}' AS params`);
      expect(await fittedClvModel(engine)).toBe('mbgcnbd');
      expect(await fittedClvModel(engine, false)).toBeNull();
    } finally {
      await engine.close();
    }
  });
});
