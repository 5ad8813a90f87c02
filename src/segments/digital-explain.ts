import { digitalConfigSchema, type DigitalConfig } from '../config/digital-config.js';
import { renderMessage, type Message } from '../messages/index.js';
import type { CustomerDigitalRow, DigitalRule } from './digital-types.js';

type TypeRow = Pick<
  CustomerDigitalRow,
  | 'digital_type'
  | 'rule'
  | 'digital_score'
  | 'adoption_days'
  | 'orders'
  | 'online_orders'
  | 'email_delivered'
  | 'email_opens'
  | 'web_events_per_month'
  | 'web_events'
>;

/** The rule that decided his type, as a message. */
function reason(row: TypeRow, config: DigitalConfig): Message {
  const { technophile, technomouton } = config.thresholds;
  const channel = config.newChannel.channels.join('/');
  const score = Math.round(row.digital_score);
  const days = row.adoption_days;
  const params: Record<DigitalRule, Message['params']> = {
    early_adopter: { channel, days },
    high_score: { score, technophile },
    later_adopter: { channel, days },
    medium_score: { score, technomouton, technophile },
    online_sign: { score, technomouton },
    email_address: {},
    thin_evidence: {},
    offline_only: {},
  };
  return { key: `digital.rule.${row.rule}`, params: params[row.rule] };
}

/**
 * Why a customer has his digital type, with the figures behind it, as a message:
 * "technophile: first app order 9 days after launch (early adopter); 82% of orders online (9 of 11),
 * opens 61% of emails (22 of 36), 3.2 web events a month."
 */
export function digitalTypeMessage(row: TypeRow, config: DigitalConfig = digitalConfigSchema.parse({})): Message {
  const orders: Message =
    row.orders > 0 ? { key: 'digital.orders', params: { share: row.online_orders / row.orders, online: row.online_orders, orders: row.orders } } : { key: 'digital.orders.none', params: {} };
  const email: Message =
    row.email_delivered > 0
      ? { key: 'digital.email', params: { share: row.email_opens / row.email_delivered, opens: row.email_opens, delivered: row.email_delivered } }
      : { key: 'digital.email.none', params: {} };
  const web: Message =
    row.web_events > 0
      ? { key: row.web_events === 1 ? 'digital.web.one' : 'digital.web.other', params: { perMonth: row.web_events_per_month, events: row.web_events } }
      : { key: 'digital.web.none', params: {} };
  return { key: 'digital.explained', params: { type: row.digital_type, reason: reason(row, config), orders, email, web } };
}

/** The same sentence in English. */
export const explainDigitalType = (row: TypeRow, config?: DigitalConfig): string => renderMessage(digitalTypeMessage(row, config), 'en');
