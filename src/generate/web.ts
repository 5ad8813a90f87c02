import type { Order } from './commerce.js';
import { CATEGORIES, pickProduct, type Product } from './catalogue.js';
import { newRecord, type CustomerRecord } from './identity.js';
import type { DigitalType, Person } from './people.js';
import { HORIZON, WEEK } from './timeline.js';
import type { World } from './world.js';

const BROWSING_PER_WEEK: Record<DigitalType, number> = { technophile: 0.12, technomouton: 0.04, 'techno-no': 0.008, technonul: 0 };
const KEY_PAGES = ['/loyalty', '/offers', '/services/kitchen-design', '/store-locator', '/services/garden-design'];

interface Session {
  readonly at: number;
  readonly order: Order | null;
}

/**
 * Web and app navigation of one person. Sessions before he has an account, or without logging in,
 * carry only a device id; the device is linked to the account by an identifier row when he first
 * logs in with it (the anonymous history is then identified later). Returns the web record, which
 * browsing may have created.
 */
export function writeWeb(
  world: World,
  person: Person,
  orders: readonly Order[],
  webRecord: CustomerRecord | undefined,
  birth: number,
  death: number,
): CustomerRecord | undefined {
  const { rng } = world;
  const sessions: Session[] = orders.filter((o) => o.channel === 'web' || o.channel === 'app').map((o) => ({ at: o.at - 60 * (5 + rng.int(35)), order: o }));
  const start = person.type === 'technophile' || person.type === 'technomouton' ? Math.max(0, birth - 8 * WEEK) : birth;
  const end = Math.min(HORIZON, death + 8 * WEEK);
  const browsing = Math.min(25, rng.poisson((BROWSING_PER_WEEK[person.type] * Math.max(0, end - start)) / WEEK));
  for (let i = 0; i < browsing; i++) sessions.push({ at: start + rng.next() * (end - start), order: null });
  if (sessions.length === 0) return webRecord;
  sessions.sort((a, b) => a.at - b.at);

  let record = webRecord;
  if (!record && browsing > 0 && (person.type === 'technophile' || person.type === 'technomouton') && rng.chance(0.25)) {
    const signup = sessions[rng.int(sessions.length)] as Session;
    record = newRecord(world, 'web', Math.max(0, signup.at));
    record.identifiers.push({ type: 'account_id', value: `ACC-${record.id.slice(1)}`, at: record.createdAt });
  }
  const devices = Array.from({ length: 1 + rng.weighted([0.5, 0.35, 0.15]) }, () => `anon-${rng.uint32().toString(16).padStart(8, '0')}${rng.uint32().toString(16).padStart(8, '0')}`);
  const linked = new Set<string>();
  for (const session of sessions) {
    const device = rng.pick(devices);
    const loggedIn = record !== undefined && session.at >= record.createdAt && (session.order !== null || rng.chance(0.7));
    if (loggedIn && record && !linked.has(device)) {
      linked.add(device);
      record.identifiers.push({ type: 'anonymous_id', value: device, at: Math.max(session.at, 0) });
    }
    writeSession(world, person, session, loggedIn && record ? record.id : '', device);
  }
  if (rng.chance(0.1)) {
    const stranger = `anon-${rng.uint32().toString(16).padStart(8, '0')}ffff0000`;
    writeSession(world, person, { at: rng.next() * HORIZON, order: null }, '', stranger);
  }
  return record;
}

function writeSession(world: World, person: Person, session: Session, customerId: string, device: string): void {
  const { rng, time, tables } = world;
  if (session.at < 0 || session.at >= HORIZON) return;
  const sessionId = world.nextId('ses-', 9);
  let at = session.at;
  const event = (type: string, page: string, sku = '', term = ''): void => {
    at += 5 + rng.int(90);
    if (at >= HORIZON) return;
    tables.web_events.row(`${world.nextId('E', 10)},${customerId},${device},${time.timestamp(at)},${type},${page},${sku},${term},${sessionId}`);
  };
  const category = CATEGORIES[rng.weighted(person.preferences)] ?? CATEGORIES[0];
  event('page_view', '/');
  if (rng.chance(0.3) && category) event('search', '/search', '', rng.pick(category.nouns).toLowerCase());
  const views = rng.poisson(1.5);
  for (let i = 0; i < views; i++) {
    const range = world.byCategory[rng.weighted(person.preferences)] as Product[];
    const product = pickProduct(rng, range);
    event('page_view', `/p/${product.sku}`, product.sku);
    if (!session.order && rng.chance(0.08)) event('cart_add', '/cart', product.sku);
  }
  if (rng.chance(person.type === 'technophile' ? 0.25 : 0.12)) {
    const page = rng.pick(KEY_PAGES);
    event('key_page', page);
    if (page.startsWith('/services') && rng.chance(0.3)) event('quote_started', `${page}/quote`);
  }
  if (session.order) for (const line of session.order.lines) event('cart_add', '/cart', line.product.sku);
}
