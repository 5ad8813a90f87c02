import type { RESPONSE_TYPES } from '../../store/index.js';
import { ORDER_CHANNELS } from '../../store/index.js';
import type { TrackedEvent } from './envelope.js';
import { addConsents, ensureRecord, EVENT_SOURCE } from './map-customer.js';
import type { RowSet } from './rows.js';
import { firstText, num, obj, pathOf, text, type Json } from './values.js';

/** A mapping result: the tables fed, or why the event stays raw. */
export type MapResult = { tables: string[] } | { raw: string };

const UNSPECIFIED_SKU = 'UNSPECIFIED';

function properties(event: TrackedEvent): Json {
  return obj((event.message as { properties?: unknown }).properties);
}

function context(event: TrackedEvent): Json {
  return obj(event.message.context);
}

/**
 * The campaign an order or an email event answers: properties.campaign_id, else Segment's
 * context.campaign (the UTM parameters of the link followed: a sender puts the Fidelis campaign id
 * in utm_campaign), so a reaction to a planned contact closes the loop either way.
 */
function campaignOf(event: TrackedEvent, props: Json): string | null {
  return firstText(props, 'campaign_id', 'campaignId') ?? firstText(obj(context(event).campaign), 'id', 'name');
}

/** 'app' when the context says a mobile app sent it (context.app, or an iOS/Android device), else 'web'. */
function orderChannel(event: TrackedEvent, props: Json): string {
  const declared = text(props.channel)?.toLowerCase();
  if (declared && (ORDER_CHANNELS as readonly string[]).includes(declared)) return declared;
  const ctx = context(event);
  const deviceType = text(obj(ctx.device).type)?.toLowerCase() ?? '';
  const osName = text(obj(ctx.os).name)?.toLowerCase() ?? '';
  if (Object.keys(obj(ctx.app)).length > 0 || /ios|android/.test(deviceType) || /ios|android/.test(osName)) return 'app';
  return 'web';
}

/** Order Completed: the order, its lines, and products not known yet. */
export function mapOrderCompleted(rows: RowSet, event: TrackedEvent): MapResult {
  const props = properties(event);
  const customerId = ensureRecord(rows, event);
  const orderId = firstText(props, 'order_id', 'orderId', 'checkout_id') ?? event.messageId;
  rows.add('orders', {
    order_id: orderId,
    customer_id: customerId,
    ordered_at: event.timestamp,
    channel: orderChannel(event, props),
    store_id: firstText(props, 'store_id', 'storeId'),
    campaign_id: campaignOf(event, props),
  });
  const products = Array.isArray(props.products) ? props.products.map(obj) : [];
  if (products.length === 0) {
    // An order without its products still counts: one line of its total, as a sales export does.
    products.push({ sku: UNSPECIFIED_SKU, name: 'Unspecified', price: num(props.revenue) ?? num(props.total) ?? num(props.value) ?? 0 });
  }
  products.forEach((product, i) => {
    const sku = firstText(product, 'sku', 'product_id', 'productId', 'id') ?? UNSPECIFIED_SKU;
    const price = num(product.price);
    const quantity = Math.trunc(num(product.quantity) ?? 1);
    rows.add('products', {
      sku,
      name: text(product.name) ?? sku,
      category: text(product.category) ?? 'unknown',
      price: price !== null && price >= 0 ? price : null,
    });
    const cost = num(product.cost);
    rows.add('order_lines', {
      order_id: orderId,
      line_no: i + 1,
      sku,
      quantity: quantity >= 1 ? quantity : 1,
      unit_price: price !== null && price >= 0 ? price : 0,
      discount: null,
      unit_cost: cost !== null && cost >= 0 ? cost : null,
    });
  });
  return { tables: ['customers', 'identifiers', 'orders', 'order_lines', 'products'] };
}

/** Session id: Segment has none of its own; properties.session_id or context.sessionId by convention. */
function sessionOf(event: TrackedEvent, props: Json): string | null {
  return firstText(props, 'session_id', 'sessionId') ?? firstText(context(event), 'sessionId', 'session_id');
}

/**
 * A web event. Its customer_id is set only for a known user: an anonymous visitor's views stay
 * anonymous (anonymous_id) until an identifier links that id to a customer.
 */
export function addWebEvent(rows: RowSet, event: TrackedEvent, type: string, fields: { page?: string | null; sku?: string | null; searchTerm?: string | null }): void {
  const props = properties(event);
  const customerId = event.userId !== null ? ensureRecord(rows, event) : null;
  rows.add('web_events', {
    event_id: event.messageId,
    customer_id: customerId,
    anonymous_id: event.anonymousId,
    at: event.timestamp,
    type,
    page: fields.page ?? pathOf(props.path) ?? pathOf(obj(context(event).page).path) ?? pathOf(props.url),
    sku: fields.sku ?? null,
    search_term: fields.searchTerm ?? null,
    session_id: sessionOf(event, props),
  });
}

const WEB_TRACKS: Record<string, string> = {
  'Product Viewed': 'page_view',
  'Product Clicked': 'page_view',
  'Product Added': 'cart_add',
  'Checkout Started': 'quote_started',
  'Products Searched': 'search',
};

const EMAIL_RESPONSES: Record<string, (typeof RESPONSE_TYPES)[number]> = {
  'Email Delivered': 'delivered',
  'Email Opened': 'opened',
  'Email Link Clicked': 'clicked',
  'Email Bounced': 'bounced',
  Unsubscribed: 'unsubscribed',
};

/** Email events (Segment's email spec): the campaign, the contact and the response. */
export function mapEmailEvent(rows: RowSet, event: TrackedEvent, type: (typeof RESPONSE_TYPES)[number]): MapResult {
  const props = properties(event);
  const emailId = firstText(props, 'email_id', 'emailId');
  const campaignId = campaignOf(event, props) ?? (emailId !== null ? `email:${emailId}` : null);
  if (campaignId === null) return { raw: 'an email event needs properties.campaign_id, context.campaign or properties.email_id' };
  const customerId = ensureRecord(rows, event);
  const contactId = firstText(props, 'contact_id', 'contactId') ?? `evt:${campaignId}:${emailId ?? ''}:${customerId}`;
  rows.add('campaigns', {
    campaign_id: campaignId,
    name: firstText(props, 'campaign_name', 'campaignName', 'email_subject') ?? campaignId,
    channel: 'email',
    objective: null,
    started_at: event.timestamp,
  });
  rows.add('contacts', { contact_id: contactId, customer_id: customerId, campaign_id: campaignId, channel: 'email', sent_at: event.timestamp, unit_cost: null });
  rows.add('responses', { contact_id: contactId, type, at: event.timestamp });
  const tables = ['customers', 'identifiers', 'campaigns', 'contacts', 'responses'];
  if (type === 'unsubscribed') {
    addConsents(rows, customerId, { email: 'opt_out' }, event.timestamp, EVENT_SOURCE);
    tables.push('consents');
  }
  return { tables };
}

/** track: by event name (Segment's e-commerce v2 and email specs); other names stay raw. */
export function mapTrack(rows: RowSet, event: TrackedEvent): MapResult {
  const name = event.event ?? '';
  if (name === 'Order Completed') return mapOrderCompleted(rows, event);
  const webType = WEB_TRACKS[name];
  if (webType !== undefined) {
    const props = properties(event);
    addWebEvent(rows, event, webType, {
      sku: firstText(props, 'sku', 'product_id', 'productId'),
      searchTerm: name === 'Products Searched' ? firstText(props, 'query', 'search_term') : null,
    });
    return { tables: event.userId !== null ? ['customers', 'identifiers', 'web_events'] : ['web_events'] };
  }
  const response = EMAIL_RESPONSES[name];
  if (response !== undefined) return mapEmailEvent(rows, event, response);
  return { raw: `no mapping for track event "${name}"` };
}
