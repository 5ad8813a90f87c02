import { digitalConfigSchema, type DigitalConfig } from '../config/digital-config.js';
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

const percent = (part: number, whole: number): string => `${Math.round((100 * part) / whole)}%`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function reason(row: TypeRow, config: DigitalConfig): string {
  const { technophile, technomouton } = config.thresholds;
  const channel = config.newChannel.channels.join('/');
  const score = Math.round(row.digital_score);
  const reasons: Record<DigitalRule, string> = {
    early_adopter: `first ${channel} order ${row.adoption_days ?? '?'} days after launch (early adopter)`,
    high_score: `digital score ${score} (at least ${technophile})`,
    later_adopter: `first ${channel} order ${row.adoption_days ?? '?'} days after launch (follower)`,
    medium_score: `digital score ${score} (${technomouton} to ${technophile})`,
    online_sign: `digital score ${score} (under ${technomouton}) but some online sign`,
    email_address: 'no online sign, but gave an email address',
    thin_evidence: 'thin evidence, no online sign and no email address (fallback type)',
    offline_only: 'no online sign over enough evidence',
  };
  return reasons[row.rule];
}

/**
 * A short sentence saying why a customer has his digital type, with the figures behind it:
 * "technophile: first app order 9 days after launch (early adopter); 82% of orders online (9 of 11),
 * opens 61% of emails (22 of 36), 3.2 web events a month."
 */
export function explainDigitalType(row: TypeRow, config: DigitalConfig = digitalConfigSchema.parse({})): string {
  const orders = row.orders > 0 ? `${percent(row.online_orders, row.orders)} of orders online (${row.online_orders} of ${row.orders})` : 'no order';
  const email =
    row.email_delivered > 0
      ? `opens ${percent(row.email_opens, row.email_delivered)} of emails (${row.email_opens} of ${row.email_delivered})`
      : 'no email received';
  const web = row.web_events > 0 ? `${row.web_events_per_month.toFixed(1)} web events a month (${plural(row.web_events, 'event')})` : 'no web activity';
  return `${row.digital_type}: ${reason(row, config)}; ${orders}, ${email}, ${web}.`;
}
