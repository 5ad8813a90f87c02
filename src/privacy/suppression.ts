import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { LogEntry } from '../collect/events/envelope.js';
import { readLines } from '../collect/events/log.js';
import { scrubRange } from './log-compaction.js';
import type { Message } from '../collect/events/messages.js';
import { sql, type Engine } from '../store/index.js';

export type SuppressionKind = 'email' | 'phone' | 'card' | 'id';

/** The identifier types of the datamart and of the identity graph, to the list's kinds. */
const KINDS: Readonly<Record<string, SuppressionKind>> = {
  email: 'email',
  phone: 'phone',
  loyalty_card: 'card',
  loyaltyCard: 'card',
  user_id: 'id',
  userId: 'id',
  anonymous_id: 'id',
  anonymousId: 'id',
  account_id: 'id',
  accountId: 'id',
  external_id: 'id',
  externalId: 'id',
};

export function suppressionKind(type: string): SuppressionKind | null {
  return KINDS[type] ?? null;
}

/**
 * The forms a value is hashed under. Independent of the configuration on purpose: the loader
 * checks messages without it, and an erasure must still hold after the identity settings change.
 * System ids share one kind, as a userId and an accountId may be the same string.
 */
export function suppressionForms(kind: SuppressionKind, raw: string): string[] {
  const value = raw.trim();
  if (value === '') return [];
  switch (kind) {
    case 'email':
      return [value.toLowerCase()];
    case 'phone': {
      const forms = new Set([value.replace(/[^\d+]/g, '')]);
      const phone = value.startsWith('+') ? parsePhoneNumberFromString(value) : undefined;
      if (phone?.isPossible()) forms.add(phone.number);
      forms.delete('');
      return [...forms];
    }
    case 'card':
      return [value.replace(/[\s\-.]/g, '').toUpperCase()];
    default:
      return [value];
  }
}

export function suppressionHash(kind: SuppressionKind, form: string): string {
  return createHash('sha256').update(`${kind}:${form}`).digest('hex');
}

/** Every hash an identifier is suppressed (or looked up) under. */
export function identifierHashes(kind: SuppressionKind, raw: string): string[] {
  return suppressionForms(kind, raw).map((form) => suppressionHash(kind, form));
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
const object = (v: unknown): Record<string, unknown> | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/**
 * The identifiers a message names its person by: userId and anonymousId, an alias's previousId,
 * the email, phone, loyalty card and account id of its traits (identify and context), and
 * `context.externalIds`. A userId that is an email address counts as both.
 */
export function messageIdentifiers(message: Message | Record<string, unknown>): { kind: SuppressionKind; value: string }[] {
  const m = message as Record<string, unknown>;
  const out: { kind: SuppressionKind; value: string }[] = [];
  const add = (kind: SuppressionKind, v: unknown): void => {
    const value = text(v);
    if (value !== null && value.trim() !== '') out.push({ kind, value });
  };
  for (const id of [m.userId, m.anonymousId, m.previousId]) {
    add('id', id);
    if (typeof id === 'string' && id.includes('@')) add('email', id);
  }
  const context = object(m.context);
  for (const traits of [object(m.traits), object(context?.traits)]) {
    if (!traits) continue;
    add('email', traits.email);
    add('phone', traits.phone);
    add('card', traits.loyaltyCard ?? traits.loyalty_card);
    add('id', traits.accountId ?? traits.account_id);
  }
  const externalIds = context?.externalIds;
  if (Array.isArray(externalIds)) {
    for (const ext of externalIds) {
      const e = object(ext);
      if (!e) continue;
      const kind = suppressionKind(text(e.type) ?? '') ?? 'id';
      add(kind, e.id);
    }
  }
  return out;
}

/** The list's hashes, read once per change of its size (erasures are rare; loads are not). */
const cache = new WeakMap<Engine, { count: number; hashes: Set<string> }>();

async function suppressedHashes(engine: Engine): Promise<Set<string>> {
  const [{ n = 0 } = {}] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM suppressed_identifiers`);
  const count = Number(n);
  const cached = cache.get(engine);
  if (cached?.count === count) return cached.hashes;
  const rows = count === 0 ? [] : await engine.query<{ h: string }>(sql`SELECT identifier_sha256 AS h FROM suppressed_identifiers`);
  const hashes = new Set(rows.map((r) => r.h));
  cache.set(engine, { count, hashes });
  return hashes;
}

/** The reason a suppressed message is dropped with (no identifier in it: it is personal data). */
export const SUPPRESSED_REASON = 'suppressed: the person was erased (identifier on the suppression list)';

/**
 * The messages of a chunk that name an erased person by any identifier (see messageIdentifiers),
 * with the reason to drop them. They must be dropped, not dead-lettered with their payload:
 * keeping the message would keep what the erasure removed.
 */
export async function suppressedMessageIds(
  engine: Engine,
  events: readonly { readonly messageId: string; readonly message: Message | Record<string, unknown> }[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (events.length === 0) return out;
  const hashes = await suppressedHashes(engine);
  if (hashes.size === 0) return out;
  for (const event of events) {
    if (messageIdentifiers(event.message).some(({ kind, value }) => identifierHashes(kind, value).some((h) => hashes.has(h)))) {
      out.set(event.messageId, SUPPRESSED_REASON);
    }
  }
  return out;
}

/**
 * The same over a range of the log (segment, from `offset` to `end`), for a loader that only
 * holds the chunk's messageIds: reads and parses the lines only when the list is not empty, and
 * blanks the suppressed messages' lines in the log (in place, offsets unchanged), so that a
 * message naming an erased person leaves the disk as it is dropped.
 */
export async function suppressInLog(engine: Engine, folder: string, segment: number, offset: number, end: number): Promise<Map<string, string>> {
  if (end <= offset || (await suppressedHashes(engine)).size === 0) return new Map();
  const { lines } = await readLines(folder, segment, offset, end - offset);
  const events: { messageId: string; message: Record<string, unknown> }[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as LogEntry;
      events.push({ messageId: entry.id, message: entry.message });
    } catch {
      // A torn line: the loader skips it too.
    }
  }
  const suppressed = await suppressedMessageIds(engine, events);
  if (suppressed.size > 0) scrubRange(folder, segment, offset, end, (entry) => suppressed.has(entry.id));
  return suppressed;
}
