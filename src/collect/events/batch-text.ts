/**
 * Where each message of a batch lies in the request's JSON text, so that a message accepted as it
 * was sent is logged from its own bytes rather than serialised again. JSON.stringify of the
 * parsed messages took about a sixth of the event loop under the ingest bench; this scan of the
 * text costs a fraction of it (one pass over characters, no allocation but the spans).
 *
 * The text must be one that JSON.parse accepted: the scan relies on its syntax and only tracks
 * strings and nesting. It answers null whenever the parsed `batch` might not be the array it
 * found: no top-level "batch" key, several, or a top-level key written with escapes (which
 * JSON.parse would decode to "batch").
 *
 * The same pass notes what only a walk of the parsed values could place (TextSigns: the nesting
 * depth, surrogate escapes, huge numbers), so the door walks the messages only when one is there.
 */
import type { TextSigns } from './storable.js';

/** One message's text: from `start` to `end` (exclusive), or null when it spans several lines. */
export type MessageSpan = readonly [start: number, end: number] | null;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === LINE_FEED || code === CARRIAGE_RETURN;
}

const LOWER_U = 0x75;
const LOWER_D = 0x64;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const PLUS = 0x2b;
const MINUS = 0x2d;
/** A number of this many digits may overflow a double to Infinity (the largest is 1.8e308). */
const HUGE_DIGITS = 300;

/** `\u` then D8-DF: the escape of a UTF-16 surrogate (lower-cased by `| 0x20`). */
function surrogateEscapeAt(text: string, i: number): boolean {
  if (text.charCodeAt(i + 1) !== LOWER_U || (text.charCodeAt(i + 2) | 0x20) !== LOWER_D) return false;
  const third = text.charCodeAt(i + 3) | 0x20;
  return third === 0x38 || third === 0x39 || (third >= 0x61 && third <= 0x66);
}

/** The spans of the elements of the top-level "batch" array of a JSON object text. */
export function batchMessageSpans(text: string): MessageSpan[] | null {
  return scanRequestText(text).spans;
}

/** Of a request text (a batch or one message): the spans of the batch's messages, and the signs of what only a walk of the values can place. */
export function scanRequestText(text: string): { spans: MessageSpan[] | null; signs: TextSigns } {
  let depth = 0;
  let maxDepth = 0;
  let surrogateEscapes = false;
  let hugeNumbers = false;
  let digits = 0;
  let spans: MessageSpan[] | null = null;
  let batchKeys = 0;
  /** Inside the batch array: where the current element starts and ends, and whether it breaks a line. */
  let inBatch = false;
  let batchDepth = 0;
  let elementStart = -1;
  let elementEnd = -1;
  let lineBreak = false;
  /** A top-level key was just read, its colon expected. */
  let key: 'batch' | 'other' | null = null;

  const closeElement = (): void => {
    if (elementStart >= 0) spans?.push(lineBreak ? null : [elementStart, elementEnd]);
    elementStart = -1;
    lineBreak = false;
  };

  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === BACKSLASH) {
          escaped = true;
          if (!surrogateEscapes && surrogateEscapeAt(text, i)) surrogateEscapes = true;
          i++;
        } else if (c === QUOTE) break;
      }
      if (inBatch && depth === batchDepth && elementStart < 0) elementStart = start;
      if (inBatch) elementEnd = i + 1;
      if (depth === 1 && !inBatch) {
        // A string at depth 1 outside a value is a key when a colon follows.
        let j = i + 1;
        while (j < text.length && isSpace(text.charCodeAt(j))) j++;
        if (text.charCodeAt(j) === COLON) {
          // An escaped key is decoded as JSON.parse would: "b\u0061tch" is the batch too.
          const name = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
          key = name === 'batch' ? 'batch' : 'other';
        }
      }
      continue;
    }
    if (isSpace(code)) {
      if (inBatch && depth > batchDepth && (code === LINE_FEED || code === CARRIAGE_RETURN)) lineBreak = true;
      continue;
    }
    if (code === COLON) continue;
    if (code >= DIGIT_0 && code <= DIGIT_9) {
      if (++digits >= HUGE_DIGITS) hugeNumbers = true;
    } else {
      digits = 0;
      // Outside strings an e is a number's exponent when a sign or digit follows (true and false end with theirs).
      if ((code === LOWER_E || code === UPPER_E) && exponentDigits(text, i + 1) >= 3) hugeNumbers = true;
    }
    if (inBatch && depth === batchDepth) {
      if (code === COMMA) {
        closeElement();
        continue;
      }
      if (code === CLOSE_ARRAY) {
        closeElement();
        inBatch = false;
        depth--;
        continue;
      }
    }
    if (inBatch && depth === batchDepth && elementStart < 0) elementStart = i;
    if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      if (depth === 1 && key === 'batch' && code === OPEN_ARRAY) {
        batchKeys++;
        spans = [];
        inBatch = true;
        batchDepth = depth + 1;
        depth++;
        if (depth > maxDepth) maxDepth = depth;
        key = null;
        continue;
      }
      depth++;
      if (depth > maxDepth) maxDepth = depth;
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      depth--;
    }
    if (inBatch) elementEnd = i + 1;
    if (depth === 1 && code !== COMMA) key = null;
  }
  return { spans: batchKeys === 1 ? spans : null, signs: { depth: maxDepth, surrogateEscapes, hugeNumbers } };
}

/** Digits of the exponent whose `e` is just before `start` (0 when it is no exponent). */
function exponentDigits(text: string, start: number): number {
  let i = start;
  const sign = text.charCodeAt(i);
  if (sign === PLUS || sign === MINUS) i++;
  const first = i;
  while (i < text.length && text.charCodeAt(i) >= DIGIT_0 && text.charCodeAt(i) <= DIGIT_9) i++;
  return i - first;
}
