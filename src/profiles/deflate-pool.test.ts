import { deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DeflatePool } from './deflate-pool.js';

const settings = { level: 1, windowBits: 13 };
const docs = (batch: number): string[] => Array.from({ length: 300 }, (_, i) => JSON.stringify(['person', batch, i, 'émail', 'opt_in', '€'.repeat(i % 3), 'x'.repeat((i * 7) % 500)]));

describe('profile documents deflated on worker threads', () => {
  const pool = new DeflatePool(2);
  afterAll(() => pool.close());

  it('gives each document the bytes the main thread would write, in order, batches in parallel', async () => {
    const dictionary = Buffer.from(docs(0).slice(0, 20).join(''));
    const batches = [1, 2, 3, 4, 5].map(docs);
    const results = await Promise.all(batches.map((b) => pool.compress(b, settings, dictionary)));
    results.forEach((parts, b) => {
      expect(parts).toHaveLength(300);
      parts.forEach((part, i) => expect(part.equals(deflateRawSync(batches[b]?.[i] as string, { ...settings, dictionary }))).toBe(true));
    });
  });

  it('deflates documents given as UTF-8 bytes (a BLOB read from DuckDB) as it deflates their text', async () => {
    const dictionary = Buffer.from(docs(0).slice(0, 20).join(''));
    const text = docs(7);
    const [fromText, fromBytes] = await Promise.all([pool.compress(text, settings, dictionary), pool.compress(text.map((d) => new Uint8Array(Buffer.from(d))), settings, dictionary)]);
    expect(fromBytes).toHaveLength(text.length);
    fromBytes.forEach((part, i) => expect(part.equals(fromText[i] as Buffer)).toBe(true));
    // An empty batch and an empty document come back too.
    expect(await pool.compress([], settings, undefined)).toEqual([]);
    const [empty] = await pool.compress([new Uint8Array(0)], settings, undefined);
    expect(empty?.equals(deflateRawSync(Buffer.alloc(0), settings))).toBe(true);
  });

  it('reports a document it cannot compress as a failure of its batch', async () => {
    await expect(pool.compress([{} as unknown as string], settings, undefined)).rejects.toThrow(/compression failed/);
  });
});
