/**
 * Purchases: the channel of each one (digital type, app adoption), its basket (Gamma-Gamma
 * value turned into lines of products from the person's categories) and its returns.
 */
import { CATEGORY_COUNT, priceIndex } from './catalogue.js';
import { APP_LAUNCH, DAY, END, WEEK, WINDOW_DAYS, dayIndex, formatTimestamp, inSales } from './calendar.js';
import { exponential, gamma, weightedIndex } from './distributions.js';
import { PLACES } from './france.js';
import { ORDER_CHANNELS, type Order, type OrderChannel, type OrderLine, type Person } from './person.js';
import { POPULATION } from './population.js';
import type { Rng } from './prng.js';
import { money, text, type Rows } from './rows.js';
import type { World } from './world.js';

/** Technophiles adopt the app within weeks of its launch, technomoutons months later, others never. */
export function drawAppAdoption(rng: Rng, typeIndex: number): number {
  if (typeIndex === 0 && rng.chance(0.85)) return APP_LAUNCH + exponential(rng, 1 / (3 * WEEK));
  if (typeIndex === 1 && rng.chance(0.55)) return APP_LAUNCH + 16 * WEEK + exponential(rng, 1 / (16 * WEEK));
  return Infinity;
}

// Channel weights (store, web, phone, app) by digital type, before and after adopting the app.
const BEFORE_APP: readonly (readonly number[])[] = [[0.33, 0.62, 0.05, 0], [0.6, 0.36, 0.04, 0], [0.82, 0.08, 0.1, 0], [0.85, 0, 0.15, 0]];
const WITH_APP: readonly (readonly number[])[] = [[0.18, 0.3, 0.02, 0.5], [0.36, 0.3, 0.04, 0.3], [0.82, 0.08, 0.1, 0], [0.85, 0, 0.15, 0]];

function channelOf(rng: Rng, person: Person, at: number): OrderChannel {
  const t = person.base.typeIndex;
  let weights = at >= person.appAdoption ? WITH_APP[t] : BEFORE_APP[t];
  // Followers move online as the history goes on.
  if (t === 1 && at < person.appAdoption) weights = [0.7 - (0.25 * at) / END, 0.26 + (0.25 * at) / END, 0.04, 0];
  return ORDER_CHANNELS[weightedIndex(rng, weights ?? [1])] ?? 'store';
}

/** A time of day for a purchase: store opening hours, evenings online, office hours by phone. */
function timeOfDay(rng: Rng, channel: OrderChannel): number {
  if (channel === 'store') return (9 + 10.5 * ((rng.next() + rng.next()) / 2)) * 3600;
  if (channel === 'phone') return (9 + 9 * rng.next()) * 3600;
  return rng.chance(0.6) ? (18 + 5.9 * rng.next()) * 3600 : (7 + 11 * rng.next()) * 3600;
}

/** Orders at the first purchase and at each repeat purchase (times in weeks since START). */
export function planOrders(world: World, rng: Rng, person: Person, repeatWeeks: readonly number[]): Order[] {
  const { p } = POPULATION.gammaGamma;
  const orders: Order[] = [];
  const first = person.base.birthChannel;
  const firstAt = Math.floor(person.base.birth / DAY) * DAY + timeOfDay(rng, first);
  orders.push(newOrder(world, rng, person, firstAt, first, gamma(rng, p, person.base.nu)));
  for (const weeks of repeatWeeks) {
    const day = Math.min(WINDOW_DAYS - 1, Math.floor((weeks * WEEK) / DAY));
    const channel = channelOf(rng, person, day * DAY);
    let at = day * DAY + timeOfDay(rng, channel);
    if (at <= firstAt) at = Math.min(END - 1, firstAt + 60 + rng.next() * 3600);
    orders.push(newOrder(world, rng, person, at, channel, gamma(rng, p, person.base.nu)));
  }
  return orders.sort((a, b) => a.at - b.at);
}

const categoryWeights = new Float64Array(CATEGORY_COUNT);

function newOrder(world: World, rng: Rng, person: Person, at: number, channel: OrderChannel, value: number): Order {
  const { byCategory, prices } = world.catalogue;
  const prefs = person.profile.preferences;
  const season = dayIndex(at) * CATEGORY_COUNT;
  let total = 0;
  for (let c = 0; c < CATEGORY_COUNT; c++) {
    const w = (prefs[c] ?? 0) * (world.categorySeason[season + c] ?? 1);
    categoryWeights[c] = w;
    total += w;
  }
  let count = 1;
  while (count < 4 && rng.next() < Math.min(0.65, value / (value + 80 * count))) count++;
  const sales = inSales(at);
  const lines: OrderLine[] = [];
  for (let k = 0; k < count; k++) {
    const target = (value / count) * (0.5 + rng.next());
    const category = person.profile.singleCategory >= 0 ? person.profile.singleCategory : weightedIndex(rng, categoryWeights, total);
    const list = byCategory[category] ?? [];
    // The product priced just under the target, or one of its neighbours: about unbiased in value.
    const index = Math.min(list.length - 1, Math.max(0, priceIndex(prices[category] ?? new Float64Array(1), target) + rng.int(3) - 1));
    const product = list[index];
    if (!product) continue;
    const most = product.price < 15 ? 6 : product.price < 60 ? 3 : 1;
    const quantity = Math.max(1, Math.min(most, Math.round(target / product.price)));
    const rate = sales ? (rng.chance(0.4) ? rng.pick(SALE_RATES) : 0) : rng.chance(0.07) ? rng.pick(PROMO_RATES) : 0;
    const discount = Math.round(quantity * product.price * rate * 100) / 100;
    lines.push({ product, quantity, unitPrice: product.price, discount });
  }
  const placeIndex = at < person.profile.movedAt ? person.profile.previousPlace : person.profile.place;
  const store = channel !== 'store' ? '' : rng.chance(0.92) ? (PLACES[placeIndex]?.store ?? 'ST01') : `ST${String(1 + rng.int(20)).padStart(2, '0')}`;
  return { at, channel, lines, record: null, id: '', campaignId: '', store };
}

const SALE_RATES = [0.1, 0.2, 0.3, 0.5];
const PROMO_RATES = [0.05, 0.1, 0.15, 0.2];
const STORE_REASONS = ['defective', 'changed mind', 'wrong item', 'damaged'];
const STORE_REASON_WEIGHTS = [0.35, 0.35, 0.1, 0.2];
const REMOTE_REASONS = ['not as described', 'damaged in transit', 'defective', 'wrong size', 'late delivery', 'changed mind'];
const REMOTE_REASON_WEIGHTS = [0.25, 0.2, 0.25, 0.1, 0.1, 0.1];
const RETURN_RATE: Record<OrderChannel, number> = { store: 0.02, web: 0.06, phone: 0.04, app: 0.05 };

/** Share of lines whose cost is left empty (the product's unit cost then applies). */
const COST_LEFT_EMPTY = 0.15;

/** orders, order_lines and returns of the person's orders (ids and records already assigned). */
export function writeOrders(rows: Rows, rng: Rng, person: Person, orders: readonly Order[]): void {
  for (const order of orders) {
    const record = order.record;
    if (!record) continue;
    rows.tables.orders.add(`${order.id},${record.id},${formatTimestamp(order.at)},${order.channel},${order.store},${order.campaignId}\n`);
    const returnRate = RETURN_RATE[order.channel] * (person.base.costly ? 7 : 1);
    for (let k = 0; k < order.lines.length; k++) {
      const line = order.lines[k];
      if (!line) continue;
      const product = line.product;
      const cost = rng.chance(COST_LEFT_EMPTY) ? '' : money(product.unitCost);
      rows.tables.order_lines.add(
        `${order.id},${k + 1},${product.sku},${line.quantity},${money(line.unitPrice)},${money(line.discount)},${cost}\n`,
      );
      if (!rng.chance(returnRate)) continue;
      const store = order.channel === 'store';
      const returnedAt = order.at + (store ? 1 + 13 * rng.next() : 3 + 27 * rng.next()) * DAY;
      if (returnedAt >= END) continue;
      const quantity = line.quantity === 1 || rng.chance(0.6) ? line.quantity : 1 + rng.int(line.quantity);
      const paid = line.unitPrice - line.discount / line.quantity;
      const refund = quantity * paid * (rng.chance(0.05) ? 0.8 : 1);
      const reason = store ? STORE_REASONS[weightedIndex(rng, STORE_REASON_WEIGHTS)] : REMOTE_REASONS[weightedIndex(rng, REMOTE_REASON_WEIGHTS)];
      rows.tables.returns.add(
        `R${order.id.slice(1)}-${k + 1},${order.id},${k + 1},${formatTimestamp(returnedAt)},${quantity},${money(refund)},${text(reason ?? '')}\n`,
      );
    }
  }
}
