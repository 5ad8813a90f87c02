/**
 * Navigation of web users: sessions before their web orders, browsing with key pages, quotes,
 * searches and abandoned carts; anonymous until a login links the device's anonymous id to the
 * account (an identifiers row); plus visitors who never identify themselves.
 */
import { CATEGORIES, CATEGORY_COUNT } from './catalogue.js';
import { DAY, END, WEEK, formatTimestamp } from './calendar.js';
import { poisson, weightedIndex } from './distributions.js';
import type { CustomerRecord, Order, Person } from './person.js';
import { hex48, type Rng } from './prng.js';
import { text, type Rows } from './rows.js';
import type { World } from './world.js';

const BROWSE_PER_WEEK = [0.06, 0.025, 0.01, 0];
const DEVICE_KEY = 101;
const SESSION_KEY = 202;
const MAX_SESSIONS = 4096;
const KEY_PAGES = ['/offers', '/loyalty', '/stores', '/quote'];

interface Device {
  readonly id: string;
  /** When it was first linked to the account (a login), Infinity if never. */
  readonly linkedAt: number;
}

class SessionWriter {
  private sessions = 0;
  constructor(
    private readonly rows: Rows,
    private readonly world: World,
    private readonly rng: Rng,
    private readonly person: number,
  ) {}

  /** Events of one session; `customer` is written on events at or after `loggedInFrom`. */
  write(start: number, device: string, customer: string, loggedInFrom: number, events: readonly WebEvent[]): void {
    if (this.sessions >= MAX_SESSIONS || start < 0) return;
    const session = hex48(this.world.seed + SESSION_KEY, this.person * MAX_SESSIONS + this.sessions++);
    let at = start;
    let n = 0;
    for (const e of events) {
      if (at >= END) return;
      const who = customer !== '' && at >= loggedInFrom ? customer : '';
      this.rows.tables.web_events.add(
        `${session}-${++n},${who},${device},${formatTimestamp(at)},${e.type},${e.page},${e.sku},${e.search},${session}\n`,
      );
      at += 8 + this.rng.next() * 110;
    }
  }
}

interface WebEvent {
  readonly type: 'page_view' | 'key_page' | 'quote_started' | 'search' | 'cart_add';
  readonly page: string;
  readonly sku: string;
  readonly search: string;
}

const event = (type: WebEvent['type'], page: string, sku = '', search = ''): WebEvent => ({ type, page, sku, search });

function favouriteCategory(rng: Rng, person: Person): number {
  return weightedIndex(rng, person.profile.preferences);
}

function productSku(world: World, rng: Rng, category: number): string {
  return rng.pick(world.catalogue.byCategory[category] ?? []).sku;
}

function browseEvents(world: World, rng: Rng, person: Person): WebEvent[] {
  const events: WebEvent[] = [event('page_view', '/')];
  const views = 1 + rng.int(5);
  for (let k = 0; k < views; k++) {
    const c = favouriteCategory(rng, person);
    if (rng.chance(0.4)) events.push(event('page_view', `/c/${CATEGORIES[c]?.name ?? 'home'}`));
    else {
      const sku = productSku(world, rng, c);
      events.push(event('page_view', `/p/${sku}`, sku));
    }
  }
  if (rng.chance(0.35)) {
    const c = favouriteCategory(rng, person);
    events.splice(1, 0, event('search', '/search', '', text(rng.pick(CATEGORIES[c]?.searches ?? ['promo']))));
  }
  if (rng.chance(0.25)) {
    const prefs = person.profile.preferences;
    const projects = (prefs[2] ?? 0) + (prefs[3] ?? 0);
    const page = rng.chance(0.15 + projects) ? '/quote' : rng.pick(KEY_PAGES.slice(0, 3));
    events.push(event('key_page', page));
    if (page === '/quote' && rng.chance(0.4)) events.push(event('quote_started', rng.chance(0.5) ? '/quote/kitchen' : '/quote/diy'));
  }
  if (rng.chance(0.15)) {
    const sku = productSku(world, rng, favouriteCategory(rng, person));
    events.push(event('cart_add', '/cart', sku));
  }
  return events;
}

function orderEvents(world: World, rng: Rng, order: Order): WebEvent[] {
  const events: WebEvent[] = [event('page_view', '/')];
  if (rng.chance(0.2)) events.push(event('key_page', '/offers'));
  for (const line of order.lines) {
    if (rng.chance(0.5)) events.push(event('search', '/search', '', text(rng.pick(CATEGORIES[line.product.category]?.searches ?? ['promo']))));
    events.push(event('page_view', `/p/${line.product.sku}`, line.product.sku), event('cart_add', '/cart', line.product.sku));
  }
  return events;
}

/** Web events of a person with a web account, and the anonymous ids linked to it. */
export function writeWeb(rows: Rows, world: World, rng: Rng, person: Person, web: CustomerRecord, orders: readonly Order[]): void {
  const type = person.base.typeIndex;
  const active = Math.min(END, person.deathAt + 12 * WEEK);
  const deviceCount = 1 + (type === 0 ? 1 + (rng.chance(0.5) ? 1 : 0) : type === 1 && rng.chance(0.4) ? 1 : 0);
  const devices: Device[] = [];
  for (let d = 0; d < deviceCount; d++) {
    const linkedAt = d === 0 ? web.signupAt : web.signupAt + rng.next() * Math.max(DAY, active - web.signupAt);
    const id = hex48(world.seed + DEVICE_KEY, person.index * 16 + d);
    devices.push({ id, linkedAt });
    if (linkedAt < END) web.identifiers.push({ type: 'anonymous_id', value: id, at: linkedAt });
  }
  const writer = new SessionWriter(rows, world, rng, person.index);
  const first = devices[0];
  if (!first) return;
  // Anonymous browsing before the account exists, linked by the login that creates it.
  if (rng.chance(0.6)) {
    for (let k = 1 + rng.int(2); k > 0; k--) {
      writer.write(web.signupAt - rng.next() * 21 * DAY, first.id, '', Infinity, browseEvents(world, rng, person));
    }
  }
  for (const order of orders) {
    if (order.channel !== 'web') continue;
    const events = orderEvents(world, rng, order);
    const device = devices.find((d) => d.linkedAt <= order.at) ?? first;
    const loggedIn = Math.max(web.signupAt, device.linkedAt);
    writer.write(order.at - events.length * 120 - 60 - rng.next() * 600, device.id, web.id, loggedIn, events);
  }
  const sessions = poisson(rng, ((BROWSE_PER_WEEK[type] ?? 0) * Math.max(0, active - web.signupAt)) / WEEK);
  for (let k = 0; k < sessions; k++) {
    const device = devices[rng.int(devices.length)] ?? first;
    const at = web.signupAt + rng.next() * (active - web.signupAt);
    const loggedIn = rng.chance(0.7) ? device.linkedAt : Infinity;
    writer.write(at, device.id, web.id, loggedIn, browseEvents(world, rng, person));
  }
}

/** Visitors who browse without ever logging in: their anonymous ids stay unlinked. */
export function writeAnonymousVisitor(rows: Rows, world: World, rng: Rng, index: number): void {
  if (!rng.chance(0.25)) return;
  const device = hex48(world.seed + DEVICE_KEY, index * 16 + 15);
  const writer = new SessionWriter(rows, world, rng, index + 0x40000000);
  for (let k = 1 + poisson(rng, 0.8); k > 0; k--) {
    const events: WebEvent[] = [event('page_view', '/')];
    for (let v = rng.int(4); v > 0; v--) {
      const sku = productSku(world, rng, rng.int(CATEGORY_COUNT));
      events.push(event('page_view', `/p/${sku}`, sku));
    }
    writer.write(rng.next() * (END - DAY), device, '', Infinity, events);
  }
}
