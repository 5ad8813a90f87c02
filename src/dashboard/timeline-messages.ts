/**
 * The sentences of a customer's timeline: keys of src/messages/catalogue/timeline.ts with their
 * parameters; the API gives the key, the parameters and both texts, so the dashboard shows the
 * page's language and a script can use the key (issue 16: no English sentence assembled in SQL).
 */
import { isMessageKey, localised, type LocalisedMessage, type MessageKey } from '../messages/index.js';

export type TimelineMessageKey = Extract<MessageKey, `timeline.${string}`>;

export interface TimelineMessage extends LocalisedMessage<TimelineMessageKey> {
  readonly params: Readonly<Record<string, string | number>>;
}

const isTimelineKey = (key: string): key is TimelineMessageKey => key.startsWith('timeline.') && isMessageKey(key);

/**
 * The message of `key` (a key outside the catalogue, such as a web event type added to the data
 * later, falls back to `fallback` with the raw text as its detail). A ticket type is shown as a
 * word of the language where the catalogue knows it (`{type:ticket}`).
 */
export function timelineMessage(key: string, params: Record<string, string | number>, fallback: TimelineMessageKey = 'timeline.event'): TimelineMessage {
  const chosen = isTimelineKey(key) ? key : fallback;
  const { text } = localised({ key: chosen, params });
  return { key: chosen, params, text: { en: text.en.trimEnd(), fr: text.fr.trimEnd() } };
}
