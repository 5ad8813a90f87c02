import { joinBuckets, replaceTableInBuckets, type PipelineStep } from '../kernel/index.js';
import { CONTACT_CHANNELS, sql, type TableSpec } from '../store/index.js';
import { CURRENT_CONSENT_STATUSES, latestConsents, personRecords } from './current.js';

export const PERSON_CONSENTS = 'person_consents';

/** The derived table the step writes (docs/data-model.md renders it from here). */
export const PERSON_CONSENTS_TABLE: TableSpec = {
  name: PERSON_CONSENTS,
  doc: 'Derived by `fidelis run`: each person\'s current consent per contact channel, one row per person and channel. The latest consent event of any of his records wins (a tie at the same instant: opt_out first, then source, then record); `unknown` when he has none for the channel, which is not consent. The consents table stays the history (audit trail); the profile API and exports read the same rule live.',
  key: ['person_id', 'channel'],
  columns: [
    { name: 'person_id', type: 'string', required: true, doc: 'Person.' },
    { name: 'channel', type: 'string', required: true, values: CONTACT_CHANNELS, doc: 'email, sms, mail, phone or push.' },
    { name: 'status', type: 'string', required: true, values: CURRENT_CONSENT_STATUSES, doc: 'opt_in, opt_out, or unknown (no consent event: nothing may be sent).' },
    { name: 'at', type: 'timestamp', doc: 'When the deciding consent event happened (empty when unknown).' },
    { name: 'source', type: 'string', doc: 'Where the deciding event was collected (consents.source; `events` for collected events).' },
    { name: 'record', type: 'string', doc: 'Customer record holding the deciding event.' },
  ],
};

/**
 * Current consent of every person and channel, from the consents history and the map of records
 * to persons: one row for each, `unknown` where he has no event, so that audiences and exports
 * join it without guessing what a missing row means.
 */
export const personConsents: PipelineStep = {
  name: PERSON_CONSENTS,
  reads: ['consents', 'customer_persons', 'identity_nodes', 'person_identifiers'],
  writes: [PERSON_CONSENTS],
  requires: [],
  async run({ engine }) {
    // In hash buckets of the person where the engine holds a join's right-hand side in memory: the
    // latest consents, whose grouping holds every consent event of each person and channel (on a
    // 2-shard ClickHouse cluster at 1M persons the statement in one piece took 1.98 GB of 2).
    // Sized from the events, their records and their text: the person's side of them.
    const buckets = await joinBuckets(engine, sql`consents`, { textColumns: ['customer_id', 'channel', 'status', 'source'], columns: 7 });
    const channels = sql.join(CONTACT_CHANNELS.map((c) => sql`SELECT ${c} AS channel`), ' UNION ALL ');
    await replaceTableInBuckets(engine, PERSON_CONSENTS, buckets, (inBucket) => {
      const latest = latestConsents(engine.dialect, personRecords(inBucket(sql`person_id`)));
      const every = sql`SELECT p.person_id AS person_id, ch.channel AS channel
        FROM (SELECT DISTINCT person_id FROM customer_persons WHERE ${inBucket(sql`person_id`)}) AS p CROSS JOIN (${channels}) AS ch`;
      return sql`SELECT e.person_id AS person_id, e.channel AS channel, coalesce(l.status, 'unknown') AS status, l.${sql.id('at')} AS ${sql.id('at')},
          l.source AS source, l.record AS record
        FROM (${every}) AS e LEFT JOIN (${latest}) AS l ON l.person_id = e.person_id AND l.channel = e.channel`;
    });
  },
};
