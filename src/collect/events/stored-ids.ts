import type { Engine } from '../../store/index.js';
import { sharedWithOtherProcesses, sql } from '../../store/index.js';
import { storedMessageIds } from './write.js';

/**
 * A Bloom filter of message ids: `mightHold` is false only for an id never added. The loader's
 * dedupe asks `events` only about the ids it might hold, instead of every id of every load: that
 * query scans the whole message_id column, so its cost grew with the table (about 45 ns a stored
 * row a load, measured: 190 ms of CPU a load at 4 million events, 12 us an event of a 16,000-event
 * load, far more for the smaller loads of a steady stream).
 */
export class MessageIdFilter {
  private readonly bits: Uint32Array;
  private readonly size: number;
  private added = 0;

  /** Room for `capacity` ids at a false positive rate of about one in a million. */
  constructor(readonly capacity: number) {
    // m = -n ln p / (ln 2)^2 with p = 1e-6: 28.8 bits an id, and k = (m / n) ln 2 = 20 probes.
    this.size = Math.max(64, Math.ceil(capacity * BITS_PER_ID));
    this.bits = new Uint32Array(Math.ceil(this.size / 32));
  }

  /** Ids added beyond the capacity raise the false positive rate (see `full`). */
  get full(): boolean {
    return this.added > this.capacity;
  }

  add(id: string): void {
    this.added++;
    const [h1, h2] = hashes(id);
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const at = bit % this.size;
      this.bits[at >>> 5] = (this.bits[at >>> 5] as number) | (1 << (at & 31));
    }
  }

  mightHold(id: string): boolean {
    const [h1, h2] = hashes(id);
    for (let i = 0; i < PROBES; i++) {
      const at = ((h1 + Math.imul(i, h2)) >>> 0) % this.size;
      if (((this.bits[at >>> 5] as number) & (1 << (at & 31))) === 0) return false;
    }
    return true;
  }
}

const BITS_PER_ID = 28.8;
const PROBES = 20;

/**
 * Two 32-bit hashes of the id's UTF-16 code units in one pass (FNV-1a and a multiplicative one);
 * the probes are h1 + i h2 (Kirsch and Mitzenmacher 2006, "Less hashing, same performance").
 */
function hashes(id: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
    b ^= b >>> 15;
  }
  // An odd step visits distinct bits for the probes of one id.
  return [a >>> 0, (b | 1) >>> 0];
}

/** Fewest ids a filter makes room for: a new datamart's first loads do not rebuild it. */
const MIN_CAPACITY = 1 << 20;

/**
 * The message ids stored in `events`, as the loader's dedupe needs them: the filter is built from
 * the table at the first question (one scan), told of each load's ids once committed, and built
 * again, twice as large, when the ids added outgrow it (a scan per doubling). Ids the filter might
 * hold are looked up in the table, so a false positive costs a query, never a lost event; ids
 * deleted since (retention, erasure) stay in the filter and are only looked up again.
 *
 * It assumes that only this loader writes `events` while it runs: DuckDB lets one process open the
 * database for writing, and in the server only the loader appends to `events`.
 */
export class StoredMessageIds {
  private filter: MessageIdFilter | null = null;

  constructor(private readonly engine: Engine) {}

  /** The ids among `ids` stored in `events`. */
  async among(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    // The filter knows only what this loader wrote: where other processes may write `events` too
    // (two servers on one ClickHouse database, a retried message sent to the other one), every id
    // is asked of the table.
    if (sharedWithOtherProcesses(this.engine)) return storedMessageIds(this.engine, ids);
    const filter = this.filter !== null && !this.filter.full ? this.filter : await this.build();
    const maybe = ids.filter((id) => filter.mightHold(id));
    return maybe.length === 0 ? new Set() : storedMessageIds(this.engine, maybe);
  }

  /** Ids just committed to `events`. */
  remember(ids: readonly string[]): void {
    const filter = this.filter;
    if (filter === null) return; // built from the table at the next question, these included
    for (const id of ids) filter.add(id);
  }

  /** Drops the filter: the next question builds it from the table. */
  forget(): void {
    this.filter = null;
  }

  private async build(): Promise<MessageIdFilter> {
    const [stored] = await this.engine.query<{ n: number | bigint }>(sql`SELECT count(*) AS n FROM events`);
    const filter = new MessageIdFilter(Math.max(MIN_CAPACITY, 2 * Number(stored?.n ?? 0)));
    const query = sql`SELECT message_id FROM events`;
    // Batch by batch: four million ids held at once would be some 200 MB for a moment.
    if (this.engine.queryColumnBatches) {
      for await (const [column] of this.engine.queryColumnBatches(query)) for (let r = 0; r < (column?.length ?? 0); r++) filter.add(String(column?.[r]));
    } else {
      for (const row of await this.engine.query<{ message_id: string }>(query)) filter.add(row.message_id);
    }
    this.filter = filter;
    return filter;
  }
}
