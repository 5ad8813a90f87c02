// The customer 360's expected next order date, churn-risk label and CLV explanation over real
// sockets, on a generated company, each checked against a computation of its own: the Pareto/NBD
// closed form of the expected purchases given alive, the documented P(alive) thresholds, and the
// demo customers whose RFM segment says a valuable past while their CLV is about nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { customerCard } from '../../src/profiles/index.js';
import { sql, type Row } from '../../src/store/index.js';
import { dashboardFixture, type DashboardFixture } from './helpers.js';

interface Bilingual { en: string; fr: string }
interface Message { key: string; params: Record<string, string | number>; text: Bilingual }
interface Value360 {
  clv: number | null;
  pAlive: number | null;
  pAliveReason: string | null;
  nextOrder: { date: string | null; weeks: number | null; reason: string | null; text: Bilingual | null };
  churnRisk: { label: string; text: Bilingual };
  clvExplanation: Message | null;
  definitions: { field: string; label: Bilingual; definition: Bilingual }[];
}
interface ListRow { id: string; clv: number | null; clv_explanation?: Message | null }

const DAY = 86_400_000;

describe('customer 360: expected next order, churn risk and why a CLV contradicts the RFM segment', () => {
  let f: DashboardFixture;
  const value = async (id: string): Promise<Value360> => (await f.json<{ value: Value360 }>(`/api/customers/${encodeURIComponent(id)}`)).value;
  const refit = (model: 'bgnbd' | 'paretonbd'): Promise<unknown> => runPipeline(f.engine, parseConfig({ value: { clv: { model } } }), { asOf: f.asOf, from: 'clv' });
  const persons = (where: string, limit = 1): Promise<Row[]> =>
    f.engine.query<Row>(sql`SELECT c.person_id, c.clv, c.p_alive, c.revenue, c.last_purchase, c.rfm_segment, v.frequency, v.recency, v.T
      FROM customer_classes AS c JOIN customer_clv AS v ON v.person_id = c.person_id WHERE ${sql.raw(where)} ORDER BY c.person_id LIMIT ${sql.raw(String(limit))}`);

  beforeAll(async () => {
    f = await dashboardFixture(1200, 11);
    await refit('bgnbd');
  }, 300_000);

  afterAll(async () => {
    await f?.close();
  });

  it('gives no date and a "not estimable" churn risk where BG/NBD cannot estimate P(alive) (no repeat purchase), as P(alive) itself', async () => {
    const [oneTime] = await persons("c.p_alive_reason = 'bgnbd_no_repeat_purchase'");
    const v = await value(String(oneTime?.person_id));
    expect(v.pAlive).toBeNull();
    expect(v.pAliveReason).toBe('bgnbd_no_repeat_purchase');
    expect(v.nextOrder).toMatchObject({ date: null, weeks: null, reason: 'bgnbd_no_repeat_purchase', text: { en: 'not estimable', fr: 'non estimable' } });
    expect(v.churnRisk).toEqual({ label: 'not_estimable', text: { en: 'Not estimable', fr: 'Non estimable' } });
    const defs = Object.fromEntries(v.definitions.map((d) => [d.field, d]));
    expect(defs.next_order?.label).toEqual({ en: 'Expected next order', fr: 'Prochaine commande attendue' });
    expect(defs.next_order?.definition.en).toContain('BG/NBD model expects him to have made one more purchase');
    expect(defs.churn_risk?.definition.en).toBe(
      'From P(alive), the probability that he is still a customer: low from 70%, medium from 40%, high from 10%, lost below 10%. Not estimable where P(alive) is not.',
    );
    expect(defs.churn_risk?.definition.fr).toMatch(/faible à partir de 70\s%/u);
  });

  it('labels churn risk from P(alive) by the documented thresholds (low >= 70%, medium >= 40%, high >= 10%, else lost)', async () => {
    const all = await f.engine.query<Row>(sql`SELECT person_id, p_alive FROM customer_classes WHERE p_alive IS NOT NULL ORDER BY p_alive, person_id`);
    // Sixteen customers evenly spread over the base's P(alive), the lowest and the highest included.
    const sample = Array.from({ length: 16 }, (_, i) => all[Math.round((i * (all.length - 1)) / 15)] as Row);
    const expected = (p: number): string => (p >= 0.7 ? 'low' : p >= 0.4 ? 'medium' : p >= 0.1 ? 'high' : 'lost');
    const labels = new Set<string>();
    for (const row of sample) {
      const v = await value(String(row.person_id));
      expect(v.pAlive).toBeCloseTo(Number(row.p_alive), 12);
      expect(v.churnRisk.label).toBe(expected(Number(row.p_alive)));
      labels.add(v.churnRisk.label);
    }
    // The sample spans the base's P(alive), so more than one label is checked.
    expect(labels.size).toBeGreaterThan(1);
  });

  it('explains a "Can\'t lose" customer valued at about €0 and a "Loyal" whale valued at a few euros, on the 360 and in the customer list', async () => {
    const [cantLose] = await persons("c.rfm_segment = 'cant_lose' AND c.clv < 1");
    const [loyalWhale] = await persons("c.rfm_segment = 'loyal' AND c.grid = 'whale' AND c.clv < 0.1 * c.revenue");
    expect(cantLose).toBeDefined();
    expect(loyalWhale).toBeDefined();
    for (const [row, en, fr] of [
      [cantLose, "Can't lose", 'À ne pas perdre'],
      [loyalWhale, 'Loyal', 'Fidèles'],
    ] as const) {
      const v = await value(String(row?.person_id));
      const pAlive = Number(row?.p_alive);
      expect(pAlive).toBeLessThan(0.4);
      const days = Math.round((f.asOf.getTime() - (row?.last_purchase as Date).getTime()) / DAY);
      const format = (lang: string, share: number): string => new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: share < 0.1 ? 1 : 0 }).format(share);
      const pct = (lang: string): string => (pAlive > 0 && pAlive < 0.0005 ? `< ${format(lang, 0.001)}` : format(lang, pAlive));
      expect(v.clvExplanation?.key).toBe('value.clv_gap.inactive');
      expect(v.clvExplanation?.text.en).toBe(
        `CLV counts expected future purchases only: P(alive) ${pct('en-GB')} after ${new Intl.NumberFormat('en-GB').format(days)} days without an order; the RFM segment “${en}” describes his past.`,
      );
      expect(v.clvExplanation?.text.fr).toBe(
        `La valeur vie ne compte que les achats futurs espérés : P(actif) ${pct('fr-FR')} après ${new Intl.NumberFormat('fr-FR').format(days)} jours sans commande ; le segment RFM « ${fr} » décrit son passé.`,
      );
      const segment = String(row?.rfm_segment);
      const list = await f.json<{ rows: ListRow[] }>(`/api/customers?rfm_segment=${segment}&sort=clv&order=asc&pageSize=200`);
      const listed = list.rows.find((r) => r.id === row?.person_id);
      expect(listed?.clv_explanation).toEqual(v.clvExplanation);
    }
    // The customer card (`fidelis customer`) says the same as the 360.
    const card = await customerCard(f.engine, String(cantLose?.person_id), f.config);
    const v = await value(String(cantLose?.person_id));
    expect(card.outlook).toMatchObject({ nextOrder: v.nextOrder, churnRisk: v.churnRisk, clvExplanation: v.clvExplanation });
    // A champion whose CLV is a fair share of his revenue needs no explanation.
    const [healthy] = await persons("c.rfm_segment = 'champions' AND c.clv >= 0.3 * c.revenue");
    expect((await value(String(healthy?.person_id))).clvExplanation).toBeNull();
  });

  it('dates the next order where the Pareto/NBD expected purchases given alive reach 1, in closed form, or says none within three years', async () => {
    await refit('paretonbd');
    const [fit] = await f.engine.query<Row>(sql`SELECT model, params FROM clv_model`);
    expect(fit?.model).toBe('paretonbd');
    const { r, alpha, s, beta } = JSON.parse(String(fit?.params)) as Record<'r' | 'alpha' | 's' | 'beta', number>;
    const [run] = await f.engine.query<{ as_of: Date }>(sql`SELECT max(as_of) AS as_of FROM pipeline_runs`);
    const asOf = (run as { as_of: Date }).as_of;
    // Fader & Hardie (2005) eq. 27 given alive: K [1 - ((beta+T)/(beta+T+t))^(s-1)] with K = (r+x)(beta+T)/((alpha+T)(s-1)); = 1 at
    // t = (beta+T) ((1 - 1/K)^(-1/(s-1)) - 1), when 1 - 1/K > 0 (else never).
    const closedForm = (x: number, T: number): number | null => {
      const K = ((r + x) * (beta + T)) / ((alpha + T) * (s - 1));
      const base = 1 - 1 / K;
      return base > 0 ? (beta + T) * (Math.pow(base, -1 / (s - 1)) - 1) : null;
    };
    const sample = await persons('v.frequency > 0', 400);
    let dated = 0;
    let none = 0;
    for (const row of sample.filter((_, i) => i % 20 === 0)) {
      const v = await value(String(row.person_id));
      const t = closedForm(Number(row.frequency), Number(row.T));
      if (t === null || t > 156) {
        expect(v.nextOrder).toMatchObject({ date: null, reason: 'not_expected', text: { en: 'not within 3 years', fr: 'pas d’ici 3 ans' } });
        none += 1;
        continue;
      }
      expect(v.nextOrder.weeks).toBeCloseTo(t, 2);
      const day = new Date(asOf.getTime() + t * 7 * DAY).toISOString().slice(0, 10);
      expect(v.nextOrder.date).toBe(day);
      dated += 1;
    }
    expect(dated).toBeGreaterThan(0);
    // A one-time buyer is dated too under Pareto/NBD (its P(alive) is an estimate there).
    const [oneTime] = await persons('v.frequency = 0');
    const v = await value(String(oneTime?.person_id));
    expect(v.pAlive).not.toBeNull();
    const t = closedForm(0, Number(oneTime?.T));
    expect(v.nextOrder.reason).toBe(t === null || t > 156 ? 'not_expected' : null);
    expect(dated + none).toBe(20);
  });
});
