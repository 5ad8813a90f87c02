import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { sql } from '../../src/store/index.js';
import { totalLogInterPurchaseWeeks } from '../../src/value/clv-model-choice.js';
import { COMPARABLE_BIC_DIFFERENCE } from '../../src/value/models/select.js';
import { customer360 } from '../../src/dashboard/customer-360.js';
import { customerProfile } from '../../src/profiles/index.js';
import { loadDemoCompany, type DemoCompany } from '../helpers/demo-company.js';
import { memoryStore } from '../helpers/fixtures.js';

interface CandidateRow {
  name: string;
  parameters: Record<string, number> | null;
  logLikelihood: number | null;
  bic: number | null;
  holdoutError: number | null;
  chosen: boolean;
}

describe('the clv step chooses its model (value.clv.model: auto, the default)', () => {
  let company: DemoCompany;
  beforeAll(async () => {
    company = await loadDemoCompany({ customers: 800, seed: 17, config: { value: { clv: { model: 'auto' } } } });
  }, 240_000);
  afterAll(() => company.close());

  it('sums the log gaps between consecutive purchase weeks of each person in SQL', async () => {
    const engine = await memoryStore();
    await engine.exec(sql`CREATE TABLE clv_periods AS SELECT * FROM (VALUES ('A', 1), ('A', 3), ('A', 7), ('B', 5), ('C', 2), ('C', 3)) AS t(person_id, period)`);
    // A: ln 2 + ln 4; B: no gap; C: ln 1 = 0.
    expect(await totalLogInterPurchaseWeeks(engine)).toBeCloseTo(Math.log(8), 12);
    await engine.close();
  });

  it('fits every candidate, records their figures, and keeps the lowest BIC (or a comparable one without the P(alive) flaw)', async () => {
    const [model] = await company.engine.query<{ model: string; requested_model: string; choice_basis: string; choice_reason: string; candidates: string; params: string }>(
      sql`SELECT model, requested_model, choice_basis, choice_reason, candidates, params FROM clv_model`,
    );
    expect(model).toMatchObject({ requested_model: 'auto', choice_basis: 'bic' });
    const candidates = JSON.parse(model?.candidates ?? '[]') as CandidateRow[];
    expect(candidates.map((c) => c.name)).toEqual(['bgnbd', 'paretonbd', 'mbgnbd', 'mbgcnbd']);
    for (const c of candidates) {
      expect(Number.isFinite(c.logLikelihood), c.name).toBe(true);
      expect(c.bic).toBeCloseTo(-2 * (c.logLikelihood ?? NaN) + Object.keys(c.parameters ?? {}).length * Math.log(800), -1);
      expect(c.holdoutError).toBeNull();
    }
    const chosen = candidates.filter((c) => c.chosen);
    expect(chosen.map((c) => c.name)).toEqual([model?.model]);
    expect(JSON.parse(model?.params ?? '{}')).toEqual(chosen[0]?.parameters);
    const best = candidates.reduce((m, c) => ((c.bic ?? Infinity) < (m.bic ?? Infinity) ? c : m));
    if (model?.choice_reason === 'lowest_bic') expect(model.model).toBe(best.name);
    else {
      expect(model?.choice_reason).toBe('comparable_without_alive_flaw');
      expect(best.name).toBe('bgnbd');
      expect((chosen[0]?.bic ?? Infinity) - (best.bic ?? 0)).toBeLessThanOrEqual(COMPARABLE_BIC_DIFFERENCE);
    }
    // The profile's value definitions name the model chosen, not 'auto'.
    const [someone] = await company.engine.query<{ person_id: string }>(sql`SELECT person_id FROM customer_clv ORDER BY person_id LIMIT 1`);
    const names: Record<string, string> = { bgnbd: 'BG/NBD', paretonbd: 'Pareto/NBD', mbgnbd: 'MBG/NBD', mbgcnbd: 'MBG/CNBD-k' };
    const definition = (await customerProfile(company.engine, parseConfig({}), someone?.person_id ?? '')).valueDefinitions.find((d) => d.field === 'clv')?.definition;
    expect(definition?.en).toContain(`of the ${names[model?.model ?? '']} model`);
    expect(definition?.fr).toContain(`du modèle ${names[model?.model ?? '']} `);
    // The default never publishes BG/NBD's P(alive) = 1 for one-time buyers: every buyer has an estimate.
    if (model?.model !== 'bgnbd') {
      const [row] = await company.engine.query<{ missing: number }>(sql`SELECT count(*) AS missing FROM customer_clv WHERE p_alive IS NULL OR p_alive_reason IS NOT NULL`);
      expect(Number(row?.missing)).toBe(0);
    }
  });

  it('with BG/NBD configured, publishes P(alive) of customers without repeat purchase as not estimable, down to the classes', async () => {
    await runPipeline(company.engine, parseConfig({ value: { clv: { model: 'bgnbd' } } }), { from: 'clv' });
    const [model] = await company.engine.query<{ model: string; choice_reason: string }>(sql`SELECT model, choice_reason FROM clv_model`);
    expect(model).toEqual({ model: 'bgnbd', choice_reason: 'requested' });
    const rows = await company.engine.query<{ repeat: boolean; n: number; nulls: number; reasons: number }>(sql`
      SELECT frequency > 0 AS repeat, count(*) AS n, count(*) FILTER (WHERE p_alive IS NULL) AS nulls,
        count(*) FILTER (WHERE p_alive_reason = 'bgnbd_no_repeat_purchase') AS reasons
      FROM customer_clv GROUP BY ALL ORDER BY repeat`);
    const [once, repeat] = rows.map((r) => ({ ...r, n: Number(r.n), nulls: Number(r.nulls), reasons: Number(r.reasons) }));
    expect(once?.n).toBeGreaterThan(0);
    expect(once).toMatchObject({ repeat: false, nulls: once?.n, reasons: once?.n });
    expect(repeat).toMatchObject({ repeat: true, nulls: 0, reasons: 0 });
    const [classes] = await company.engine.query<{ nulls: number; reasons: number; tiers: number; valued: number }>(sql`
      SELECT count(*) FILTER (WHERE c.p_alive IS NULL) AS nulls, count(*) FILTER (WHERE c.p_alive_reason IS NOT NULL) AS reasons,
        count(*) FILTER (WHERE t.p_alive IS NULL) AS tiers, count(*) FILTER (WHERE t.predicted_value IS NOT NULL) AS valued
      FROM customer_classes AS c JOIN customer_value_tiers AS t ON t.person_id = c.person_id JOIN customer_clv AS v ON v.person_id = c.person_id
      WHERE v.frequency = 0`);
    expect(Number(classes?.nulls)).toBe(once?.n);
    expect(Number(classes?.reasons)).toBe(once?.n);
    expect(Number(classes?.tiers)).toBe(once?.n);
    expect(Number(classes?.valued)).toBe(once?.n);
    // The profile API and the customer 360 carry the NULL and its reason.
    const [person] = await company.engine.query<{ person_id: string }>(sql`SELECT person_id FROM customer_clv WHERE frequency = 0 ORDER BY person_id LIMIT 1`);
    const id = person?.person_id ?? '';
    const config = parseConfig({ value: { clv: { model: 'bgnbd' } } });
    const profile = await customerProfile(company.engine, config, id);
    expect(profile.value).toMatchObject({ p_alive: null, p_alive_reason: 'bgnbd_no_repeat_purchase' });
    const view = await customer360(company.engine, config, id);
    expect(view.value).toMatchObject({ pAlive: null, pAliveReason: 'bgnbd_no_repeat_purchase', pAliveCurve: [] });
  });
});
