import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { open, type Database, type RootDatabase } from 'lmdb';
import { DeflatePool } from './deflate-pool.js';
import type { DocumentLayout } from './document-format.js';

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
const LAYOUT = 'layout';
const DICTIONARY = 'dictionary';

/**
 * Documents are stored deflated (zlib, level 1) with a preset dictionary: the first documents of
 * the build, which hold the words every document repeats (statuses, channels, categories, product
 * names). Positional JSON (document-format.ts) is about 4.5 KB a person, mostly digits, which
 * LZ4 (lmdb's own compression) barely shrinks; deflate's entropy coding makes it ~1.5 KB, under
 * LMDB's 2 KB overflow threshold, so two documents share a 4 KB page instead of one taking two or
 * three (100k persons: 201 MB of file against 1.30 GB). A 4 KB dictionary and an 8 KB window:
 * a 32 KB dictionary saved 6% more and doubled the time a document (zlib hashes the whole
 * dictionary for every document), and most of a call is setting up the stream.
 */
const DEFLATE = { level: 1, windowBits: 13 } as const;
const DICTIONARY_BYTES = 4 * 1024;
/**
 * Batches (of DuckDB's 2,048 documents, about 9 MB of text) handed to the compression threads and
 * not yet back: enough to keep both threads busy while the next batch is read, few enough that
 * a slow compression holds up the reading rather than the memory.
 */
const MAX_BATCHES_IN_FLIGHT = 4;
/** Documents a write transaction holds (each ~1.6 KB: well within LMDB's dirty page list). */
const COMMIT_DOCUMENTS = 20_000;

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

/** A document's UTF-8 bytes: as given when they are bytes (a BLOB read from DuckDB, never decoded), else its text encoded. */
const documentBytes = (doc: unknown): Uint8Array => (doc instanceof Uint8Array ? doc : Buffer.from(String(doc), 'utf8'));

/** Persons a key resolves to: person ids, older ids, record ids (`id:X`) and identifiers (`type:value`). */
type KeyPersons = readonly string[];

interface Databases {
  readonly root: RootDatabase;
  readonly docs: Database<Buffer, string>;
  readonly keys: Database<KeyPersons, string>;
  readonly meta: Database<string, string>;
}

function openStoreFile(path: string, readOnly: boolean): Databases {
  // Not lmdb's compression (LZ4: 57 µs a document to write, for half the disk of keyed JSON; see
  // DEFLATE for what is used instead). Written without a sync per commit, because the file is
  // synced once, whole, before it replaces the previous one (a sync per batch of 2,048
  // documents made the build disk-bound: 7.7 s against 4.1 s per 100k persons).
  const root = open({ path, noSubdir: true, readOnly, compression: false, maxDbs: 4, noSync: !readOnly });
  return {
    root,
    docs: root.openDB<Buffer, string>({ name: 'docs', encoding: 'binary' }),
    keys: root.openDB<KeyPersons, string>({ name: 'keys', encoding: 'msgpack' }),
    meta: root.openDB<string, string>({ name: 'meta', encoding: 'string' }),
  };
}

/** The run's documents and keys, read-only (one server holds them open). */
export class ProfileStore {
  /** The columns of the documents' rows; undefined in a file an older version wrote (keyed JSON, not read). */
  readonly layout: DocumentLayout | undefined;
  private readonly dictionary: Buffer | undefined;

  private constructor(private readonly file: Databases) {
    const layout = file.meta.get(LAYOUT);
    this.layout = layout === undefined ? undefined : (JSON.parse(layout) as DocumentLayout);
    const dictionary = file.meta.get(DICTIONARY);
    this.dictionary = dictionary === undefined ? undefined : Buffer.from(dictionary, 'latin1');
  }

  /** Null when there is no file (never built, or built by an older version). */
  static openIfPresent(path: string): ProfileStore | null {
    return existsSync(path) ? new ProfileStore(openStoreFile(path, true)) : null;
  }

  /** The run that wrote the file (matched against the datamart's profile_documents_state). */
  get build(): string | undefined {
    return this.file.meta.get(BUILD);
  }

  /** A person's document (JSON text, document-format.ts), or undefined. */
  document(personId: string): string | undefined {
    const stored = this.file.docs.get(personId);
    return stored === undefined ? undefined : this.text(stored);
  }

  private text(stored: Buffer): string {
    return inflateRawSync(stored, this.dictionary ? { dictionary: this.dictionary } : {}).toString('utf8');
  }

  /** The persons a key names: by priority (older id, then record id), then by id. */
  persons(key: string): KeyPersons | undefined {
    return this.file.keys.get(key);
  }

  /** Every document, by person id (tests compare builds with it). */
  *documents(): Generator<[string, string]> {
    for (const { key, value } of this.file.docs.getRange()) yield [key, this.text(value)];
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
 * Puts into one database, appending (MDB_APPEND) while keys come in ascending order: pages are
 * then filled instead of split in half, so a build written in key order takes about a third less
 * file. The first key out of order turns it into ordinary puts (an append below a key fails).
 */
class OrderedPuts<V> {
  /** The greatest key written so far (UTF-8), or null once one came out of order. */
  private last: Buffer | null = Buffer.alloc(0);

  constructor(private readonly db: Database<V, string>) {}

  put(key: string, value: V): void {
    if (this.last !== null) {
      const bytes = Buffer.from(key, 'utf8');
      // lmdb writes a string key as its UTF-8 bytes unless it starts with a character below 28 (ordered-binary).
      if (key.charCodeAt(0) > 27 && Buffer.compare(bytes, this.last) > 0) {
        this.db.putSync(key, value, { append: true });
        this.last = bytes;
        return;
      }
      this.last = null;
    }
    this.db.putSync(key, value);
  }
}

/**
 * Writes a new store beside the live one and swaps it in whole at `finish`: a reader never
 * sees half a build, and a build that fails leaves the previous file as it was.
 */
export class ProfileStoreWriter {
  private readonly file: Databases;
  private dictionary: Buffer | undefined;
  private staged: [string, Buffer][] = [];
  private pool: DeflatePool | undefined;
  private inFlight: Promise<void>[] = [];
  private readonly docsInOrder: OrderedPuts<Buffer>;
  private readonly keysInOrder: OrderedPuts<KeyPersons>;

  private constructor(
    private readonly path: string,
    private readonly temporary: string,
  ) {
    this.file = openStoreFile(temporary, false);
    this.docsInOrder = new OrderedPuts(this.file.docs);
    this.keysInOrder = new OrderedPuts(this.file.keys);
  }

  static create(path: string): ProfileStoreWriter {
    const temporary = `${path}.new`;
    removeStore(temporary);
    return new ProfileStoreWriter(path, temporary);
  }

  /**
   * Documents in one transaction (a commit per row would fsync a million times), in the order given
   * (an erasure's copy reads them in key order).
   */
  putDocuments(personIds: readonly unknown[], docs: readonly unknown[]): void {
    this.stageDocuments(personIds, docs);
    this.commitStaged();
  }

  /** Compresses documents and keeps them until commitStaged. The first documents become the compression dictionary. */
  stageDocuments(personIds: readonly unknown[], docs: readonly unknown[]): void {
    this.chooseDictionary(docs);
    const options = { ...DEFLATE, ...(this.dictionary ? { dictionary: this.dictionary } : {}) };
    for (let i = 0; i < personIds.length; i++) this.staged.push([String(personIds[i]), deflateRawSync(documentBytes(docs[i]), options)]);
  }

  /**
   * stageDocuments with the compression on worker threads (DeflatePool): returns once the batch
   * is handed over, so the caller reads its next batch meanwhile; waits only while
   * MAX_BATCHES_IN_FLIGHT batches are still being compressed (bounded memory). commitStaged
   * waits for all of them.
   */
  async stageDocumentsInThreads(personIds: readonly unknown[], docs: readonly unknown[]): Promise<void> {
    this.chooseDictionary(docs);
    this.pool ??= new DeflatePool();
    const ids = Array.from(personIds, String);
    const batch = this.pool.compress(Array.from(docs, documentBytes), DEFLATE, this.dictionary).then((parts) => {
      for (let i = 0; i < ids.length; i++) this.staged.push([ids[i] as string, parts[i] as Buffer]);
    });
    // Handled when awaited below; without this a failure before then would be reported as unhandled.
    batch.catch(() => undefined);
    this.inFlight.push(batch);
    while (this.inFlight.length > MAX_BATCHES_IN_FLIGHT) await this.inFlight.shift();
  }

  private chooseDictionary(docs: readonly unknown[]): void {
    if (this.dictionary === undefined && docs.length > 0) {
      const sample = Buffer.concat(docs.slice(0, 64).map(documentBytes));
      this.dictionary = sample.subarray(Math.max(0, sample.length - DICTIONARY_BYTES));
      this.file.meta.putSync(DICTIONARY, this.dictionary.toString('latin1'));
    }
  }

  /** Waits for the batches being compressed on threads (stageDocumentsInThreads), then commits every staged document. */
  async commitStagedFromThreads(): Promise<void> {
    const batches = this.inFlight;
    this.inFlight = [];
    await Promise.all(batches);
    this.commitStaged();
  }

  /** Writes the staged documents sorted by key (appended when above every key written: documents.ts slices persons by ranges of ids). */
  commitStaged(): void {
    const staged = this.staged.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.staged = [];
    for (let from = 0; from < staged.length; from += COMMIT_DOCUMENTS) {
      this.file.root.transactionSync(() => {
        for (const [id, value] of staged.slice(from, from + COMMIT_DOCUMENTS)) this.docsInOrder.put(id, value);
      });
    }
  }

  /** Keys with their persons, in one transaction; appended while they come in key order (documents.ts sorts them). */
  putKeys(keys: readonly unknown[], persons: readonly unknown[]): void {
    this.file.root.transactionSync(() => {
      for (let i = 0; i < keys.length; i++) this.keysInOrder.put(String(keys[i]), (persons[i] as unknown[]).map(String));
    });
  }

  /** Marks the file with its build and its documents' layout, closes it and puts it in place of the previous one. */
  async finish(build: string, layout: DocumentLayout): Promise<void> {
    await this.pool?.close();
    this.file.meta.putSync(BUILD, build);
    this.file.meta.putSync(LAYOUT, JSON.stringify(layout));
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
    await Promise.allSettled(this.inFlight);
    await this.pool?.close();
    await this.file.root.close();
    removeStore(this.temporary);
  }
}

/** Removes a store file and its lock file. */
export function removeStore(path: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}-lock`, { force: true });
}
