import type { TrackedEvent } from './envelope.js';
import { firstText, obj, text } from './values.js';

/** Identifiers one event saw together: what incremental identity linking merges on. */
export interface EventLink {
  readonly identifiers: readonly { readonly type: string; readonly value: string }[];
  readonly source: string;
  /** The messageId, kept in the merge log. */
  readonly reference: string;
  readonly at: Date;
}

/**
 * identify: userId, anonymousId and the identifying traits; alias: userId and previousId (as an
 * anonymous id, see docs/collect.md). Types are the identifiers table's. Other messages carry
 * no link of their own (their userId and anonymousId reach identity through identifiers).
 */
export function eventLinks(events: readonly TrackedEvent[]): EventLink[] {
  const links: EventLink[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    const identifiers: { type: string; value: string }[] = [];
    const add = (type: string, value: string | null): void => {
      if (value !== null) identifiers.push({ type, value });
    };
    if (event.type === 'identify') {
      const traits = obj((event.message as { traits?: unknown }).traits);
      add('user_id', event.userId);
      add('anonymous_id', event.anonymousId);
      add('email', text(traits.email));
      add('phone', text(traits.phone));
      add('loyalty_card', firstText(traits, 'loyaltyCard', 'loyalty_card'));
      add('account_id', firstText(traits, 'accountId', 'account_id'));
    } else if (event.type === 'alias') {
      add('user_id', event.userId);
      add('anonymous_id', text((event.message as { previousId?: unknown }).previousId));
    } else continue;
    if (identifiers.length < 2) continue;
    const key = identifiers.map((i) => `${i.type}:${i.value}`).sort().join('\n');
    if (seen.has(key)) continue;
    seen.add(key);
    links.push({ identifiers, source: event.type, reference: event.messageId, at: event.timestamp });
  }
  return links;
}
