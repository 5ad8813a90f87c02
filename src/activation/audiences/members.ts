/** Counting and reading the members of an audience, in SQL (nothing dragged into JS but the rows asked for). */
import { sql, type Engine } from '../../store/index.js';
import { audienceFrom, type CompiledFilter } from './compile.js';

export async function countAudience(engine: Engine, compiled: CompiledFilter): Promise<number> {
  const [row] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${audienceFrom(compiled)} WHERE ${compiled.where}`);
  return Number(row?.n ?? 0);
}

/** The persons of an audience as a query of person_id rows, to join or filter other queries on. */
export function audiencePersons(compiled: CompiledFilter) {
  return sql`SELECT c.person_id FROM ${audienceFrom(compiled)} WHERE ${compiled.where}`;
}

export interface AudienceMember {
  readonly person_id: string;
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly city: string | null;
  readonly value_tier: string | null;
  readonly clv: number | null;
  readonly p_alive: number | null;
}

/** The first members by person id (a stable page), with what a preview shows of them. */
export async function previewAudience(engine: Engine, compiled: CompiledFilter, limit = 20): Promise<AudienceMember[]> {
  const n = Math.max(1, Math.min(500, Math.trunc(limit)));
  const rows = await engine.query(sql`SELECT m.person_id, pp.first_name, pp.last_name, pp.city, cc.value_tier, cc.clv, cc.p_alive
    FROM (${audiencePersons(compiled)} ORDER BY c.person_id LIMIT ${sql.raw(String(n))}) AS m
    JOIN customer_classes AS cc ON cc.person_id = m.person_id LEFT JOIN person_profiles AS pp ON pp.person_id = m.person_id
    ORDER BY m.person_id`);
  return rows.map((r) => ({
    person_id: String(r.person_id),
    first_name: (r.first_name as string | null) ?? null,
    last_name: (r.last_name as string | null) ?? null,
    city: (r.city as string | null) ?? null,
    value_tier: (r.value_tier as string | null) ?? null,
    clv: r.clv === null || r.clv === undefined ? null : Number(r.clv),
    p_alive: r.p_alive === null || r.p_alive === undefined ? null : Number(r.p_alive),
  }));
}
