import type { ChannelSegmentDimension, ChannelsConfig } from '../../config/channels-config.js';
import { CONTACT_CHANNELS, sql, type Engine } from '../../store/index.js';
import { dropTables, replaceTable, replaceTableByJoins, type JoinedTable } from '../../kernel/index.js';
import { fitPrior, type BetaPrior, type HistoryGroups } from './beta-binomial.js';

/** Where each segment dimension is read from (tables of the steps before this one). */
const DIMENSIONS: Record<ChannelSegmentDimension, { table: string; column: string }> = {
  digital_type: { table: 'customer_digital', column: 'digital_type' },
  value_tier: { table: 'customer_value_tiers', column: 'value_tier' },
  rfm_segment: { table: 'customer_rfm', column: 'segment' },
  grid: { table: 'customer_grid', column: 'grid' },
};

/** The label of the whole base, when no segment dimension is configured. */
export const WHOLE_BASE = 'all';

/**
 * Writes `channel_segments`: each person's segment label, e.g. `technophile/CPP` (`unknown` for a
 * missing part). The parts are joined one table at a time where the engine takes one JOIN per
 * SELECT (ClickHouse 18.16), then put together.
 */
export async function writeSegments(engine: Engine, segmentBy: readonly ChannelSegmentDimension[]): Promise<void> {
  const joins: JoinedTable[] = segmentBy.map((dimension, i) => {
    const { table, column } = DIMENSIONS[dimension];
    const alias = `s${i}`;
    return { table, alias, on: sql`${sql.id(alias)}.person_id = base.person_id`, columns: sql`${engine.dialect.cast(sql`${sql.id(alias)}.${sql.id(column)}`, 'string')} AS ${sql.id(`part_${i}`)}` };
  });
  await replaceTableByJoins(engine, 'channel_segment_parts', {
    from: sql`(SELECT DISTINCT person_id FROM customer_persons)`,
    columns: sql`base.person_id AS person_id`,
    joins,
  });
  const parts = segmentBy.map((_, i) => sql`coalesce(${sql.id(`part_${i}`)}, 'unknown')`);
  const label = parts.length === 0 ? sql`${WHOLE_BASE}` : sql.join(parts, " || '/' || ");
  await replaceTable(engine, 'channel_segments', sql`SELECT person_id, ${label} AS segment FROM channel_segment_parts`);
  await dropTables(engine, ['channel_segment_parts']);
}

export interface FittedPrior extends BetaPrior {
  readonly segment: string;
  readonly channel: string;
  /** Persons of the segment contacted on the channel in the history window. */
  readonly persons: number;
  /** True when the segment borrowed the channel's prior over the whole base (too few persons, or no response). */
  readonly pooled: boolean;
}

function groupsOf(rows: readonly { contacts: number; responses: number; persons: number }[]): HistoryGroups {
  return {
    contacts: Float64Array.from(rows, (r) => Number(r.contacts)),
    responses: Float64Array.from(rows, (r) => Number(r.responses)),
    persons: Float64Array.from(rows, (r) => Number(r.persons)),
  };
}

/**
 * Fits one Beta prior per segment and channel on the distinct (contacts, responses) histories of
 * its persons (a histogram from SQL: the fit needs typed arrays, and a million persons reduce to a
 * few hundred histories), and writes them to `channel_priors`. A channel nobody was contacted on
 * has no prior: its rate is unknown, not zero.
 */
export async function writePriors(engine: Engine, settings: ChannelsConfig): Promise<FittedPrior[]> {
  const histogram = await engine.query<{ segment: string; channel: string; contacts: number; responses: number; persons: number }>(
    sql`SELECT s.segment AS segment, k.channel AS channel, k.contacts AS contacts, k.responses AS responses, count(*) AS persons
      FROM channel_counts AS k JOIN channel_segments AS s ON s.person_id = k.person_id
      GROUP BY s.segment, k.channel, k.contacts, k.responses ORDER BY segment, channel, contacts, responses`,
  );
  const segments = (await engine.query<{ segment: string }>(sql`SELECT DISTINCT segment FROM channel_segments ORDER BY segment`)).map((r) => r.segment);
  const { method, minPersons } = settings.prior;
  const priors: FittedPrior[] = [];
  for (const channel of CONTACT_CHANNELS) {
    const rows = histogram.filter((h) => h.channel === channel);
    if (rows.length === 0) continue;
    const base = fitPrior(groupsOf(rows), method);
    for (const segment of segments) {
      const own = rows.filter((h) => h.segment === segment);
      const persons = own.reduce((s, h) => s + Number(h.persons), 0);
      const responses = own.reduce((s, h) => s + Number(h.responses) * Number(h.persons), 0);
      const pooled = persons < minPersons || responses === 0;
      const prior = pooled ? base : fitPrior(groupsOf(own), method);
      priors.push({ segment, channel, alpha: prior.alpha, beta: prior.beta, persons, pooled });
    }
  }
  const rows = priors.map(
    (p) => sql`SELECT CAST(${p.segment} AS VARCHAR) AS segment, CAST(${p.channel} AS VARCHAR) AS channel, CAST(${p.alpha} AS DOUBLE) AS alpha,
      CAST(${p.beta} AS DOUBLE) AS beta, CAST(${p.persons} AS BIGINT) AS persons, ${p.pooled} AS pooled`,
  );
  // Typed by non-null values (ClickHouse 18.16 cannot CAST a NULL to a non-Nullable type), no row kept.
  const empty = sql`SELECT CAST(${''} AS VARCHAR) AS segment, CAST(${''} AS VARCHAR) AS channel, CAST(0 AS DOUBLE) AS alpha,
    CAST(0 AS DOUBLE) AS beta, CAST(0 AS BIGINT) AS persons, ${false} AS pooled WHERE 1 = 0`;
  await replaceTable(engine, 'channel_priors', rows.length > 0 ? sql.join(rows, ' UNION ALL ') : empty);
  return priors;
}
