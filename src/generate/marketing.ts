/**
 * Consents, contacts and responses of each record: campaigns reach opted-in records, reactions
 * depend on the person's digital type and preferred channel, an unsubscribe withdraws consent,
 * and an order soon after a click (or a catalogue) is attributed to the campaign.
 */
import { DAY, END, WEEK, formatTimestamp } from './calendar.js';
import type { Campaign, ContactChannel } from './campaigns.js';
import { exponential } from './distributions.js';
import type { CustomerRecord, Order, Person } from './person.js';
import type { Rng } from './prng.js';
import { money, type Rows } from './rows.js';

const CHANNELS: readonly ContactChannel[] = ['email', 'sms', 'mail', 'phone', 'push'];
const ENGAGEMENT = [1, 0.7, 0.35, 0.15];
const EMAIL_OPT_IN = [0.9, 0.8, 0.6, 0.3];
const SMS_OPT_IN = [0.5, 0.45, 0.35, 0.2];
const LAPSED = 26 * WEEK;

interface Consent {
  optIn: number;
  optOut: number;
  /** Set when an unsubscribe withdrew it. */
  withdrawnBy?: string;
}

interface Attribution {
  readonly contact: string;
  readonly campaign: string;
  readonly from: number;
  readonly to: number;
  used: boolean;
}

/** Consents, contacts, responses of the person's records; sets the campaign of attributed orders. */
export function writeMarketing(
  rows: Rows,
  rng: Rng,
  person: Person,
  records: readonly CustomerRecord[],
  orders: readonly Order[],
  campaigns: readonly Campaign[],
): void {
  const attributions: Attribution[] = [];
  for (const record of records) {
    const consents = drawConsents(rng, person, record);
    let before = 0;
    let recordContacts = 0;
    for (const campaign of campaigns) {
      const t = campaign.start;
      if (t < record.signupAt + DAY) continue;
      const consent = consents[CHANNELS.indexOf(campaign.channel)];
      if (!consent || t < consent.optIn || t >= consent.optOut) continue;
      while (before < orders.length && (orders[before]?.at ?? Infinity) < t) before++;
      const lastOrder = before > 0 ? (orders[before - 1]?.at ?? -Infinity) : -Infinity;
      if (!rng.chance(targeting(campaign, before, t - lastOrder >= LAPSED, t >= person.appAdoption))) continue;
      const unsubscribedAt = contact(rows, rng, person, record, campaign, ++recordContacts, attributions);
      if (unsubscribedAt < consent.optOut) {
        consent.optOut = unsubscribedAt;
        consent.withdrawnBy = campaign.channel === 'sms' ? 'sms_stop' : 'unsubscribe_link';
      }
    }
    writeConsents(rows, rng, record, consents);
  }
  for (const order of orders) {
    let best: Attribution | null = null;
    for (const a of attributions) if (!a.used && a.from < order.at && order.at <= a.to && (!best || a.from > best.from)) best = a;
    if (!best) continue;
    best.used = true;
    order.campaignId = best.campaign;
    rows.tables.responses.add(`${best.contact},converted,${formatTimestamp(order.at)}\n`);
  }
}

/** Who a campaign targets, by objective: everyone opted in, buyers, lapsed buyers, app users. */
function targeting(campaign: Campaign, ordersBefore: number, lapsed: boolean, appUser: boolean): number {
  switch (campaign.channel) {
    case 'email':
      if (campaign.objective === 'cross_sell') return ordersBefore >= 1 ? 0.3 : 0;
      if (campaign.objective === 'reactivation') return lapsed ? 0.5 : 0;
      if (campaign.objective === 'app_launch') return 0.5;
      return campaign.objective === 'promotion' ? 0.25 : 0.32;
    case 'sms':
      return 0.5;
    case 'mail':
      if (campaign.objective === 'reactivation') return lapsed && ordersBefore >= 2 ? 0.6 : 0;
      return ordersBefore >= 2 ? 0.6 : 0.12;
    case 'phone':
      return lapsed && ordersBefore >= 3 ? 0.5 : 0;
    case 'push':
      return appUser ? 0.8 : 0;
  }
}

function drawConsents(rng: Rng, person: Person, record: CustomerRecord): (Consent | null)[] {
  const type = person.base.typeIndex;
  const partner = record.source === 'partner';
  const at = record.signupAt + 1 + rng.int(120);
  const given = (ok: boolean, p: number, from = at): Consent | null => {
    if (!ok || !rng.chance(p) || from >= END) return null;
    // A few withdraw later, outside any campaign (preference centre, customer service).
    const optOut = rng.chance(0.04) ? from + 1 + rng.next() * (END - from - 1) : Infinity;
    return { optIn: from, optOut };
  };
  const hasAddress = record.source !== 'web' || rng.chance(0.6);
  const pushFrom = Math.max(person.appAdoption, record.signupAt) + 60;
  return [
    given(record.email !== null, partner ? 1 : (EMAIL_OPT_IN[type] ?? 0.5)),
    given(record.phone !== null, SMS_OPT_IN[type] ?? 0.3),
    given(hasAddress, 0.55),
    given(record.phone !== null && record.source !== 'web', record.source === 'callcenter' ? 0.3 : 0.1),
    given(record.source === 'web' && person.appAdoption < END, 0.7, pushFrom),
  ];
}

function writeConsents(rows: Rows, rng: Rng, record: CustomerRecord, consents: readonly (Consent | null)[]): void {
  const source = record.source === 'web' ? 'web_form' : record.source;
  consents.forEach((consent, c) => {
    if (!consent) return;
    const channel = CHANNELS[c] ?? 'email';
    rows.tables.consents.add(`${record.id},${channel},opt_in,${formatTimestamp(consent.optIn)},${channel === 'push' ? 'app' : source}\n`);
    if (consent.optOut < END) {
      const via = consent.withdrawnBy ?? (rng.chance(0.5) ? 'preference_centre' : 'customer_service');
      rows.tables.consents.add(`${record.id},${channel},opt_out,${formatTimestamp(consent.optOut)},${via}\n`);
    }
  });
}

/** One contact and its responses; returns when the person unsubscribed (Infinity if not). */
function contact(
  rows: Rows,
  rng: Rng,
  person: Person,
  record: CustomerRecord,
  campaign: Campaign,
  sequence: number,
  attributions: Attribution[],
): number {
  const channel = campaign.channel;
  const sentAt =
    campaign.start +
    (channel === 'phone' ? Math.floor(rng.next() * 10) * DAY + rng.next() * 9 * 3600 : channel === 'email' ? rng.next() * 6 * 3600 : rng.next() * 3600);
  if (sentAt >= END) return Infinity;
  const id = `K${record.id}-${++record.contacts}`;
  const cost = rng.chance(0.05) ? '' : money(campaign.unitCost);
  rows.tables.contacts.add(`${id},${record.id},${campaign.id},${channel},${formatTimestamp(sentAt)},${cost},\n`);
  const respond = (type: string, at: number): boolean => {
    if (at >= END) return false;
    rows.tables.responses.add(`${id},${type},${formatTimestamp(at)}\n`);
    return true;
  };
  const e = ENGAGEMENT[person.base.typeIndex] ?? 0.5;
  const boost = person.profile.preferredChannel === channel ? 2 : 0.7;
  const moved = channel === 'mail' && sentAt > person.profile.movedAt && rng.chance(0.5);
  const bounce = channel === 'email' && record.emailBroken ? 1 : moved ? 1 : BOUNCE[channel];
  if (rng.chance(bounce)) {
    respond('bounced', sentAt + 1 + rng.next() * 120);
    return Infinity;
  }
  const deliveredAt = sentAt + (channel === 'mail' ? (2 + 2 * rng.next()) * DAY : 1 + rng.next() * 60);
  if (channel === 'phone' && !rng.chance(PHONE_ANSWERED)) return Infinity;
  if (!respond('delivered', deliveredAt)) return Infinity;
  if (channel === 'mail' || channel === 'phone') {
    // Catalogues and calls have no clicks: a purchase soon after counts for a part of them.
    if (rng.chance(OFFLINE_RESPONSE[channel])) {
      attributions.push({ contact: id, campaign: campaign.id, from: deliveredAt, to: deliveredAt + ATTRIBUTION_DAYS.offline * DAY, used: false });
    }
    return Infinity;
  }
  let last = deliveredAt;
  let clicked = false;
  if (channel === 'sms') {
    if (rng.chance(smsClick(e, boost))) {
      last = deliveredAt + exponential(rng, 1 / 3600);
      clicked = respond('clicked', last);
    }
  } else {
    if (rng.chance(openRate(channel, e, boost))) {
      last = deliveredAt + exponential(rng, 1 / (20 * 3600));
      if (!respond('opened', last)) return Infinity;
      if (rng.chance(clickAfterOpen(channel, e))) {
        last += 5 + rng.next() * 300;
        clicked = respond('clicked', last);
      }
    }
  }
  if (clicked) attributions.push({ contact: id, campaign: campaign.id, from: last, to: last + ATTRIBUTION_DAYS.click * DAY, used: false });
  const unsubscribe = channel === 'push' ? 0 : ((channel === 'sms' ? 0.004 : 0.003) / (e + 0.2)) * (sequence > 30 ? 2 : 1);
  if (rng.chance(unsubscribe)) {
    const at = last + 10 + rng.next() * 600;
    if (respond('unsubscribed', at)) return at;
  }
  return Infinity;
}

/** Bounce rate of a working address (a broken email or a moved household bounces always). */
const BOUNCE: Record<ContactChannel, number> = { email: 0.015, sms: 0.02, mail: 0.02, phone: 0.05, push: 0.02 };
const PHONE_ANSWERED = 0.5;
/** Catalogues and calls have no clicks: the share of delivered ones a purchase soon after is attributed to. */
const OFFLINE_RESPONSE: Record<ContactChannel, number> = { email: 0, sms: 0, mail: 0.4, phone: 0.5, push: 0 };

function smsClick(engagement: number, boost: number): number {
  return Math.min(0.5, 0.05 * engagement * boost);
}

function openRate(channel: ContactChannel, engagement: number, boost: number): number {
  return Math.min(0.85, (channel === 'push' ? 0.25 : 0.3) * engagement * boost);
}

function clickAfterOpen(channel: ContactChannel, engagement: number): number {
  return (channel === 'push' ? 0.2 : 0.18) * (0.5 + engagement / 2);
}

/** Days after a click (email, SMS, push) or a delivery (mail, phone) during which an order is attributed to the contact. */
const ATTRIBUTION_DAYS = { click: 7, offline: 21 } as const;

/**
 * The generator's true response model as a pure function, for benchmarks that simulate campaigns
 * against the ground truth (bench/activation.ts): the probability that one contact on `channel` to
 * a person of digital type `typeIndex` (index in DIGITAL_TYPES) who prefers `preferredChannel`
 * ends in an order attributed to it, as contact() decides: he engages (a click for email, SMS and
 * push; for mail and phone a delivered, answered contact that counts) and orders within the
 * attribution window, `ordersPerDay` being his true purchase rate (0 once he has left). Working
 * addresses; the same stage probabilities and windows contact() draws from.
 */
export function trueResponseProbability(typeIndex: number, preferredChannel: ContactChannel, channel: ContactChannel, ordersPerDay: number): number {
  const e = ENGAGEMENT[typeIndex] ?? 0.5;
  const boost = preferredChannel === channel ? 2 : 0.7;
  const delivered = 1 - BOUNCE[channel];
  const orders = (days: number): number => 1 - Math.exp(-Math.max(0, ordersPerDay) * days);
  if (channel === 'mail') return delivered * OFFLINE_RESPONSE.mail * orders(ATTRIBUTION_DAYS.offline);
  if (channel === 'phone') return delivered * PHONE_ANSWERED * OFFLINE_RESPONSE.phone * orders(ATTRIBUTION_DAYS.offline);
  const click = channel === 'sms' ? smsClick(e, boost) : openRate(channel, e, boost) * clickAfterOpen(channel, e);
  return delivered * click * orders(ATTRIBUTION_DAYS.click);
}
