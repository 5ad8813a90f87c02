import type { Language, LocalisedMessage } from '../messages/index.js';
import type { ClassReason } from '../segments/index.js';
import type { CustomerProfile } from './parts.js';

/** Something that says why, in a sentence and as a message: an offer, an affinity. */
interface Explained {
  readonly explanation?: unknown;
  readonly explanationMessage?: LocalisedMessage;
}

/** `explanation` in `lang` where the message is there (rows written before it keep their text). */
export function localiseExplained<T extends Explained>(row: T, lang: Language): T {
  return row.explanationMessage ? { ...row, explanation: row.explanationMessage.text[lang] } : row;
}

/** A class's reasons (and its value, where it is a sentence) in `lang`. */
export function localiseClass(reason: ClassReason, lang: Language): ClassReason {
  return {
    ...reason,
    ...(reason.messages ? { reasons: reason.messages.map((m) => m.text[lang]) } : {}),
    ...(reason.valueMessage ? { value: reason.valueMessage.text[lang] } : {}),
  };
}

/**
 * The profile with its sentences (`reasons`, `explanation`) in the language a request asked for
 * (`?lang=`, Accept-Language). Their messages keep the key, the parameters and both texts; in
 * English the profile is returned as it is, as the API answered before it spoke French.
 */
export function localiseProfile<P extends CustomerProfile>(profile: P, lang: Language): P {
  if (lang === 'en') return profile;
  return {
    ...profile,
    classes: profile.classes.map((c) => localiseClass(c, lang)),
    nextBestOffers: profile.nextBestOffers.map((o) => localiseExplained(o, lang)),
  };
}
