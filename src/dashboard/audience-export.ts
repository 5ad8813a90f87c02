/**
 * An audience's export file (CSV or JSON Lines), encoded a page at a time. The rows and their
 * consent filter come from src/activation/audiences, the pressure verdicts from
 * src/activation/pressure (written for this export into its own table, dropped when the file ends,
 * so two exports never share one); the CSV encoding is the segment export's (RFC 4180,
 * spreadsheet formulas defused).
 */
import { randomUUID } from 'node:crypto';
import {
  AUDIENCE_EXPORT_COLUMNS, audienceExportPages, audienceExportTally, type AudienceExportRow, type AudienceExportTally, type CompiledFilter,
} from '../activation/audiences/index.js';
import { contactAllowance } from '../activation/pressure/index.js';
import type { Config } from '../config/index.js';
import { dropTables } from '../kernel/index.js';
import { writeAudit } from '../privacy/index.js';
import type { ContactChannel } from '../consent/index.js';
import type { Engine } from '../store/index.js';
import { csvDialect, temporal, type CsvDialect, type CsvDialectName } from './csv-dialect.js';

export const AUDIENCE_EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type AudienceExportFormat = (typeof AUDIENCE_EXPORT_FORMATS)[number];

/** A row's fields as the CSV dialect writes them: the consent time as a timestamp, so excel-fr shows it as a local date. */
const csvFields = (row: AudienceExportRow): unknown[] => AUDIENCE_EXPORT_COLUMNS.map((c) => (c === 'consent_at' ? temporal(row[c]) : row[c]));

function audienceFile(
  engine: Engine,
  compiled: CompiledFilter,
  channel: ContactChannel,
  format: AudienceExportFormat,
  allowanceTable: string,
  dialect: CsvDialect,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const pages = audienceExportPages(engine, compiled, channel, allowanceTable);
  const done = async (): Promise<void> => dropTables(engine, [allowanceTable]);
  let header = format === 'csv';
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (header) {
        header = false;
        controller.enqueue(encoder.encode(dialect.bom + dialect.line(AUDIENCE_EXPORT_COLUMNS)));
        return;
      }
      const next = await pages.next();
      if (next.done) {
        await done();
        controller.close();
        return;
      }
      const text = next.value
        .map((row) => (format === 'csv' ? dialect.line(csvFields(row)) : `${JSON.stringify(row)}\n`))
        .join('');
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await pages.return(undefined);
      await done();
    },
  });
}

/**
 * Judges contact pressure at `asOf` (the instant the file is for: now by default), counts what the
 * export holds and leaves out, writes the audit entry (before the first byte leaves, so an export
 * that starts is on record even if it is cut), and returns the file.
 */
export async function startAudienceExport(
  engine: Engine,
  config: Config,
  input: {
    readonly name: string;
    readonly compiled: CompiledFilter;
    readonly channel: ContactChannel;
    readonly format: AudienceExportFormat;
    readonly actor: string;
    readonly asOf: Date;
    /** The CSV dialect (plain by default; ignored for JSON Lines). */
    readonly dialect?: CsvDialectName;
  },
): Promise<{ tally: AudienceExportTally; file: ReadableStream<Uint8Array> }> {
  const allowanceTable = `contact_allowance_export_${randomUUID().replaceAll('-', '')}`;
  await contactAllowance(engine, config, { asOf: input.asOf, table: allowanceTable });
  try {
    const tally = await audienceExportTally(engine, input.compiled, input.channel, allowanceTable);
    await writeAudit(engine, {
      actor: input.actor,
      action: 'audience_export',
      subject: `audience=${input.name}`,
      rows: tally.exported,
      detail: {
        format: input.format, dialect: input.format === 'csv' ? (input.dialect ?? 'plain') : undefined, channel: input.channel, members: tally.members, leftOut: tally.leftOut, optedOut: tally.optedOut, unknown: tally.unknown,
        pressure: tally.pressure,
      },
    });
    const dialect = csvDialect(input.dialect ?? 'plain', config.server.dashboard.exportTimeZone);
    return { tally, file: audienceFile(engine, input.compiled, input.channel, input.format, allowanceTable, dialect) };
  } catch (error) {
    await dropTables(engine, [allowanceTable]);
    throw error;
  }
}
