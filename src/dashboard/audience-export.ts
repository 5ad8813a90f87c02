/**
 * An audience's export file (CSV or JSON Lines), encoded a page at a time. The rows and their
 * consent filter come from src/activation/audiences; the CSV encoding is the segment export's
 * (RFC 4180, spreadsheet formulas defused).
 */
import { AUDIENCE_EXPORT_COLUMNS, audienceExportPages, audienceExportTally, type AudienceExportTally, type CompiledFilter } from '../activation/audiences/index.js';
import { writeAudit } from '../privacy/index.js';
import type { ContactChannel } from '../consent/index.js';
import type { Engine } from '../store/index.js';
import { csvField } from './export.js';

export const AUDIENCE_EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type AudienceExportFormat = (typeof AUDIENCE_EXPORT_FORMATS)[number];

const csvLine = (fields: readonly unknown[]): string => `${fields.map(csvField).join(',')}\r\n`;

export function audienceFile(engine: Engine, compiled: CompiledFilter, channel: ContactChannel, format: AudienceExportFormat): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const pages = audienceExportPages(engine, compiled, channel);
  let header = format === 'csv';
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (header) {
        header = false;
        controller.enqueue(encoder.encode(csvLine(AUDIENCE_EXPORT_COLUMNS)));
        return;
      }
      const next = await pages.next();
      if (next.done) {
        controller.close();
        return;
      }
      const text = next.value
        .map((row) => (format === 'csv' ? csvLine(AUDIENCE_EXPORT_COLUMNS.map((c) => row[c])) : `${JSON.stringify(row)}\n`))
        .join('');
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}

/**
 * Counts what the export holds and leaves out, writes the audit entry (before the first byte
 * leaves, so an export that starts is on record even if it is cut), and returns the file.
 */
export async function startAudienceExport(
  engine: Engine,
  input: { readonly name: string; readonly compiled: CompiledFilter; readonly channel: ContactChannel; readonly format: AudienceExportFormat; readonly actor: string },
): Promise<{ tally: AudienceExportTally; file: ReadableStream<Uint8Array> }> {
  const tally = await audienceExportTally(engine, input.compiled, input.channel);
  await writeAudit(engine, {
    actor: input.actor,
    action: 'audience_export',
    subject: `audience=${input.name}`,
    rows: tally.exported,
    detail: { format: input.format, channel: input.channel, members: tally.members, leftOut: tally.leftOut, optedOut: tally.optedOut, unknown: tally.unknown },
  });
  return { tally, file: audienceFile(engine, input.compiled, input.channel, input.format) };
}
