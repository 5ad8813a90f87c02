import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDemoCompany } from '../../src/generate/index.js';
import { sql } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

// `fidelis customer` prints the lifetime value beside the 12-month value, each under a label naming its basis and discounting.
describe('lifetime value on the customer card', () => {
  const dir = tempDir();
  const db = join(dir, 'card.duckdb');
  let id = '';
  beforeAll(async () => {
    await generateDemoCompany({ customers: 400, seed: 5, outDir: join(dir, 'company'), format: 'csv' });
    expect((await runCli(['import', join(dir, 'company'), '--db', db])).code).toBe(0);
    expect((await runCli(['run', '--db', db])).code).toBe(0);
    const engine = await openStore(db);
    try {
      const [row] = await engine.query<{ person_id: string }>(sql`SELECT person_id FROM customer_classes WHERE clv_12m > 0 ORDER BY clv DESC LIMIT 1`);
      id = row?.person_id ?? '';
    } finally {
      await engine.close();
    }
  }, 300_000);

  it('prints both values, the net value, referral value and satisfaction in English and French', async () => {
    const en = await runCli(['customer', id, '--db', db]);
    expect(en.code).toBe(0);
    const json = JSON.parse((await runCli(['customer', id, '--db', db, '--json'])).stdout) as { value: Record<string, number | null> };
    const money = (v: number | null | undefined): string => `${Math.round(v ?? NaN).toLocaleString('en-US')} EUR`;
    expect(en.stdout).toContain(`  Lifetime value (margin, discounted 10%/yr): ${money(json.value.clv)}`);
    expect(en.stdout).toContain(`  12-month value (margin, discounted 10%/yr): ${money(json.value.clv_12m)}`);
    expect(en.stdout).toContain(`  Predicted net value: ${money(json.value.predicted_value)}`);
    expect(en.stdout).toMatch(/\n {2}Referral value: .*\n {2}Customers referred: .*\n {2}Latest NPS \(0-10\): .*\n {2}Latest CSAT: .*\n {2}Complaints: \d+/);
    expect(json.value.clv ?? 0).toBeGreaterThan(json.value.clv_12m ?? Infinity);
    // His outlook: churn risk and expected next order, as the 360 gives them (test/dashboard/next-order.test.ts).
    const outlook = (JSON.parse((await runCli(['customer', id, '--db', db, '--json'])).stdout) as { outlook: { churnRisk: { text: { en: string } }; nextOrder: { date: string | null; text: { en: string } | null } } }).outlook;
    expect(en.stdout).toContain(`  Churn risk: ${outlook.churnRisk.text.en}; Expected next order: ${outlook.nextOrder.date === null ? (outlook.nextOrder.text?.en ?? '-') : `${outlook.nextOrder.date} (if he is still a customer)`}`);
    const fr = await runCli(['customer', id, '--db', db, '--lang', 'fr']);
    expect(fr.stdout).toMatch(/ {2}Valeur vie \(marge, actualisée 10\s%\/an\): /);
    expect(fr.stdout).toMatch(/ {2}Valeur à 12 mois \(marge, actualisée 10\s%\/an\): /);
    expect(fr.stdout).toContain('  Valeur de recommandation: ');
    expect(fr.stdout).toMatch(/ {2}Risque de départ: (Faible|Moyen|Élevé|Perdu|Non estimable); Prochaine commande attendue: /);
  });
});
