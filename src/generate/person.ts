/** What is known of one person while his rows are generated. */
import type { Address } from './address.js';
import type { Product } from './catalogue.js';
import type { PersonBase } from './population.js';
import type { Profile } from './profile.js';
import type { Source } from './world.js';

export interface Person {
  readonly index: number;
  /** Ground-truth id, never written to the datamart files. */
  readonly id: string;
  readonly base: PersonBase;
  readonly profile: Profile;
  /** A partner sharing the family email takes the household's last name. */
  readonly lastName: string;
  /** His true email (the household's when shared), null if he has none. */
  email: string | null;
  /** National significant phone number, null if he gives none. */
  phone: string | null;
  readonly gender: 'F' | 'M' | 'X';
  /** Street addresses at profile.previousPlace and profile.place (the same when he did not move). */
  readonly home: { readonly previous: Address; readonly current: Address };
  /** Latent satisfaction in [0, 1]: drives tickets' and surveys' scores. */
  readonly satisfaction: number;
  /** When he starts using the app, Infinity if never. */
  readonly appAdoption: number;
  /** When he became inactive (last purchase before dropping out), Infinity if still active. */
  deathAt: number;
}

export interface Identifier {
  readonly type: 'email' | 'phone' | 'loyalty_card' | 'account_id' | 'anonymous_id' | 'external_id';
  readonly value: string;
  readonly at: number;
}

/** One customer record of a person in one source system. */
export interface CustomerRecord {
  readonly id: string;
  readonly source: Source;
  readonly signupAt: number;
  signupSource: string;
  /** Set on the record that acquired the person only. */
  acquisitionCost: number | null;
  /** The email as written on this record, null if absent. */
  readonly email: string | null;
  /** A typo: mail to it bounces. */
  readonly emailBroken: boolean;
  readonly phone: string | null;
  readonly identifiers: Identifier[];
  /** Per-record sequences of ids. */
  orders: number;
  tickets: number;
  contacts: number;
  surveys: number;
}

export const ORDER_CHANNELS = ['store', 'web', 'phone', 'app'] as const;
export type OrderChannel = (typeof ORDER_CHANNELS)[number];

export interface OrderLine {
  readonly product: Product;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly discount: number;
}

export interface Order {
  readonly at: number;
  readonly channel: OrderChannel;
  readonly lines: OrderLine[];
  record: CustomerRecord | null;
  id: string;
  campaignId: string;
  store: string;
}

/** The record an order's channel writes to. */
export function sourceOfChannel(channel: OrderChannel): Source {
  return channel === 'store' ? 'store' : channel === 'phone' ? 'callcenter' : 'web';
}
