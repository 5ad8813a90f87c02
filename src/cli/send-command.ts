import { Command, InvalidArgumentError, Option } from 'commander';
import { deliveryText, isDeliveryMessageKey, sendAuditEntry, sendPlanned, type SendReport } from '../activation/index.js';
import { writeAudit } from '../privacy/index.js';
import { CONTACT_CHANNELS } from '../store/index.js';
import type { ContactChannel } from '../consent/index.js';
import { configOption, dbOption, jsonOption, printJson, withStore, type StoreOptions } from './options.js';
import { cliActor } from './privacy-command.js';

interface SendCommandOptions extends StoreOptions {
  campaign?: string;
  channel?: ContactChannel;
  destination: 'export' | 'webhook' | 'smtp';
  out?: string;
  dryRun?: boolean;
  json?: boolean;
}

const channel = (value: string): ContactChannel => {
  if (!(CONTACT_CHANNELS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${CONTACT_CHANNELS.join(', ')}`);
  return value as ContactChannel;
};

const reasons = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .map(([key, n]) => `${n} ${isDeliveryMessageKey(key) ? deliveryText(key, 'en') : key}`)
    .join('; ');

function printReport(r: SendReport & { auditId: string | null }): void {
  const lines = [
    `${r.dryRun ? 'Dry run (nothing sent, nothing written)' : `Sent through ${r.destination}`}: ${r.examined} due planned contacts examined (${r.channels.join(', ')}${r.campaign ? `, campaign ${r.campaign}` : ''}), as of ${r.asOf}`,
    r.dryRun ? `  would send: ${r.ready}` : `  sent: ${r.sent}${r.file ? ` (file ${r.file})` : ''}${r.destination === 'webhook' ? ` in ${r.batches} batches, ${r.retries} retries` : ''}`,
  ];
  const cancelled = Object.values(r.cancelled).reduce((a, b) => a + b, 0);
  if (cancelled > 0) lines.push(`  ${r.dryRun ? 'would be cancelled' : 'cancelled'}: ${cancelled} (${reasons(r.cancelled)})`);
  const held = Object.values(r.held).reduce((a, b) => a + b, 0);
  if (held > 0) lines.push(`  held, still planned: ${held} (${reasons(r.held)})`);
  const failed = Object.values(r.failed).reduce((a, b) => a + b, 0);
  if (failed > 0) lines.push(`  refused by the relay, still planned (retried next time): ${failed} (${reasons(r.failed)})`);
  if (r.deadLetters.batches > 0) lines.push(`  dead letters: ${r.deadLetters.batches} batches, ${r.deadLetters.contacts} contacts (see delivery_dead_letters)`);
  if (r.uncertain > 0) lines.push(`  uncertain, not sent again: ${r.uncertain} (${deliveryText('delivery.uncertain', 'en')})`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function sendCommand(): Command {
  return new Command('send')
    .description('send the due planned contacts: each re-checked (consent now, address, pressure), then exported, POSTed to a webhook or e-mailed through your SMTP relay, and marked sent (audited; docs/activation.md, Delivery)')
    .option('--campaign <id>', 'only this campaign\'s contacts')
    .option('--channel <channel>', `only this channel (${CONTACT_CHANNELS.join(', ')}); required for export`, channel)
    .addOption(new Option('--destination <destination>', 'export (a file), webhook (activation.delivery.webhook) or smtp (activation.delivery.smtp, e-mail only)').choices(['export', 'webhook', 'smtp']).default('export'))
    .option('--out <file>', 'the export\'s file: .csv, or .jsonl for JSON Lines')
    .option('--dry-run', 'check and count only: nothing sent, cancelled or written')
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (options: SendCommandOptions) => {
      const actor = cliActor();
      const report = await withStore(options, async (engine, config) => {
        let result: SendReport;
        try {
          result = await sendPlanned(engine, config, {
            destination: options.destination,
            campaign: options.campaign,
            channel: options.channel,
            out: options.out,
            dryRun: options.dryRun,
          });
        } catch (error) {
          // Some contacts may have left before the failure: the attempt is on record all the same.
          if (!options.dryRun) {
            await writeAudit(engine, {
              actor,
              action: 'contacts_send',
              subject: options.campaign === undefined ? null : `campaign=${options.campaign}`,
              detail: { destination: options.destination, interrupted: error instanceof Error ? error.name : 'error' },
            });
          }
          throw error;
        }
        const auditId = result.dryRun ? null : await writeAudit(engine, sendAuditEntry(result, actor));
        return { ...result, auditId };
      });
      if (options.json) printJson(report);
      else printReport(report);
    });
}
