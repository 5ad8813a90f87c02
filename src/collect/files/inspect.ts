import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { InputProblem } from '../../errors.js';
import type { FileFormat } from './formats.js';
import type { KindMapping } from './mapping.js';

/**
 * The longest line a CSV or JSON Lines file may have. A record of a customer, an order or an event
 * fits in a few KB; a line of megabytes is a file without line breaks (or a value nobody meant to
 * store), and DuckDB would either hold it whole in memory or answer with its own parser's text.
 */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Bytes looked at to tell text from binary. */
const SAMPLE_BYTES = 64 * 1024;
/** Read size of the scan; at most MAX_LINE_BYTES, so that only a line crossing chunks can be too long. */
const CHUNK_BYTES = Math.min(1024 * 1024, MAX_LINE_BYTES);

export interface InspectedFile {
  readonly sha256: string;
  readonly problems: readonly InputProblem[];
}

/** What the first bytes of common non-text files are, and what to do about each. */
const SIGNATURES: readonly { readonly bytes: readonly number[]; readonly what: string; readonly fix: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image', fix: 'pass the data file itself' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image', fix: 'pass the data file itself' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image', fix: 'pass the data file itself' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document', fix: 'export the data as CSV instead' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (an Excel .xlsx workbook is one)', fix: 'save the sheet as CSV, or unzip the archive and pass its files' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an Excel 97-2003 workbook', fix: 'save the sheet as CSV' },
  { bytes: [0x1f, 0x8b], what: 'gzip-compressed', fix: 'decompress it first (gunzip)' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed', fix: 'decompress it first (unzstd)' },
  { bytes: [0x50, 0x41, 0x52, 0x31], what: 'a Parquet file', fix: 'give it the .parquet extension' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], what: 'an SQLite database', fix: 'export its tables as CSV' },
];

const startsWith = (sample: Buffer, bytes: readonly number[]): boolean => sample.length >= bytes.length && bytes.every((b, i) => sample[i] === b);

const FORMAT_NAME: Record<FileFormat, string> = { csv: 'CSV', jsonl: 'JSON Lines', parquet: 'Parquet' };
const EXPECTED: Record<FileFormat, string> = {
  csv: 'a CSV text file: a header line, then one record per line',
  jsonl: 'a JSON Lines text file: one JSON object per line',
  parquet: 'a Parquet file',
};

function mb(bytes: number): string {
  const value = bytes / 1024 / 1024;
  return `${Number.isInteger(value) || value >= 10 ? Math.round(value) : value.toFixed(1)} MB`;
}

/**
 * Checks a file before any engine reads it, so that what cannot be data gets Fidelis's own message
 * (the file, what is wrong, what to do) rather than a parser's: an empty file, a binary one (an
 * image, a workbook, random bytes), a line over MAX_LINE_BYTES. Reads the file once, and hashes it
 * on the way for the import log.
 */
export async function inspectFile(file: string, format: FileFormat, mapping: Pick<KindMapping, 'encoding'>): Promise<InspectedFile> {
  const hash = createHash('sha256');
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const problem = (text: string, expected: string, line?: number): InputProblem => ({ file, ...(line !== undefined ? { line } : {}), problem: text, expected });
    if (size === 0) {
      return { sha256: hash.digest('hex'), problems: [problem('the file is empty (0 bytes)', `${EXPECTED[format]}; check that the export finished and that this is the file you meant`)] };
    }
    const sample = Buffer.alloc(Math.min(SAMPLE_BYTES, size));
    await handle.read(sample, 0, sample.length, 0);
    const notText = format === 'parquet' ? parquetProblem(sample, size) : textProblem(sample, size, mapping.encoding);
    if (notText) return { sha256: '', problems: [problem(notText.problem, `${EXPECTED[format]}; ${notText.fix}`)] };

    // One pass: the hash, and the length of every line that crosses a chunk's end (a line inside
    // one chunk is shorter than a chunk, so no longer than MAX_LINE_BYTES).
    let run = 0;
    let longAt = -1;
    let offset = 0;
    for await (const chunk of handle.createReadStream({ start: 0, highWaterMark: CHUNK_BYTES, autoClose: false })) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      if (format !== 'parquet') {
        const first = firstBreak(bytes);
        if (first < 0) run += bytes.length;
        else {
          run += first;
          if (run > MAX_LINE_BYTES) longAt = offset + first - run;
          else run = bytes.length - 1 - lastBreak(bytes);
        }
        if (run > MAX_LINE_BYTES && longAt < 0) longAt = offset + bytes.length - run;
        if (longAt >= 0) break; // refused: the rest need not be read
      }
      offset += bytes.length;
    }
    if (longAt >= 0) {
      const line = await lineAt(file, longAt);
      const length = await lineLength(file, longAt);
      return {
        sha256: '',
        problems: [
          problem(
            `the line is ${mb(length)} long; a line may hold at most ${mb(MAX_LINE_BYTES)}`,
            `${EXPECTED[format]}; is this really a ${FORMAT_NAME[format]} file with line breaks? A value that long cannot be imported`,
            line,
          ),
        ],
      };
    }
    return { sha256: hash.digest('hex'), problems: [] };
  } finally {
    await handle.close();
  }
}

function parquetProblem(sample: Buffer, size: number): { problem: string; fix: string } | null {
  const magic = [0x50, 0x41, 0x52, 0x31];
  if (startsWith(sample, magic) && size >= 12) return null; // the footer is the engine's to check
  const known = SIGNATURES.find((s) => startsWith(sample, s.bytes));
  if (known) return { problem: `this is not a Parquet file: it is ${known.what}`, fix: known.fix };
  if (looksLikeText(sample)) return { problem: 'this is not a Parquet file: it holds text', fix: 'give a CSV file the .csv extension, a JSON Lines file .jsonl' };
  return { problem: 'this is not a Parquet file (it lacks the PAR1 mark a Parquet file starts with)', fix: 'check that the export finished and that this is the file you meant' };
}

function textProblem(sample: Buffer, size: number, encoding: KindMapping['encoding']): { problem: string; fix: string } | null {
  if (encoding !== 'utf-16' && (startsWith(sample, [0xff, 0xfe]) || startsWith(sample, [0xfe, 0xff]))) {
    return { problem: 'this is UTF-16 text', fix: 'set "encoding": "utf-16" for this kind in the mapping file (--mapping)' };
  }
  const known = SIGNATURES.find((s) => startsWith(sample, s.bytes));
  if (known) return { problem: `this is not a text file: it is ${known.what}`, fix: known.fix };
  if (encoding === 'utf-16') return null;
  const nul = sample.indexOf(0);
  if (nul >= 0) return { problem: `this is not a text file: it holds binary data (a zero byte at byte ${nul + 1})`, fix: 'export the data as text, or pass the right file' };
  if (!looksLikeText(sample)) return { problem: 'this is not a text file: it holds binary data (control characters)', fix: 'export the data as text, or pass the right file' };
  if (encoding === 'utf-8') {
    try {
      // stream: a character cut by the end of the sample is not an error.
      new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    } catch {
      return { problem: 'this is not UTF-8 text', fix: 'if it was saved as Latin-1 or Windows-1252 (French spreadsheets often are), set "encoding": "latin-1" for this kind in the mapping file (--mapping)' };
    }
  }
  if (size <= sample.length && /^[\s\uFEFF]*$/.test(sample.toString('latin1').replace(/^\xEF\xBB\xBF/, ''))) {
    return { problem: 'the file holds only blank lines', fix: 'check that the export finished and that this is the file you meant' };
  }
  return null;
}

/** Text has few C0 control characters besides tab, line feed, form feed and carriage return. */
function looksLikeText(sample: Buffer): boolean {
  let controls = 0;
  for (const b of sample) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) || b === 0x7f) controls++;
  return controls <= sample.length / 100;
}

function firstBreak(bytes: Buffer): number {
  const [lf, cr] = [bytes.indexOf(0x0a), bytes.indexOf(0x0d)];
  return lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
}

function lastBreak(bytes: Buffer): number {
  return Math.max(bytes.lastIndexOf(0x0a), bytes.lastIndexOf(0x0d));
}

/** The 1-based line holding a byte offset (line feeds counted; read again only to word a refusal). */
async function lineAt(file: string, position: number): Promise<number> {
  const handle = await open(file, 'r');
  try {
    let line = 1;
    let offset = 0;
    for await (const chunk of handle.createReadStream({ start: 0, end: Math.max(0, position - 1), highWaterMark: CHUNK_BYTES, autoClose: false })) {
      const bytes = chunk as Buffer;
      for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) line++;
      offset += bytes.length;
    }
    return position === 0 || offset === 0 ? 1 : line;
  } finally {
    await handle.close();
  }
}

/** Bytes from a line's start to its end (the next line break or the end of the file). */
async function lineLength(file: string, start: number): Promise<number> {
  const handle = await open(file, 'r');
  try {
    let length = 0;
    for await (const chunk of handle.createReadStream({ start, highWaterMark: CHUNK_BYTES, autoClose: false })) {
      const bytes = chunk as Buffer;
      const end = firstBreak(bytes);
      if (end >= 0) return length + end;
      length += bytes.length;
    }
    return length;
  } finally {
    await handle.close();
  }
}
