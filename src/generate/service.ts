import type { Order } from './commerce.js';
import type { CustomerRecord } from './identity.js';
import type { Person } from './people.js';
import { DAY, HORIZON } from './timeline.js';
import type { World } from './world.js';

const TICKET_TYPES = ['information', 'delivery', 'billing', 'defect', 'complaint'];
const TICKET_BASE_COST = [3.5, 8, 6, 14, 22];
const CHANNEL_COST_FACTOR: Record<string, number> = { phone: 1.3, store: 1, email: 0.8, chat: 0.6, web: 0.5 };

function clamp(x: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, x));
}

/** Tickets and surveys of a person: costly customers call, complain and are less satisfied. */
export function writeService(world: World, person: Person, orders: readonly Order[], fallback: CustomerRecord): void {
  const { rng, time, tables } = world;
  const ticketRate = person.costly ? 0.7 : 0.03;
  const typeWeights = person.costly ? [0.1, 0.25, 0.1, 0.3, 0.25] : [0.35, 0.3, 0.1, 0.15, 0.1];
  const channelWeights = person.type === 'technophile' || person.type === 'technomouton' ? [0.2, 0.35, 0.3, 0.05, 0.1] : [0.6, 0.1, 0.02, 0.28, 0];
  const channels = ['phone', 'email', 'chat', 'store', 'web'];
  const ticket = (at: number, record: CustomerRecord, orderId: string): void => {
    if (at >= HORIZON) return;
    const type = rng.weighted(typeWeights);
    const channel = channels[rng.weighted(channelWeights)] as string;
    const cost = (TICKET_BASE_COST[type] as number) * (CHANNEL_COST_FACTOR[channel] ?? 1) * (0.7 + 0.6 * rng.next());
    const satisfaction = Math.round(clamp((person.costly ? 2.3 : 4) + rng.normal(), 1, 5));
    const id = world.nextId('T', 8);
    tables.tickets.row(
      `${id},${record.id},${time.timestamp(at)},${time.timestamp(at + (0.1 + rng.exponential(1 / 30)) * 3600)},${TICKET_TYPES[type]},${channel},${rng.chance(0.8) ? cost.toFixed(2) : ''},${rng.chance(0.7) ? satisfaction : ''},${orderId}`,
    );
    if (rng.chance(0.35)) {
      tables.surveys.row(`${world.nextId('Q', 9)},${record.id},${time.timestamp(at + 2 * DAY)},csat,${satisfaction},`);
    }
  };
  for (const order of orders) {
    if (!order.record) continue;
    if (rng.chance(ticketRate)) ticket(order.at + rng.next() * 10 * DAY, order.record, order.id);
    if (person.costly && rng.chance(0.3)) ticket(order.at + rng.next() * 20 * DAY, order.record, order.id);
    if (rng.chance(0.06)) {
      const mean = person.costly ? 4.5 : person.faithfulSmall ? 9 : 8;
      const score = Math.round(clamp(mean + 1.6 * rng.normal(), 0, 10));
      const at = order.at + 3 * DAY;
      if (at < HORIZON) tables.surveys.row(`${world.nextId('Q', 9)},${order.record.id},${time.timestamp(at)},nps,${score},`);
    }
  }
  if (rng.chance(0.04)) ticket(fallback.createdAt + rng.next() * (HORIZON - fallback.createdAt), fallback, '');
}
