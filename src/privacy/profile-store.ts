import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { ProfileStore, ProfileStoreWriter, removeStore } from '../profiles/serving-store.js';

export interface ProfileStoreErasure {
  readonly documents: number;
  readonly keys: number;
}

const BATCH = 2048;

/**
 * Removes persons from the profile file (`<db>.profiles`): their documents, and every key that
 * named only them (a shared key keeps its other persons). LMDB leaves a deleted value in its freed
 * pages, so the file is copied without them and the copy replaces it (ProfileStoreWriter: written
 * beside it, synced, renamed), under the same build id so it still matches the datamart's
 * profile_documents_state. Batches yield to the event loop, so a serving process keeps answering.
 * Null when there is no file. `open`: the file as this process already holds it open (a serving
 * ProfileReader's), since LMDB refuses a second environment on one file in one process.
 */
export async function eraseFromProfileStore(path: string, personIds: ReadonlySet<string>, open?: ProfileStore | null): Promise<ProfileStoreErasure | null> {
  const store = open ?? ProfileStore.openIfPresent(path);
  if (!store) return null;
  const close = async (): Promise<void> => {
    if (!open) await store.close();
  };
  const layout = store.layout;
  if (!layout) {
    // A file an older version wrote, which no reader uses: removed with him rather than copied.
    await close();
    removeStore(path);
    return { documents: 0, keys: 0 };
  }
  let documents = 0;
  let keys = 0;
  const writer = ProfileStoreWriter.create(path);
  try {
    let ids: string[] = [];
    let docs: string[] = [];
    const flushDocs = async (): Promise<void> => {
      writer.putDocuments(ids, docs);
      ids = [];
      docs = [];
      await yieldToEventLoop();
    };
    for (const [id, doc] of store.documents()) {
      if (personIds.has(id)) {
        documents += 1;
        continue;
      }
      ids.push(id);
      docs.push(doc);
      if (ids.length >= BATCH) await flushDocs();
    }
    await flushDocs();
    let names: string[] = [];
    let persons: string[][] = [];
    const flushKeys = async (): Promise<void> => {
      writer.putKeys(names, persons);
      names = [];
      persons = [];
      await yieldToEventLoop();
    };
    for (const [key, holders] of store.keyEntries()) {
      const kept = holders.filter((p) => !personIds.has(p));
      if (kept.length === 0) {
        keys += 1;
        continue;
      }
      names.push(key);
      persons.push(kept);
      if (names.length >= BATCH) await flushKeys();
    }
    await flushKeys();
    const build = store.build ?? '';
    await close();
    await writer.finish(build, layout);
  } catch (error) {
    await close().catch(() => undefined);
    await writer.abandon();
    throw error;
  }
  return { documents, keys };
}
