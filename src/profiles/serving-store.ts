import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { open, type Database, type RootDatabase } from 'lmdb';

/**
 * Profile documents are served from an LMDB file beside the datamart, not from DuckDB: a DuckDB
 * point query costs about 0.25 ms of CPU before it reads anything, and fetching a 7 KB document
 * by its index 1.6 ms more (measured on the 1M demo company: 3,000 random persons probed for a
 * constant, for their id alone and for their document, over 4 read connections). An LMDB read is a few microseconds on the calling thread, which is what a
 * lookup at 1,000/s on 2 cores needs. DuckDB still builds the documents (SQL); LMDB only holds them.
 *
 * None for an in-memory datamart or a server engine (ClickHouse): profiles are read live there.
 */
export function servingStorePath(location: string): string | null {
  if (location === '' || location === ':memory:' || /^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return null;
  return `${location}.profiles`;
}

const BUILD = 'build';

/**
 * lmdb's largest key in bytes (its `maxKeySize` with the page size of this build, measured):
 * a longer key cannot be written, and reading one past about 4 KB throws instead of missing.
 */
export const MAX_KEY_BYTES = 1978;
/**
 * The longest id or identifier value (UTF-8 bytes) a profile can be asked by: its key is `id:`
 * or `<type>:` and the value, `anonymousId:` the longest prefix. The collection API keeps ids to
 * 512 characters (at most 1,536 bytes), so every id it stores can be asked for.
 */
export const MAX_LOOKUP_BYTES = MAX_KEY_BYTES - 'anonymousId:'.length;

/** Persons a key resolves to: person ids, older ids, record ids (`id:X`) and identifiers (`type:value`). */
type KeyPersons = readonly string[];

interface Databases {
  readonly root: RootDatabase;
  readonly docs: Database<string, string>;
  readonly keys: Database<KeyPersons, string>;
  readonly meta: Database<string, string>;
}

function openStoreFile(path: string, readOnly: boolean): Databases {
  // Not compressed: lmdb's compression took 57 µs a document to write (100k persons: 9.8 s
  // against 4.1 s), for half the disk. Written without a sync per commit, because the file is
  // synced once, whole, before it replaces the previous one (a sync per batch of 2,048
  // documents made the build disk-bound: 7.7 s against 4.1 s per 100k persons).
  const root = open({ path, noSubdir: true, readOnly, compression: false, maxDbs: 4, noSync: !readOnly });
  return {
    root,
    docs: root.openDB<string, string>({ name: 'docs', encoding: 'string' }),
    keys: root.openDB<KeyPersons, string>({ name: 'keys', encoding: 'msgpack' }),
    meta: root.openDB<string, string>({ name: 'meta', encoding: 'string' }),
  };
}

/** The run's documents and keys, read-only (one server holds them open). */
export class ProfileStore {
  private constructor(private readonly file: Databases) {}

  /** Null when there is no file (never built, or built by an older version). */
  static openIfPresent(path: string): ProfileStore | null {
    return existsSync(path) ? new ProfileStore(openStoreFile(path, true)) : null;
  }

  /** The run that wrote the file (matched against the datamart's profile_documents_state). */
  get build(): string | undefined {
    return this.file.meta.get(BUILD);
  }

  /** A person's document (JSON text), or undefined. */
  document(personId: string): string | undefined {
    return this.file.docs.get(personId);
  }

  /** The persons a key names: by priority (older id, then record id), then by id. */
  persons(key: string): KeyPersons | undefined {
    return this.file.keys.get(key);
  }

  /** Every document, by person id (tests compare builds with it). */
  *documents(): Generator<[string, string]> {
    for (const { key, value } of this.file.docs.getRange()) yield [key, value];
  }

  /** Every key with its persons (an erasure copies them without his). */
  *keyEntries(): Generator<[string, KeyPersons]> {
    for (const { key, value } of this.file.keys.getRange()) yield [key, value];
  }

  async close(): Promise<void> {
    await this.file.root.close();
  }
}

/**
 * Writes a new store beside the live one and swaps it in whole at `finish`: a reader never
 * sees half a build, and a build that fails leaves the previous file as it was.
 */
export class ProfileStoreWriter {
  private readonly file: Databases;

  private constructor(
    private readonly path: string,
    private readonly temporary: string,
  ) {
    this.file = openStoreFile(temporary, false);
  }

  static create(path: string): ProfileStoreWriter {
    const temporary = `${path}.new`;
    removeStore(temporary);
    return new ProfileStoreWriter(path, temporary);
  }

  /** One batch of documents in one transaction (a commit per row would fsync a million times). */
  putDocuments(personIds: readonly unknown[], docs: readonly unknown[]): void {
    this.file.root.transactionSync(() => {
      for (let i = 0; i < personIds.length; i++) this.file.docs.putSync(String(personIds[i]), String(docs[i]));
    });
  }

  putKeys(keys: readonly unknown[], persons: readonly unknown[]): void {
    this.file.root.transactionSync(() => {
      for (let i = 0; i < keys.length; i++) this.file.keys.putSync(String(keys[i]), (persons[i] as unknown[]).map(String));
    });
  }

  /** Marks the file with its build, closes it and puts it in place of the previous one. */
  async finish(build: string): Promise<void> {
    this.file.meta.putSync(BUILD, build);
    await this.file.root.close();
    const file = openSync(this.temporary, 'r+');
    try {
      fsyncSync(file);
    } finally {
      closeSync(file);
    }
    renameSync(this.temporary, this.path);
    rmSync(`${this.temporary}-lock`, { force: true });
  }

  /** Throws the half-written file away. */
  async abandon(): Promise<void> {
    await this.file.root.close();
    removeStore(this.temporary);
  }
}

/** Removes a store file and its lock file. */
export function removeStore(path: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}-lock`, { force: true });
}
