import type { Migration, TableSpec } from '../store/index.js';

/**
 * Identity resolution's own tables. They hold state that must survive runs (ids handed out,
 * blocks from splits, links from events) beside what the last resolution computed, so explain,
 * split and incremental links work between runs. Created by one migration (IDENTITY_MIGRATIONS, handed to the store by src/schema).
 */
export const IDENTITY_TABLES: readonly TableSpec[] = [
  {
    name: 'person_ids',
    doc: 'Every person id ever handed out, with the node (customer record or event link) it was named after. An id lives as long as its node: it is the id of the person holding the node, or redirects to it.',
    key: ['person_id'],
    columns: [
      { name: 'person_id', type: 'string', required: true, doc: 'Person id (the id of the node it was named after).' },
      { name: 'node_id', type: 'string', required: true, doc: 'Customer record id or event link id.' },
      { name: 'issued_at', type: 'timestamp', required: true, doc: 'When the id was first handed out; on a merge the oldest id wins.' },
    ],
  },
  {
    name: 'person_redirects',
    doc: 'Ids handed out that are no longer a person\'s own id (merged into an older one) and the person they resolve to now.',
    key: ['old_id'],
    columns: [
      { name: 'old_id', type: 'string', required: true, doc: 'Id handed out earlier.' },
      { name: 'person_id', type: 'string', required: true, doc: 'Person it resolves to.' },
      { name: 'at', type: 'timestamp', required: true, doc: 'When the redirect was (re)computed.' },
    ],
  },
  {
    name: 'identity_nodes',
    doc: 'Nodes of the identity graph (customer records and event links) and the person each belongs to.',
    key: ['node_id'],
    columns: [
      { name: 'node_id', type: 'string', storage: 'plain', required: true, doc: 'Customer record id, or event link id.' },
      { name: 'kind', type: 'string', required: true, values: ['record', 'link'], doc: 'record (customers table) or link (identify/alias event).' },
      { name: 'source', type: 'string', doc: 'Source system of the record, or of the event.' },
      { name: 'first_seen_at', type: 'timestamp', doc: 'When the node appeared (record signup, event time).' },
      { name: 'person_id', type: 'string', storage: 'plain', required: true, doc: 'Person the node belongs to.' },
      { name: 'survivor_rank', type: 'int', doc: 'Survivorship order of the record\'s declared values (higher wins): most trusted source, then most recent.' },
    ],
  },
  {
    name: 'person_identifiers',
    doc: 'Every normalised identifier of every node, with whether it was used to merge and why not.',
    key: ['node_id', 'type', 'value'],
    columns: [
      { name: 'person_id', type: 'string', storage: 'plain', required: true, doc: 'Person holding it.' },
      { name: 'node_id', type: 'string', storage: 'plain', required: true, doc: 'Node (record or link) it was seen on.' },
      { name: 'type', type: 'string', required: true, doc: 'userId, accountId, loyaltyCard, externalId, anonymousId, email or phone; or a match key of declared attributes (first_name+last_name+postcode).' },
      { name: 'value', type: 'string', storage: 'plain', required: true, doc: 'Normalised value (emails lower-cased, phones E.164...).' },
      { name: 'raw_value', type: 'string', storage: 'plain', doc: 'The value as received.' },
      { name: 'source', type: 'string', doc: 'System that recorded it.' },
      { name: 'first_seen_at', type: 'timestamp', doc: 'When it was first linked to the node.' },
      { name: 'status', type: 'string', required: true, values: ['linked', 'over_shared', 'blocked', 'ambiguous'], doc: 'linked (may merge), over_shared (on more persons than the limit), blocked (by a split) or ambiguous (a match key two records of one source hold).' },
    ],
  },
  {
    name: 'identity_merges',
    doc: 'The merge log: each union of two parts of a person, and each refused one, with the identifier that linked them and where it was seen.',
    key: ['person_id', 'node_id', 'joined_node_id', 'type', 'value'],
    columns: [
      { name: 'person_id', type: 'string', storage: 'plain', required: true, doc: 'Person the union made (or, when refused, the person of node_id).' },
      { name: 'node_id', type: 'string', storage: 'plain', required: true, doc: 'Node already holding the identifier.' },
      { name: 'joined_node_id', type: 'string', storage: 'plain', required: true, doc: 'Node that joined (or was refused) through it.' },
      { name: 'type', type: 'string', required: true, doc: 'Identifier type of the link.' },
      { name: 'value', type: 'string', storage: 'plain', required: true, doc: 'Normalised identifier value of the link.' },
      { name: 'source', type: 'string', doc: 'Systems that recorded the identifier on both nodes ("store / web").' },
      { name: 'seen_at', type: 'timestamp', doc: 'When the link appeared (the later of the two nodes\' first sightings of the identifier).' },
      { name: 'status', type: 'string', required: true, values: ['merged', 'refused'], doc: 'merged, or refused by a rule.' },
      { name: 'reason', type: 'string', required: true, doc: 'Why (the rule that refused it, or "shared identifier").' },
      { name: 'recorded_at', type: 'timestamp', required: true, doc: 'When the resolution decided it.' },
    ],
  },
  {
    name: 'identity_links',
    doc: 'Identifiers seen together by an event (identify, alias), each link a node of the graph like a customer record.',
    key: ['link_id', 'type', 'value'],
    columns: [
      { name: 'link_id', type: 'string', required: true, doc: 'Link id (one per distinct set of identifiers).' },
      { name: 'type', type: 'string', required: true, doc: 'Identifier type (userId, anonymousId, email...).' },
      { name: 'value', type: 'string', required: true, doc: 'Value as received.' },
      { name: 'source', type: 'string', doc: 'Where it came from (event type, write key...).' },
      { name: 'reference', type: 'string', doc: 'The event (messageId) or file that brought it.' },
      { name: 'seen_at', type: 'timestamp', required: true, doc: 'When it was seen.' },
    ],
  },
  {
    name: 'identity_blocks',
    doc: 'Identifiers a split proved to be shared by different people: they no longer merge anything.',
    key: ['type', 'value'],
    columns: [
      { name: 'type', type: 'string', required: true, doc: 'Identifier type.' },
      { name: 'value', type: 'string', required: true, doc: 'Normalised value.' },
      { name: 'person_id', type: 'string', required: true, doc: 'Person the split was made on.' },
      { name: 'reason', type: 'string', doc: 'Why (as given to split).' },
      { name: 'blocked_at', type: 'timestamp', required: true, doc: 'When.' },
    ],
  },
];

/** Statements of the migration that creates the identity tables. */
export const IDENTITY_MIGRATIONS: readonly Migration[] = [
  { version: 4, name: 'identity resolution', statements: (dialect) => IDENTITY_TABLES.map((t) => dialect.createTable(t)) },
];
