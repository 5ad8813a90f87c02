import { open } from 'node:fs/promises';
import { MAX_LINE_BYTES } from './inspect.js';

const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'] as const;

/**
 * Reads the header line of a CSV file. DuckDB's sniffer falls back to a single column when a
 * row is malformed, which would hide the real error; with the header read here the reader runs
 * in strict mode and reports the faulty line itself.
 */
export async function readCsvHeader(
  path: string,
  delimiter?: string,
  encoding: 'utf-8' | 'latin-1' | 'utf-16' = 'utf-8',
): Promise<{ delimiter: string; columns: string[] }> {
  const handle = await open(path, 'r');
  try {
    // inspectFile refused longer lines, so the header line is read whole.
    const buffer = Buffer.alloc(MAX_LINE_BYTES + 2);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = new TextDecoder({ 'utf-8': 'utf-8', 'latin-1': 'latin1', 'utf-16': 'utf-16le' }[encoding]).decode(buffer.subarray(0, bytesRead));
    const line = firstRecord(text.replace(/^\uFEFF/, ''));
    const chosen = delimiter ?? guessDelimiter(line);
    return { delimiter: chosen, columns: splitRecord(line, chosen) };
  } finally {
    await handle.close();
  }
}

function firstRecord(text: string): string {
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (c === '\n' || c === '\r')) return text.slice(0, i);
  }
  return text;
}

function guessDelimiter(line: string): string {
  let best: string = ',';
  let bestCount = 0;
  for (const d of CANDIDATE_DELIMITERS) {
    const count = splitRecord(line, d).length;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

export function splitRecord(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inQuotes) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') inQuotes = false;
      else field += c;
    } else if (c === '"') inQuotes = true;
    else if (c === delimiter) {
      fields.push(field.trim());
      field = '';
    } else field += c;
  }
  fields.push(field.trim());
  return fields;
}

/**
 * Physical line (1-based) where each given record starts, for records counted from 0 after the
 * header. Used only to report problems, so a quoted field spanning lines cannot shift them.
 */
export async function csvRecordLines(path: string, records: readonly number[]): Promise<Map<number, number>> {
  const wanted = new Set(records);
  const result = new Map<number, number>();
  if (wanted.size === 0) return result;
  const last = Math.max(...records);
  const handle = await open(path, 'r');
  try {
    let line = 1;
    let record = -1; // the header is record -1
    let inQuotes = false;
    let atRecordStart = false;
    for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20 })) {
      const bytes = chunk as Buffer;
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        if (atRecordStart) {
          atRecordStart = false;
          if (b !== 0x0a && b !== 0x0d) {
            record++;
            if (wanted.has(record)) result.set(record, line);
            if (record >= last) return result;
          }
        }
        if (b === 0x22) inQuotes = !inQuotes;
        else if (b === 0x0a) {
          line++;
          if (!inQuotes) atRecordStart = true;
        }
      }
    }
    return result;
  } finally {
    await handle.close();
  }
}
