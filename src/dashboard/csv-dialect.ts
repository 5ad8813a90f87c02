import { text } from './text.js';

/**
 * The two CSV dialects an export is written in:
 * - `plain`: RFC 4180 (`,` separator, `.` decimals, ISO 8601 dates in UTC), for programs;
 * - `excel-fr`: what Excel in a French locale opens by a double click without an import wizard:
 *   a UTF-8 byte order mark (without it Excel reads the file as Windows-1252 and breaks accents),
 *   `;` separator (the list separator of French Windows), decimal comma, dates as dd/mm/yyyy
 *   (timestamps dd/mm/yyyy hh:mm in a configured time zone, Europe/Paris by default).
 *
 * The quoting is written here rather than by a CSV library: the project has none, the RFC 4180
 * rule is one line, and the formula defusing must look at every text field anyway.
 */
export const CSV_DIALECTS = ['plain', 'excel-fr'] as const;
export type CsvDialectName = (typeof CSV_DIALECTS)[number];

/** A calendar day (`YYYY-MM-DD`, no time, no zone): written as a day, never shifted by a time zone. */
export class CalendarDay {
  constructor(readonly iso: string) {}
}

/** Text a spreadsheet would run as a formula (OWASP CSV injection); phones and signed numbers are left alone. */
const FORMULA = /^(?:[=@\t\r]|[+-](?![\d\s().]+$))/;

export interface CsvDialect {
  readonly name: CsvDialectName;
  readonly separator: ',' | ';';
  /** What the file starts with: the UTF-8 byte order mark for Excel, nothing for the plain dialect. */
  readonly bom: string;
  field(value: unknown): string;
  /** One record, CRLF-terminated (RFC 4180; Excel accepts it too). */
  line(fields: readonly unknown[]): string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Numbers to 4 decimals: enough for money and probabilities, no float noise like 0.30000000000000004. */
const round = (n: number): string => (Number.isFinite(n) ? String(Math.round(n * 1e4) / 1e4) : '');

/** A French local date and time formatter in `timeZone`: dd/mm/yyyy hh:mm (24 h). */
function frenchTimestamp(timeZone: string): (d: Date) => string {
  const format = new Intl.DateTimeFormat('fr-FR', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return (d) => {
    const parts = Object.fromEntries(format.formatToParts(d).map((p) => [p.type, p.value]));
    return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
  };
}

/** The dialect `name`; `timeZone` (an IANA zone) is where excel-fr's timestamps are read as local times. */
export function csvDialect(name: CsvDialectName = 'plain', timeZone = 'Europe/Paris'): CsvDialect {
  const excel = name === 'excel-fr';
  const separator = excel ? ';' : ',';
  const timestamp = excel ? frenchTimestamp(timeZone) : (d: Date) => d.toISOString();
  const day = (iso: string): string => {
    const m = DAY.exec(iso);
    return excel && m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
  };
  const needsQuotes = excel ? /[";\r\n]/ : /[",\r\n]/;
  const field = (value: unknown): string => {
    if (value === null || value === undefined) return '';
    let s: string;
    if (typeof value === 'number') s = excel ? round(value).replace('.', ',') : round(value);
    else if (value instanceof Date) s = Number.isNaN(value.getTime()) ? '' : timestamp(value);
    else if (value instanceof CalendarDay) s = day(value.iso);
    else {
      s = text(value);
      if (typeof value === 'string' && FORMULA.test(s)) s = `'${s}`;
    }
    return needsQuotes.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return {
    name,
    separator,
    bom: excel ? '\uFEFF' : '',
    field,
    line: (fields) => `${fields.map(field).join(separator)}\r\n`,
  };
}

/**
 * A value read from the engine as the dialect should write it: a Date stays a timestamp, a
 * `YYYY-MM-DD` text becomes a calendar day, an ISO timestamp text a Date; anything else as is.
 */
export function temporal(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (DAY.test(value)) return new CalendarDay(value);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) return new Date(value);
  return value;
}
