import { sql, type Engine, type Sql } from '../store/index.js';
import { replaceTable, replaceTableByJoins } from '../kernel/index.js';

/** Scratch tables of `choosePeers`, dropped by the potential step. */
export const PEER_SCRATCH = [
  'potential_anchor', 'range_size_cuts', 'potential_anchor_band', 'potential_range_bands', 'potential_declared', 'peer_memberships', 'peer_sizes',
  'potential_candidates', 'potential_candidate_sizes', 'chosen_peer_keys', 'peer_members_chosen', 'peer_range_counts',
];

export interface PeerSettings {
  readonly minPeers: number;
  readonly sizeBands: number;
  /** A range's wallet: this quantile of the yearly spend in it of the peers who buy it. */
  readonly walletQuantile: number;
}

/**
 * `potential_peer_choice` (person_id, peer_key, peer_kind, peer_group, peers, peer_range,
 * peer_size_band) and `peer_range_stats` (peer_key, category, buyers, penetration, typical_spend):
 * who each buyer is compared with, and what those peers buy.
 *
 * Peers are what is known and relevant. A person who declared his household size or income band
 * is compared with people who declared the same (B2C). A person who declared neither (a business,
 * or anyone without declarations) is compared by activity and size: the buyers of his main range
 * (the one he spends most on) whose yearly spend in that range falls in the same size band
 * (quantile band among that range's buyers). The restaurant that buys only sorbets thus meets the
 * restaurants that buy as many sorbets as he does - of his size - whatever else they buy; a peer
 * group whose members all bought only what he buys would hide the very gap we look for.
 *
 * This buckets instead of taking the k nearest customers by purchase mix and volume: a k-NN in SQL
 * is a self-join of the buyers (10^12 pairs at 1M, 10^10 even within one range), while the buckets
 * cost one GROUP BY over (person, range) rows. Groups under `minPeers` fall back, in order:
 * household size alone, then activity and size, then the main range alone, then all buyers.
 */
export async function choosePeers(engine: Engine, s: PeerSettings): Promise<void> {
  const d = engine.dialect;
  const text = sql.raw(d.columnType('string', false));
  // His main range: the one he spends most on (ties to the first name, so a rerun gives the same).
  await replaceTable(engine, 'potential_anchor', d.topPerGroup(sql`SELECT person_id, category, yearly_spend FROM potential_person_ranges`, {
    partitionBy: ['person_id'],
    orderBy: [{ column: 'yearly_spend', descending: true }, { column: 'category' }],
    columns: ['category'],
    n: 1,
    rankAs: 'anchor_rank',
  }));
  const levels = Array.from({ length: s.sizeBands - 1 }, (_, i) => (i + 1) / s.sizeBands);
  const band = levels.length === 0
    ? sql`1`
    : sql`(1 + ${sql.join(levels.map((_, i) => d.flag(sql`r.yearly_spend > c.cuts[${sql.raw(String(i + 1))}]`)), ' + ')})`;
  await replaceTable(engine, 'range_size_cuts', sql`SELECT category, ${d.quantiles(sql`yearly_spend`, levels.length > 0 ? levels : [0.5])} AS cuts
    FROM potential_person_ranges GROUP BY category`);
  await replaceTable(engine, 'potential_range_bands', sql`SELECT r.person_id AS person_id, r.category AS category, ${band} AS size_band
    FROM potential_person_ranges AS r JOIN range_size_cuts AS c ON c.category = r.category`);
  await replaceTable(engine, 'potential_anchor_band', sql`SELECT a.person_id AS person_id, a.category AS category, b.size_band AS size_band
    FROM potential_anchor AS a JOIN potential_range_bands AS b ON b.person_id = a.person_id AND b.category = a.category`);
  const attribute = (prefix: string): Sql => sql`max(CASE WHEN attribute LIKE ${`${prefix}:%`} THEN attribute END)`;
  // Inner columns named apart: ClickHouse would read `household` in WHERE as the outer coalesce's alias.
  await replaceTable(engine, 'potential_declared', sql`SELECT person_id, coalesce(declared_household, 'household:?') AS household,
    coalesce(declared_income, 'income:?') AS income FROM (SELECT person_id, ${attribute('household')} AS declared_household,
      ${attribute('income')} AS declared_income FROM person_attributes GROUP BY person_id) AS a
    WHERE declared_household IS NOT NULL OR declared_income IS NOT NULL`);

  const activityKey = (range: Sql, size: Sql): Sql => sql`concat('activity|', ${range}, '|', CAST(${size} AS ${text}))`;
  await replaceTable(engine, 'peer_memberships', sql`
    SELECT concat('declared|', household, ' ', income) AS peer_key, person_id FROM potential_declared
    UNION ALL SELECT concat('household|', household) AS peer_key, person_id FROM potential_declared
    UNION ALL SELECT ${activityKey(sql`category`, sql`size_band`)} AS peer_key, person_id FROM potential_range_bands
    UNION ALL SELECT concat('range|', category) AS peer_key, person_id FROM potential_range_bands
    UNION ALL SELECT 'all' AS peer_key, person_id FROM potential_buyers`);
  await replaceTable(engine, 'peer_sizes', sql`SELECT peer_key, count(*) AS peers FROM peer_memberships GROUP BY peer_key`);

  await replaceTableByJoins(engine, 'potential_candidates', {
    from: sql`potential_buyers`,
    columns: sql`base.person_id AS person_id`,
    joins: [
      { table: 'potential_declared', alias: 'd', on: sql`d.person_id = base.person_id`, columns: sql`d.household AS household, d.income AS income` },
      {
        table: 'potential_anchor_band',
        alias: 'a',
        on: sql`a.person_id = base.person_id`,
        columns: sql`a.category AS peer_range, a.size_band AS peer_size_band`,
      },
    ],
  });
  const size = (alias: string, key: Sql): { table: string; alias: string; on: Sql; columns: Sql } => ({
    table: 'peer_sizes',
    alias,
    on: sql`${sql.id(alias)}.peer_key = ${key}`,
    columns: sql`${sql.id(alias)}.peers AS ${sql.id(`${alias}_peers`)}`,
  });
  await replaceTableByJoins(engine, 'potential_candidate_sizes', {
    from: sql`potential_candidates`,
    columns: sql`base.*`,
    joins: [
      size('declared', sql`concat('declared|', base.household, ' ', base.income)`),
      size('household', sql`concat('household|', base.household)`),
      size('activity', activityKey(sql`base.peer_range`, sql`base.peer_size_band`)),
      size('range', sql`concat('range|', base.peer_range)`),
      size('everyone', sql`'all'`),
    ],
  });
  // The first group, in the order of the doc comment, with enough peers; all buyers otherwise.
  const enough = (alias: string): Sql => sql`coalesce(${sql.id(`${alias}_peers`)}, 0) >= ${s.minPeers}`;
  const choose = (values: Record<'declared' | 'household' | 'activity' | 'range' | 'everyone', Sql>): Sql => sql`CASE
    WHEN ${enough('declared')} THEN ${values.declared} WHEN ${enough('household')} THEN ${values.household}
    WHEN ${enough('activity')} THEN ${values.activity} WHEN ${enough('range')} THEN ${values.range} ELSE ${values.everyone} END`;
  await replaceTable(engine, 'potential_peer_choice', sql`SELECT person_id, peer_range, peer_size_band,
    ${choose({
      declared: sql`concat('declared|', household, ' ', income)`,
      household: sql`concat('household|', household)`,
      activity: activityKey(sql`peer_range`, sql`peer_size_band`),
      range: sql`concat('range|', peer_range)`,
      everyone: sql`'all'`,
    })} AS peer_key,
    ${choose({ declared: sql`'declared'`, household: sql`'household'`, activity: sql`'activity'`, range: sql`'range'`, everyone: sql`'all'` })} AS peer_kind,
    ${choose({
      declared: sql`concat(household, ' ', income)`,
      household: sql`household`,
      activity: sql`concat(peer_range, ', size ', CAST(peer_size_band AS ${text}), '/', ${String(s.sizeBands)})`,
      range: sql`peer_range`,
      everyone: sql`'all buyers'`,
    })} AS peer_group,
    ${choose({ declared: sql`declared_peers`, household: sql`household_peers`, activity: sql`activity_peers`, range: sql`range_peers`, everyone: sql`everyone_peers` })} AS peers
    FROM potential_candidate_sizes`);

  // What the chosen groups buy: only groups somebody is compared with are counted.
  await replaceTable(engine, 'chosen_peer_keys', sql`SELECT DISTINCT peer_key FROM potential_peer_choice`);
  await replaceTable(engine, 'peer_members_chosen', sql`SELECT m.peer_key AS peer_key, m.person_id AS person_id
    FROM peer_memberships AS m JOIN chosen_peer_keys AS k ON k.peer_key = m.peer_key`);
  await replaceTable(engine, 'peer_range_counts', sql`SELECT m.peer_key AS peer_key, r.category AS category, count(*) AS buyers,
    ${d.quantiles(sql`r.yearly_spend`, [s.walletQuantile])}[1] AS typical_spend
    FROM peer_members_chosen AS m JOIN potential_person_ranges AS r ON r.person_id = m.person_id GROUP BY m.peer_key, r.category`);
  await replaceTable(engine, 'peer_range_stats', sql`SELECT c.peer_key AS peer_key, c.category AS category, c.buyers AS buyers,
    CAST(c.buyers AS DOUBLE) / z.peers AS penetration, c.typical_spend AS typical_spend
    FROM peer_range_counts AS c JOIN peer_sizes AS z ON z.peer_key = c.peer_key`);
}
