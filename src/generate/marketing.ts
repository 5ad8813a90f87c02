import type { Order } from './commerce.js';
import type { CustomerRecord } from './identity.js';
import type { DigitalType, Person } from './people.js';
import { DAY, HORIZON, WEEK } from './timeline.js';
import type { Campaign, ContactChannel, World } from './world.js';

const OPT_IN: Record<DigitalType, Record<ContactChannel, number>> = {
  technophile: { email: 0.85, sms: 0.45, mail: 0.5 },
  technomouton: { email: 0.75, sms: 0.4, mail: 0.6 },
  'techno-no': { email: 0.55, sms: 0.3, mail: 0.65 },
  technonul: { email: 0.3, sms: 0.2, mail: 0.7 },
};
const OPEN_RATE: Record<DigitalType, number> = { technophile: 0.45, technomouton: 0.3, 'techno-no': 0.12, technonul: 0.05 };
const TARGETING: Record<string, number> = { newsletter: 0.5, promotion: 0.3, cross_sell: 0.2, catalogue: 0.5 };

interface Permission {
  readonly record: CustomerRecord;
  readonly from: number;
  until: number;
}

function hasIdentifier(record: CustomerRecord, type: string): boolean {
  return record.identifiers.some((i) => i.type === type);
}

/**
 * Consents, contacts and reactions of one person. Reactions depend on his digital type and on
 * whether the channel is the one he prefers; a click followed by a purchase within a week is a
 * conversion, and the order is attributed to the campaign.
 */
export function writeMarketing(world: World, person: Person, records: readonly CustomerRecord[], orders: readonly Order[]): void {
  const { rng, time, tables } = world;
  const byChannel: Record<ContactChannel, CustomerRecord | undefined> = {
    email: records.find((r) => r.source === 'web') ?? records.find((r) => hasIdentifier(r, 'email')),
    sms: records.find((r) => hasIdentifier(r, 'phone')),
    mail: records.find((r) => r.source === 'store') ?? records[0],
  };
  const permissions: Partial<Record<ContactChannel, Permission>> = {};
  for (const channel of ['email', 'sms', 'mail'] as const) {
    const record = byChannel[channel];
    if (!record) continue;
    const source = record.source === 'web' ? 'web_form' : record.source;
    if (rng.chance(OPT_IN[person.type][channel])) {
      tables.consents.row(`${record.id},${channel},opt_in,${time.timestamp(record.createdAt)},${source}`);
      const permission: Permission = { record, from: record.createdAt, until: HORIZON };
      if (rng.chance(0.03)) {
        permission.until = record.createdAt + rng.next() * (HORIZON - record.createdAt);
        tables.consents.row(`${record.id},${channel},opt_out,${time.timestamp(permission.until)},${source}`);
      }
      permissions[channel] = permission;
    } else if (rng.chance(0.5)) {
      tables.consents.row(`${record.id},${channel},opt_out,${time.timestamp(record.createdAt)},${source}`);
    }
  }
  let orderIndex = 0;
  for (const campaign of world.campaigns) {
    const permission = permissions[campaign.channel];
    if (!permission || campaign.at < permission.from || campaign.at >= permission.until) continue;
    while (orderIndex < orders.length && (orders[orderIndex] as Order).at < campaign.at) orderIndex++;
    if (!targeted(world, campaign, orders, orderIndex)) continue;
    contact(world, person, campaign, permission, orders, orderIndex);
  }
}

function targeted(world: World, campaign: Campaign, orders: readonly Order[], nextOrder: number): boolean {
  if (campaign.objective === 'reactivation') {
    const last = orders[nextOrder - 1];
    return last !== undefined && campaign.at - last.at > 26 * WEEK;
  }
  return world.rng.chance(TARGETING[campaign.objective] ?? 0.3);
}

function contact(world: World, person: Person, campaign: Campaign, permission: Permission, orders: readonly Order[], nextOrder: number): void {
  const { rng, time, tables } = world;
  const id = world.nextId('K', 10);
  tables.contacts.row(
    `${id},${permission.record.id},${campaign.id},${campaign.channel},${time.timestamp(campaign.at)},${rng.chance(0.9) ? campaign.unitCost.toFixed(3) : ''}`,
  );
  const respond = (type: string, at: number): void => {
    if (at < HORIZON) tables.responses.row(`${id},${type},${time.timestamp(at)}`);
  };
  const boost = person.preferredChannel === campaign.channel ? 1.8 : 0.7;
  if (rng.chance(campaign.channel === 'email' ? 0.02 : 0.03)) {
    respond('bounced', campaign.at + 60);
    return;
  }
  const delivered = campaign.at + 60 + rng.int(600);
  respond('delivered', delivered);
  let trigger: number | null = null;
  if (campaign.channel === 'email') {
    if (rng.chance(Math.min(0.9, OPEN_RATE[person.type] * boost))) {
      const opened = delivered + rng.exponential(1 / (8 * 3600));
      respond('opened', opened);
      if (rng.chance(Math.min(0.7, 0.2 * boost))) {
        trigger = opened + 60 + rng.int(600);
        respond('clicked', trigger);
      }
      if (rng.chance(person.type === 'technonul' ? 0.02 : boost > 1 ? 0.002 : 0.006)) {
        const at = opened + 120;
        respond('unsubscribed', at);
        if (at < permission.until) {
          permission.until = at;
          tables.consents.row(`${permission.record.id},email,opt_out,${time.timestamp(at)},unsubscribe_link`);
        }
      }
    }
  } else if (campaign.channel === 'sms') {
    if (rng.chance(Math.min(0.5, 0.06 * boost))) {
      trigger = delivered + rng.exponential(1 / 3600);
      respond('clicked', trigger);
    }
  } else if (rng.chance(Math.min(0.9, 0.3 * boost))) {
    trigger = campaign.at + 2 * DAY;
  }
  if (trigger === null) return;
  const window = campaign.channel === 'mail' ? 21 * DAY : 7 * DAY;
  for (let i = nextOrder; i < orders.length; i++) {
    const order = orders[i] as Order;
    if (order.at <= trigger) continue;
    if (order.at > trigger + window) break;
    if (order.campaignId === '' && rng.chance(0.8)) {
      order.campaignId = campaign.id;
      respond('converted', order.at);
    }
    break;
  }
}
