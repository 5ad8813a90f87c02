import type { TrackedEvent } from './envelope.js';
import { ensureRecord, mapAlias, mapIdentify, recordIdOf } from './map-customer.js';
import { addWebEvent, mapTrack, type MapResult } from './map-track.js';
import { RowSet } from './rows.js';
import { obj, pathOf, text } from './values.js';

export interface MappingOptions {
  /** Path prefixes of key pages (server.keyPages in the configuration). */
  readonly keyPages: readonly string[];
}

export function isKeyPage(path: string | null, keyPages: readonly string[]): boolean {
  if (path === null) return false;
  return keyPages.some((prefix) => path.startsWith(prefix.replace(/\*+$/, '')));
}

function mapPage(rows: RowSet, event: TrackedEvent, options: MappingOptions): MapResult {
  const props = obj((event.message as { properties?: unknown }).properties);
  const page =
    pathOf(props.path) ??
    pathOf(obj(obj(event.message.context).page).path) ??
    pathOf(props.url) ??
    (event.type === 'screen' ? text(event.event) : null);
  addWebEvent(rows, event, isKeyPage(page, options.keyPages) ? 'key_page' : 'page_view', { page });
  return { tables: event.userId !== null ? ['customers', 'identifiers', 'web_events'] : ['web_events'] };
}

function mapOne(rows: RowSet, event: TrackedEvent, options: MappingOptions): MapResult {
  switch (event.type) {
    case 'identify':
      return { tables: mapIdentify(rows, event) };
    case 'alias':
      return { tables: mapAlias(rows, event) };
    case 'track':
      return mapTrack(rows, event);
    case 'page':
    case 'screen':
      return mapPage(rows, event, options);
    case 'group':
      return { raw: 'group calls are kept raw (a company is not a customer record)' };
  }
}

function eventPayload(event: TrackedEvent): unknown {
  const m = event.message as Record<string, unknown>;
  switch (event.type) {
    case 'identify':
      return m.traits ?? {};
    case 'group':
      return { groupId: m.groupId, traits: m.traits ?? {} };
    case 'alias':
      return { previousId: m.previousId };
    default:
      return m.properties ?? {};
  }
}

/**
 * Maps events, in the order given (oldest first, so later traits win), into datamart rows.
 * Every event also gets an `events` row; those no rule maps get a `raw_events` row with why.
 */
export function mapEvents(events: readonly TrackedEvent[], options: MappingOptions): RowSet {
  const rows = new RowSet();
  for (const event of events) {
    const result = mapOne(rows, event, options);
    // A known user always has a record; an anonymous visitor only when the event needed one.
    if ('raw' in result && event.userId !== null) ensureRecord(rows, event);
    const attached = event.userId !== null || ('tables' in result && result.tables.includes('customers'));
    const customerId = attached ? recordIdOf(event) : null;
    const context = event.message.context;
    if ('raw' in result) {
      rows.add('raw_events', {
        message_id: event.messageId,
        type: event.type,
        event: event.event,
        customer_id: customerId,
        anonymous_id: event.anonymousId,
        timestamp: event.timestamp,
        reason: result.raw,
        payload: JSON.stringify(event.message),
      });
    }
    rows.add('events', {
      message_id: event.messageId,
      type: event.type,
      event: event.event,
      user_id: event.userId,
      anonymous_id: event.anonymousId,
      customer_id: customerId,
      timestamp: event.timestamp,
      original_timestamp: event.originalTimestamp,
      sent_at: event.sentAt,
      received_at: event.receivedAt,
      properties: JSON.stringify(eventPayload(event)),
      context: context !== undefined ? JSON.stringify(context) : null,
      mapped_to: 'raw' in result ? 'raw_events' : [...new Set(result.tables)].join(','),
      key_id: event.keyId,
    });
  }
  return rows;
}
