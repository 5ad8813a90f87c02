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
 */

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

/** The spans of the elements of the top-level "batch" array of a JSON object text. */
export function batchMessageSpans(text: string): MessageSpan[] | null {
  let depth = 0;
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
        key = null;
        continue;
      }
      depth++;
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      depth--;
    }
    if (inBatch) elementEnd = i + 1;
    if (depth === 1 && code !== COMMA) key = null;
  }
  return batchKeys === 1 ? spans : null;
}
