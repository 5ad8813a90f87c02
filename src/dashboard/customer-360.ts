import type { z } from '@hono/zod-openapi';
import type { Config } from '../config/index.js';
import { customerCard } from '../profiles/index.js';
import { sql, type Engine, type Row } from '../store/index.js';
import { pAliveCurve } from './p-alive-curve.js';
import type { customer360Schema } from './schemas.js';
import { textOrNull } from './text.js';
import { personOrders, timeline } from './timeline.js';

export type Customer360 = z.infer<typeof customer360Schema>;

const numberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/** JSON-safe: dates as ISO strings, as the API sends them. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The fitted transaction model of the last run (null when the run could not fit one). */
async function fittedModel(engine: Engine): Promise<{ model: string; params: Record<string, number>; asOf: Date } | null> {
  const [[fit], [run]] = await Promise.all([
    engine.query<Row>(sql`SELECT * FROM clv_model`),
    engine.query<{ as_of: Date | null }>(sql`SELECT max(as_of) AS as_of FROM pipeline_runs`),
  ]);
  if (!fit || typeof fit.params !== 'string' || !(run?.as_of instanceof Date)) return null;
  return { model: String(fit.model), params: JSON.parse(fit.params) as Record<string, number>, asOf: run.as_of };
}

/**
 * The customer 360: the profile API's object as it is, his timeline, his value with the P(alive)
 * curve over his history, affinities, gaps and his path over snapshots (the customer card's).
 */
export async function customer360(engine: Engine, config: Config, id: string): Promise<Customer360> {
  const { affinities, gaps, path, ...profile } = await customerCard(engine, id, config);
  const records = profile.records;
  const orders = await personOrders(engine, records);
  const [history, [value], fit] = await Promise.all([
    timeline(engine, records, profile.lastEvents, orders),
    engine.query<Row>(sql`SELECT r_score, f_score, m_score, rfm_segment, clv, p_alive, expected_transactions FROM customer_classes
      WHERE person_id = ${profile.id}`),
    fittedModel(engine),
  ]);
  return {
    profile: plain(profile) as unknown as Record<string, unknown>,
    timeline: history,
    value: {
      rfm: {
        r: numberOrNull(value?.r_score),
        f: numberOrNull(value?.f_score),
        m: numberOrNull(value?.m_score),
        segment: textOrNull(value?.rfm_segment),
      },
      clv: numberOrNull(value?.clv),
      pAlive: numberOrNull(value?.p_alive),
      expectedTransactions: numberOrNull(value?.expected_transactions),
      pAliveCurve: fit ? pAliveCurve(fit.model, fit.params, orders.map((o) => o.ordered_at), fit.asOf) : [],
    },
    affinities: plain(affinities) as unknown as Record<string, unknown>[],
    gaps: plain(gaps) as unknown as Record<string, unknown>[],
    path: plain(path) as unknown as Record<string, unknown>[],
  };
}
