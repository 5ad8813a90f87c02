/** Customer service: tickets (with handling costs and satisfaction) and NPS / CSAT surveys. */
import { DAY, END, YEAR_SECONDS, formatTimestamp } from './calendar.js';
import { clamp, exponential, logNormal, normal, poisson, weightedIndex } from './distributions.js';
import type { CustomerRecord, Order, OrderChannel, Person } from './person.js';
import type { Rng } from './prng.js';
import { money, text, type Rows } from './rows.js';
import type { Source } from './world.js';

export const TICKET_TYPES = ['delivery', 'defect', 'billing', 'information', 'complaint'] as const;
/** Handling cost of a ticket by type, in EUR, before the channel factor. */
export const TICKET_COST = [8, 14, 6, 4, 20] as const;
const TICKET_CHANNELS = ['phone', 'email', 'chat', 'store', 'web'] as const;
const CHANNEL_COST_FACTOR = [1.4, 1, 0.8, 1.1, 0.6];
const TICKET_SOURCE: readonly Source[] = ['callcenter', 'web', 'web', 'store', 'web'];
const CHANNEL_BY_TYPE: readonly (readonly number[])[] = [
  [0.15, 0.25, 0.35, 0.05, 0.2],
  [0.3, 0.25, 0.2, 0.15, 0.1],
  [0.45, 0.1, 0.05, 0.35, 0.05],
  [0.6, 0, 0, 0.4, 0],
];
const TYPE_BY_CHANNEL: Record<OrderChannel, readonly number[]> = {
  store: [0, 0.45, 0.1, 0.25, 0.2],
  web: [0.4, 0.2, 0.1, 0.1, 0.2],
  app: [0.4, 0.2, 0.1, 0.1, 0.2],
  phone: [0.3, 0.25, 0.15, 0.15, 0.15],
};
const TICKET_RATE: Record<OrderChannel, number> = { store: 0.015, web: 0.05, app: 0.04, phone: 0.03 };
const OPEN_DELAY_DAYS = [[3, 9], [5, 55], [2, 28], [0, 5], [2, 18]] as const;
const CLOSE_MEAN_DAYS = [2, 5, 3, 0.2, 8];
const SURVEY_RATE: Record<OrderChannel, number> = { store: 0.05, web: 0.09, app: 0.09, phone: 0.05 };
const COMMENTS = [
  ['Livraison en retard, SAV injoignable', 'Produit défectueux, remboursement trop long', 'Très déçu, je ne reviendrai pas'],
  ['Correct, sans plus', "Un peu d'attente en caisse", 'Prix un peu élevés'],
  ['Très bon accueil en magasin', 'Livraison rapide, produit conforme', 'Rien à redire', 'Le vendeur m\'a "vraiment" bien conseillé'],
];

type Records = Partial<Record<Source, CustomerRecord>>;

export function writeService(rows: Rows, rng: Rng, person: Person, orders: readonly Order[], records: Records): void {
  const costly = person.base.costly;
  for (const order of orders) {
    const count = costly ? poisson(rng, 1.2) : rng.chance(TICKET_RATE[order.channel]) ? 1 : 0;
    for (let k = 0; k < count; k++) {
      const weights = TYPE_BY_CHANNEL[order.channel].map((w, t) => (costly && (t === 1 || t === 4) ? w * 2.5 : w));
      const type = weightedIndex(rng, weights);
      const [lo, hi] = OPEN_DELAY_DAYS[type] ?? [1, 5];
      ticket(rows, rng, person, records, order.record, type, order.at + (lo + (hi - lo) * rng.next()) * DAY, order, order.channel === 'store');
    }
    if (rng.chance(SURVEY_RATE[order.channel] * (costly ? 1.5 : 1)) && order.record) survey(rows, rng, person, order.record, order.at);
  }
  // A call-centre record opened by an information call, with no phone order behind it.
  const crm = records.callcenter;
  if (crm && !orders.some((o) => o.record === crm)) ticket(rows, rng, person, records, crm, 3, crm.signupAt, null, false);
  if (costly) {
    const first = orders[0];
    const years = first ? (END - first.at) / YEAR_SECONDS : 0;
    for (let k = poisson(rng, 1.5 * years); k > 0 && first; k--) {
      const about = orders[rng.int(orders.length)] ?? first;
      const at = about.at + (1 + 60 * rng.next()) * DAY;
      ticket(rows, rng, person, records, about.record, rng.chance(0.5) ? 2 : 4, at, about, false);
    }
  }
}

function ticket(
  rows: Rows,
  rng: Rng,
  person: Person,
  records: Records,
  fallback: CustomerRecord | null,
  type: number,
  openedAt: number,
  order: Order | null,
  inStore: boolean,
): void {
  if (openedAt >= END) return;
  const byType = CHANNEL_BY_TYPE[person.base.typeIndex] ?? [1];
  const channel = inStore && rng.chance(0.4) ? 3 : weightedIndex(rng, person.base.costly ? byType.map((w, c) => (c === 0 ? w * 3 : w)) : byType);
  // A ticket belongs to the record of the channel it came through, when the person has one there.
  const record = records[TICKET_SOURCE[channel] ?? 'store'] ?? fallback;
  if (!record || openedAt < record.signupAt) return;
  const closedAt = openedAt + exponential(rng, 1 / ((CLOSE_MEAN_DAYS[type] ?? 1) * DAY)) + 600;
  const cost = (TICKET_COST[type] ?? 5) * (CHANNEL_COST_FACTOR[channel] ?? 1) * logNormal(rng, 0.35) * (person.base.costly ? 1.8 : 1);
  const rated = rng.chance(0.65);
  const score = clamp(Math.round(1 + 4 * (person.satisfaction - (type === 4 ? 0.2 : 0) + 0.15 * normal(rng))), 1, 5);
  rows.tables.tickets.add(
    `T${record.id}-${++record.tickets},${record.id},${formatTimestamp(openedAt)},${closedAt < END ? formatTimestamp(closedAt) : ''},` +
      `${TICKET_TYPES[type] ?? 'information'},${TICKET_CHANNELS[channel] ?? 'phone'},${rng.chance(0.1) ? '' : money(cost)},` +
      `${rated ? score : ''},${order ? order.id : ''}\n`,
  );
}

function survey(rows: Rows, rng: Rng, person: Person, record: CustomerRecord, after: number): void {
  const at = after + (1 + 6 * rng.next()) * DAY;
  if (at >= END) return;
  const nps = rng.chance(0.6);
  const level = person.satisfaction + 0.12 * normal(rng);
  const score = nps ? clamp(Math.round(10 * level + 0.5), 0, 10) : clamp(Math.round(1 + 4 * level), 1, 5);
  const band = nps ? (score <= 6 ? 0 : score <= 8 ? 1 : 2) : score <= 2 ? 0 : score === 3 ? 1 : 2;
  const comment = rng.chance(0.12) ? text(rng.pick(COMMENTS[band] ?? [''])) : '';
  rows.tables.surveys.add(`Q${record.id}-${++record.surveys},${record.id},${formatTimestamp(at)},${nps ? 'nps' : 'csat'},${score},${comment}\n`);
}
