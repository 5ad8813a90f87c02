import { pickProduct, type Product } from './catalogue.js';
import type { CustomerRecord } from './identity.js';
import type { DigitalType, Person } from './people.js';
import type { Rng } from './random.js';
import { APP_LAUNCH, DAY, HORIZON, inSales } from './timeline.js';
import { csvText, money } from './writer.js';
import type { World } from './world.js';

export type OrderChannel = 'store' | 'web' | 'phone' | 'app';

export interface OrderLine {
  readonly product: Product;
  readonly quantity: number;
  readonly discount: number;
}

export interface Order {
  readonly id: string;
  readonly at: number;
  readonly channel: OrderChannel;
  record: CustomerRecord | null;
  readonly lines: OrderLine[];
  campaignId: string;
}

/** When the person starts using the app (Infinity: never), from his digital type. */
export function appAdoption(rng: Rng, type: DigitalType): number {
  if (type === 'technophile') return APP_LAUNCH + rng.exponential(1 / (3 * 7 * DAY));
  if (type === 'technomouton' && rng.chance(0.6)) return APP_LAUNCH + (26 + rng.next() * 30) * 7 * DAY;
  return Infinity;
}

/** Channel of a purchase: technophiles buy online, followers move online over time, the others stay in store. */
export function orderChannel(rng: Rng, type: DigitalType, at: number, adoption: number): OrderChannel {
  const progress = at / HORIZON;
  const app = at >= adoption;
  switch (type) {
    case 'technophile':
      return pickChannel(rng, app ? [0.15, 0.4, 0, 0.45] : [0.25, 0.75, 0, 0]);
    case 'technomouton':
      return pickChannel(rng, app ? [0.35, 0.35, 0.02, 0.28] : [0.75 - 0.35 * progress, 0.23 + 0.35 * progress, 0.02, 0]);
    case 'techno-no':
      return pickChannel(rng, [0.82, 0.12, 0.06, 0]);
    case 'technonul':
      return pickChannel(rng, [0.85, 0, 0.15, 0]);
  }
}

const CHANNELS: readonly OrderChannel[] = ['store', 'web', 'phone', 'app'];
function pickChannel(rng: Rng, weights: number[]): OrderChannel {
  return CHANNELS[rng.weighted(weights)] as OrderChannel;
}

/** Lines of a basket worth about `value`, drawn from the person's ranges. */
export function basket(world: World, person: Person, value: number, at: number): OrderLine[] {
  const { rng } = world;
  const count = Math.min(5, 1 + rng.poisson(value > 150 ? 1.2 : 0.5));
  const lines: OrderLine[] = [];
  const sales = inSales(at);
  for (let i = 0; i < count; i++) {
    const category = rng.weighted(person.preferences);
    const product = pickProduct(rng, world.byCategory[category] as Product[]);
    const share = value / count;
    const quantity = Math.max(1, Math.min(8, Math.round(share / product.price)));
    const discountRate = sales && rng.chance(0.45) ? rng.pick([0.1, 0.2, 0.3]) : rng.chance(0.05) ? 0.1 : 0;
    lines.push({ product, quantity, discount: Math.round(quantity * product.price * discountRate * 100) / 100 });
  }
  return lines;
}

export function orderRevenue(order: Order): number {
  return order.lines.reduce((s, l) => s + l.quantity * l.product.price - l.discount, 0);
}

/** A time of day for a purchase: store opening hours, evenings online. */
export function purchaseTime(rng: Rng, day: number, channel: OrderChannel): number {
  const hour = channel === 'store' ? 9 + rng.next() * 10 : channel === 'phone' ? 9 + rng.next() * 9 : (rng.chance(0.6) ? 18 + rng.next() * 5 : 7 + rng.next() * 11);
  return day * DAY + Math.floor(hour * 3600);
}

export function writeOrders(world: World, person: Person, orders: readonly Order[], storeOf: (at: number) => string): void {
  const { rng, time, tables } = world;
  const returnRate = person.costly ? 0.3 : 0.03;
  for (const order of orders) {
    if (!order.record) continue;
    tables.orders.row(
      `${order.id},${order.record.id},${time.timestamp(order.at)},${order.channel},${order.channel === 'store' ? storeOf(order.at) : ''},${order.campaignId}`,
    );
    order.lines.forEach((line, i) => {
      tables.order_lines.row(
        `${order.id},${i + 1},${line.product.sku},${line.quantity},${money(line.product.price)},${line.discount > 0 ? money(line.discount) : '0.00'},${rng.chance(0.9) ? money(line.product.unitCost) : ''}`,
      );
      if (rng.chance(returnRate)) {
        const returnedAt = order.at + (2 + rng.next() * 25) * DAY;
        if (returnedAt < HORIZON) {
          const quantity = 1 + rng.int(line.quantity);
          const refund = (line.product.price * quantity * (line.quantity * line.product.price - line.discount)) / (line.quantity * line.product.price);
          const reason = csvText(rng.pick(['defective', 'not as described', 'changed mind', 'wrong size', 'late delivery']));
          tables.returns.row(`${world.nextId('R', 9)},${order.id},${i + 1},${time.timestamp(returnedAt)},${quantity},${money(refund)},${reason}`);
        }
      }
    });
  }
}
