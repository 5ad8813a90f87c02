import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { ContactChannel } from '../../consent/index.js';
import { markSent } from './contacts.js';
import { csvLine, fieldsOf, senderRecord } from './fields.js';
import type { SendContext, Sender } from './sender.js';

export type ExportFormat = 'csv' | 'jsonl';

/** The format a file name asks for: JSON Lines for .jsonl/.ndjson, CSV otherwise. */
export const formatOf = (file: string): ExportFormat => (/\.(jsonl|ndjson)$/i.test(file) ? 'jsonl' : 'csv');

/**
 * One file per channel, for a sender outside Fidelis (a mailing house, an SMS gateway's upload, a
 * call centre). At least once: the contacts are marked sent only once the whole file is written
 * and closed, so a crash before that leaves them planned and the next export lists them again.
 */
export function exportSender(context: SendContext, file: string, channel: ContactChannel): Sender {
  const format = formatOf(file);
  const fields = fieldsOf(channel);
  let stream: WriteStream | null = null;
  const written: string[] = [];
  const write = (text: string): void => {
    // Readable by its owner only: it holds personal data.
    stream ??= createWriteStream(file, { mode: 0o600 });
    stream.write(text);
  };
  if (format === 'csv') write(csvLine(fields));
  return {
    deliver(contacts) {
      const lines = contacts.map((contact) => {
        const record = senderRecord(contact, context.unsubscribeUrl(contact));
        return format === 'csv' ? csvLine(fields.map((f) => record[f] ?? null)) : `${JSON.stringify(record)}\n`;
      });
      if (lines.length > 0) write(lines.join(''));
      written.push(...contacts.map((c) => c.contact_id));
      return Promise.resolve();
    },
    async finish() {
      write('');
      const done = stream;
      if (done !== null) {
        done.end();
        await finished(done);
      }
      const at = context.clock.now();
      for (let i = 0; i < written.length; i += 1000) {
        const chunk = written.slice(i, i + 1000);
        await markSent(context.engine, chunk.map((contactId) => ({ contactId, destination: 'export', batchId: null, status: 'sent', reason: null, attempts: 1 })), at);
      }
      context.tally.sent += written.length;
    },
    close: () => Promise.resolve(),
  };
}
