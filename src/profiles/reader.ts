import type { Config } from '../config/index.js';
import { IdentifierNormaliser, resolvePersonId } from '../identity/index.js';
import { NotFoundError } from '../errors.js';
import { sql, type Engine } from '../store/index.js';
import { decodeDocument } from './document-format.js';
import { dataFingerprint, STATE } from './documents.js';
import { assembleProfile, type CustomerProfile, type LookupType, type ProfileParts } from './parts.js';
import { liveProfileParts, lookupPerson, normaliseLookup, onePerson } from './profile.js';
import { ProfileStore, servingStorePath } from './serving-store.js';

/** Identifier types of the identity tables as the events and links name them, to the API's. */
const LINK_TYPES: Record<string, LookupType> = {
  user_id: 'userId',
  anonymous_id: 'anonymousId',
  email: 'email',
  phone: 'phone',
  loyalty_card: 'loyaltyCard',
  account_id: 'accountId',
  external_id: 'externalId',
};

export interface ReaderState {
  /** Whether the run's documents serve profiles (false: every profile is read live). */
  readonly documents: boolean;
  /** Why not, when they don't. */
  readonly reason: string | null;
}

/**
 * Profiles for the API: from the documents the last run wrote (one or two index probes) for
 * everyone the server has not seen change since, and read live from the tables for the others.
 * The server tells it of every load (`changed`) before the loaded events can be asked for, so a
 * profile never shows less than the tables hold.
 */
export class ProfileReader {
  /** Record ids, person ids and `type:value` identifiers changed since the documents were written. */
  private readonly dirty = new Set<string>();
  private readonly normaliser: IdentifierNormaliser;

  private constructor(
    private readonly engine: Engine,
    private readonly config: Config,
    readonly state: ReaderState,
    /** The run's documents, when they are as fresh as the data (swapped by `reopenStore` after an erasure rewrote the file). */
    private store: ProfileStore | null = null,
  ) {
    this.normaliser = new IdentifierNormaliser(config.identity);
  }

  /** Opens the documents when they are as fresh as the data; otherwise the reader reads live (and says why). */
  static async open(engine: Engine, config: Config): Promise<ProfileReader> {
    const live = (reason: string): ProfileReader => new ProfileReader(engine, config, { documents: false, reason });
    const path = servingStorePath(engine.location);
    if (!path) return live('an in-memory or server datamart keeps no profile documents; profiles are read live');
    const present = (await engine.query<{ name: string }>(engine.dialect.existingTables([STATE]))).length === 1;
    const [state] = present ? await engine.query<{ fingerprint: string; build?: string }>(sql`SELECT * FROM ${sql.id(STATE)}`) : [];
    const store = state?.build ? ProfileStore.openIfPresent(path) : null;
    if (!state || !store || store.build !== state.build) {
      await store?.close();
      return live(`no profile documents from the last run in ${path} (run \`fidelis run\`)`);
    }
    if (!store.layout) {
      await store.close();
      return live(`the profile documents in ${path} were written by an older version; profiles are read live until the next \`fidelis run\``);
    }
    if (state.fingerprint !== (await dataFingerprint(engine))) {
      await store.close();
      return live('the data changed since the last `fidelis run` (files imported, events loaded or identities edited); profiles are read live until the next run');
    }
    return new ProfileReader(engine, config, { documents: true, reason: null }, store);
  }

  async close(): Promise<void> {
    await this.store?.close();
  }

  /**
   * Lets an erasure rewrite the file from the store this reader holds open (LMDB refuses a second
   * environment on one file in one process; null when profiles are read live), then reads the new
   * file, so the old one, with the erased person in it, is no longer held open. Keeps reading live
   * when the new file is missing or from another build.
   */
  async rewriteStore(rewrite: (open: ProfileStore | null) => Promise<void>): Promise<void> {
    const previous = this.store;
    await rewrite(previous);
    if (!previous) return;
    // Closed before the new file opens: two environments in one process would share the lock
    // file's reader slots (MDB_BAD_RSLOT). Meanwhile profiles are read live.
    const build = previous.build;
    this.store = null;
    await previous.close();
    const path = servingStorePath(this.engine.location);
    const next = path ? ProfileStore.openIfPresent(path) : null;
    if (next && next.build !== build) await next.close();
    else this.store = next;
  }

  /** Records, identifiers (as the identity tables name their types) and persons a load has changed. */
  changed(change: { readonly records?: readonly string[]; readonly identifiers?: readonly { readonly type: string; readonly value: string }[]; readonly persons?: readonly string[] }): void {
    if (!this.store) return;
    for (const record of change.records ?? []) {
      this.dirty.add(`id:${record}`);
      // An event's record is named after its userId or anonymousId, which people may hold from elsewhere.
      const tracked = /^evt:([ua]):(.*)$/s.exec(record);
      if (tracked) this.markIdentifier(tracked[1] === 'u' ? 'userId' : 'anonymousId', tracked[2] ?? '');
    }
    for (const person of change.persons ?? []) this.dirty.add(`id:${person}`);
    for (const { type, value } of change.identifiers ?? []) this.markIdentifier(LINK_TYPES[type] ?? (type as LookupType), value);
  }

  private markIdentifier(type: LookupType, raw: string): void {
    const normalised = this.normaliser.normalise(type, raw);
    if (normalised !== null) this.dirty.add(`${type}:${normalised}`);
  }

  /** A profile by person id, older id or record id. */
  async byId(id: string): Promise<CustomerProfile> {
    if (this.store && !this.dirty.has(`id:${id}`)) {
      const own = this.store.document(id);
      const doc = own !== undefined ? this.fresh(id, own) : this.byKey(this.store, `id:${id}`);
      if (doc) return assembleProfile(doc, id, this.config);
      if (doc === undefined) throw new NotFoundError(`No person, customer record or event link with id ${id} (has \`fidelis run\` resolved identities?)`);
    }
    const { personId } = await resolvePersonId(this.engine, id);
    return assembleProfile(await liveProfileParts(this.engine, personId), id, this.config);
  }

  /** A profile by one of his identifiers (normalised as identity resolution does). */
  async byIdentifier(type: LookupType, raw: string): Promise<CustomerProfile> {
    const key = `${type}:${normaliseLookup(this.config, type, raw)}`;
    if (this.store && !this.dirty.has(key)) {
      const personId = onePerson([...(this.store.persons(key) ?? [])], type, raw);
      const text = this.store.document(personId);
      const doc = text === undefined ? null : this.fresh(personId, text);
      if (doc) return assembleProfile(doc, raw, this.config);
    }
    const personId = await lookupPerson(this.engine, this.config, type, raw);
    return assembleProfile(await liveProfileParts(this.engine, personId), raw, this.config);
  }

  /**
   * The document of the person a key resolves to: null when it or its person changed since (read
   * live), undefined when no key matches (and the documents are fresh, so nobody has that id).
   */
  private byKey(store: ProfileStore, key: string): ProfileParts | null | undefined {
    const personId = store.persons(key)?.[0];
    if (personId === undefined) return this.dirty.size > 0 ? null : undefined;
    const text = store.document(personId);
    return text === undefined ? null : this.fresh(personId, text);
  }

  /** The parts of a document, or null when anything of the person changed since it was written. */
  private fresh(personId: string, text: string): ProfileParts | null {
    const layout = this.store?.layout;
    if (!layout) return null;
    const doc = decodeDocument(text, layout);
    if (this.dirty.size > 0) {
      if (this.dirty.has(`id:${personId}`)) return null;
      if (doc.records.some((r) => this.dirty.has(`id:${r}`))) return null;
      if (doc.identifiers.some((i) => this.dirty.has(`${i.type}:${i.value}`))) return null;
    }
    return { ...doc, personId };
  }
}
