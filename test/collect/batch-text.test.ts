import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchMessageSpans } from '../../src/collect/events/batch-text.js';

const json = fc.jsonValue();
const otherKeys = fc.dictionary(fc.string().filter((k) => k !== 'batch'), json, { maxKeys: 3 });

/** The elements the spans point at, parsed (null for an element left to JSON.stringify). */
function spanned(text: string): unknown[] | null {
  return batchMessageSpans(text)?.map((span) => (span === null ? null : (JSON.parse(text.slice(span[0], span[1])) as unknown))) ?? null;
}

describe('message spans in a batch text', () => {
  it('finds every element of the batch array as it was sent, whatever surrounds it', () => {
    fc.assert(
      fc.property(fc.array(json, { maxLength: 8 }), otherKeys, otherKeys, fc.constantFrom(undefined, 0, 2, '\t'), (batch, before, after, indent) => {
        const text = JSON.stringify({ ...before, batch, ...after }, null, indent);
        const spans = batchMessageSpans(text);
        expect(spans).toHaveLength(batch.length);
        spanned(text)?.forEach((element, i) => {
          // As JSON reads it back (-0 is written 0).
          if (element !== null) expect(element).toEqual(JSON.parse(JSON.stringify(batch[i])));
        });
        // Compact text (what SDKs send) has no element on several lines.
        if (indent === undefined || indent === 0) expect(spans?.every((s) => s !== null)).toBe(true);
      }),
    );
  });

  it('gives up when the parsed batch may not be the array it found', () => {
    expect(batchMessageSpans('{"batch":[{"a":1}],"b\\u0061tch":[{"b":2}]}')).toBeNull();
    expect(batchMessageSpans('{"batch":[{"a":1}],"batch":[{"b":2}]}')).toBeNull();
    expect(batchMessageSpans('{"context":{"batch":[{"a":1}]}}')).toBeNull();
    expect(batchMessageSpans('{"batch":{"0":{"a":1}}}')).toBeNull();
  });

  it('reads strings with escaped quotes and brackets as strings', () => {
    const text = '{"batch":[{"event":"a \\"]\\" [{,","x":"\\\\"},"s]"],"writeKey":"k"}';
    expect(spanned(text)).toEqual([{ event: 'a "]" [{,', x: '\\' }, 's]']);
  });
});
