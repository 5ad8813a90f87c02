import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIGITAL_TYPES } from '../../src/config/digital-config.js';
import { sql } from '../../src/store/index.js';
import { digitalMaturity } from '../../src/segments/digital-maturity.js';
import { explainDigitalType } from '../../src/segments/digital-explain.js';
import type { DigitalType } from '../../src/segments/digital-types.js';
import { explainOnlineMove, onlineMigrationMatrix } from '../../src/segments/online-migration.js';
import { defaultAsOf } from '../../src/pipeline/index.js';
import { loadDemoCompany, type DemoCompany } from '../helpers/demo-company.js';

interface Measure {
  readonly type: DigitalType;
  readonly truth: number;
  readonly predicted: number;
  readonly precision: number;
  readonly recall: number;
}

describe('digital-maturity types against the demo company ground truth', () => {
  let company: DemoCompany;
  let confusion: Map<string, number>;
  let measures: Measure[];
  const count = (truth: DigitalType, predicted: DigitalType): number => confusion.get(`${truth}>${predicted}`) ?? 0;
  const measure = (type: DigitalType): Measure => {
    const found = measures.find((m) => m.type === type);
    if (!found) throw new Error(type);
    return found;
  };

  beforeAll(async () => {
    company = await loadDemoCompany({ customers: 4000, seed: 2024, trueIdentity: true });
    const { engine, config } = company;
    await digitalMaturity.run({ engine, config, asOf: await defaultAsOf(engine), warn: () => undefined });
    const rows = await engine.query<{ truth: DigitalType; predicted: DigitalType; n: number }>(sql`
      SELECT t.digital_type AS truth, d.digital_type AS predicted, count(*) AS n
      FROM customer_digital AS d JOIN truth_persons AS t ON t.person_id = d.person_id GROUP BY ALL`);
    confusion = new Map(rows.map((r) => [`${r.truth}>${r.predicted}`, Number(r.n)]));
    measures = DIGITAL_TYPES.map((type) => {
      const hits = count(type, type);
      const truth = DIGITAL_TYPES.reduce((s, p) => s + count(type, p), 0);
      const predicted = DIGITAL_TYPES.reduce((s, t) => s + count(t, type), 0);
      return { type, truth, predicted, precision: hits / predicted, recall: hits / truth };
    });
    console.table(measures.map((m) => ({ ...m, precision: m.precision.toFixed(3), recall: m.recall.toFixed(3) })));
    console.table(DIGITAL_TYPES.map((t) => ({ truth: t, ...Object.fromEntries(DIGITAL_TYPES.map((p) => [p, count(t, p)])) })));
  });
  afterAll(async () => {
    await company.close();
  });

  it('types every person of the base', async () => {
    const [row] = await company.engine.query<{ typed: number; persons: number; untyped: number }>(sql`SELECT
      (SELECT count(*) FROM customer_digital) AS typed, (SELECT count(DISTINCT person_id) FROM customer_persons) AS persons,
      (SELECT count(*) FROM customer_digital WHERE digital_type IS NULL OR rule IS NULL OR online_move IS NULL) AS untyped`);
    expect(row).toMatchObject({ typed: row?.persons, untyped: 0 });
  });

  // Thresholds about 0.1 under what the defaults measure on this company (docs/digital-maturity.md).
  it('finds technophiles and technonuls with good precision and recall', () => {
    expect(measure('technophile').precision).toBeGreaterThan(0.55);
    expect(measure('technophile').recall).toBeGreaterThan(0.5);
    expect(measure('technonul').precision).toBeGreaterThan(0.45);
    expect(measure('technonul').recall).toBeGreaterThan(0.7);
    expect(measure('technomouton').precision).toBeGreaterThan(0.55);
    expect(measure('techno-no').precision).toBeGreaterThan(0.45);
  });

  it('almost never takes a technophile for a technonul, nor the reverse', () => {
    expect(count('technophile', 'technonul') / measure('technophile').truth).toBeLessThan(0.05);
    expect(count('technonul', 'technophile') / measure('technonul').truth).toBeLessThan(0.01);
    // Pushed against accompanied: few technophiles are accompanied, few technonuls pushed online.
    const philesAccompanied = count('technophile', 'technonul') + count('technophile', 'techno-no');
    expect(philesAccompanied / measure('technophile').truth).toBeLessThan(0.08);
    expect((count('technonul', 'technophile') + count('technonul', 'technomouton')) / measure('technonul').truth).toBeLessThan(0.02);
  });

  it('puts technophiles on the new online services and technonuls offline in the migration matrix', async () => {
    const matrix = await onlineMigrationMatrix(company.engine);
    const onNew = matrix.existing.new_online.byType.technophile + matrix.new.new_online.byType.technophile;
    expect(onNew).toBeGreaterThan(0);
    expect(matrix.existing.new_online.byType.technonul + matrix.new.new_online.byType.technonul).toBe(0);
    const offlineNuls = matrix.existing.offline.byType.technonul + matrix.new.offline.byType.technonul;
    expect(offlineNuls).toBe(measure('technonul').predicted);
    console.table(
      (['existing', 'new'] as const).flatMap((status) =>
        (['offline', 'classic_online', 'new_online'] as const).map((services) => {
          const cell = matrix[status][services];
          return { status, services, move: cell.move, customers: cell.customers, ...cell.byType };
        }),
      ),
    );
  });

  it('explains every rule it used with the figures', async () => {
    const rows = await company.engine.query(sql`SELECT * FROM customer_digital WHERE person_id IN (
      SELECT min(person_id) FROM customer_digital GROUP BY rule)`);
    for (const row of rows) {
      const text = explainDigitalType(row as never);
      expect(text).toMatch(/^(technophile|technomouton|techno-no|technonul): .+ of orders online|no order/);
      expect(explainOnlineMove(row as never)).toMatch(/(push online|accompany)/);
    }
    expect(rows.length).toBeGreaterThanOrEqual(7);
  });
});
