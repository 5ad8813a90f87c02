import type { ProfileParts } from './parts.js';

/**
 * The columns of the table rows a document holds, in the order their values are written: stored
 * once in the profile file, not once a person. A document repeated every column name of every row
 * (10.4 KB a person on the demo company, more than half of it names, and past LMDB's 2 KB
 * overflow threshold, so three 4 KB pages a person); as positional arrays it is 4.5 KB before
 * compression (serving-store.ts).
 */
export interface DocumentLayout {
  readonly golden: readonly string[];
  readonly classes: readonly string[];
  readonly digital: readonly string[];
  readonly offers: readonly string[];
  readonly channels: readonly string[];
}

/**
 * A document: one JSON array, positions fixed here and in documents.ts's SQL.
 * [records, golden, identifiers, consents, currentConsents, classes, digital, offers, channels, events]
 * with rows as arrays of their layout's columns, and the fixed-shape lists as arrays:
 * identifiers [type, value, source], consents [channel, status, at, source], current consents
 * [channel, status, at, source, record], events [message_id, type, event, timestamp, properties].
 */
type Values = readonly unknown[];
type DocumentArray = [
  records: string[],
  golden: Values | null,
  identifiers: [string, string, string | null][],
  consents: [string, string, string, string][],
  current: [string, string, string | null, string | null, string | null][],
  classes: Values | null,
  digital: Values | null,
  offers: Values[],
  channels: Values[],
  events: [string, string, string | null, string, string | null][],
];

function row(columns: readonly string[], values: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) out[columns[i] ?? ''] = values[i];
  return out;
}

/** A document's text back into the parts both profile roads assemble (assembleProfile). */
export function decodeDocument(text: string, layout: DocumentLayout): Omit<ProfileParts, 'personId'> {
  const [records, golden, identifiers, consents, current, classes, digital, offers, channels, events] = JSON.parse(text) as DocumentArray;
  return {
    records,
    golden: golden === null ? null : row(layout.golden, golden),
    identifiers: identifiers.map(([type, value, source]) => ({ type, value, source })),
    consents: consents.map(([channel, status, at, source]) => ({ channel, status, at, source })),
    currentConsents: current.map(([channel, status, at, source, record]) => ({ channel, status, at, source, record })),
    classes: classes === null ? null : row(layout.classes, classes),
    digital: digital === null ? null : row(layout.digital, digital),
    offers: offers.map((o) => row(layout.offers, o)),
    channels: channels.map((c) => row(layout.channels, c)),
    events: events.map(([message_id, type, event, timestamp, properties]) => ({ message_id, type, event, timestamp, properties })),
  };
}
