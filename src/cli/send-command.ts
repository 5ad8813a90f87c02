import { Command, InvalidArgumentError, Option } from 'commander';
import { DELIVERY_LANGUAGES, deliveryText, isDeliveryMessageKey, sendAuditEntry, sendPlanned, type DeliveryLanguage, type DeliveryMessageKey, type SendReport } from '../activation/index.js';
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
  lang: DeliveryLanguage;
}

const channel = (value: string): ContactChannel => {
  if (!(CONTACT_CHANNELS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${CONTACT_CHANNELS.join(', ')}`);
  return value as ContactChannel;
};

const reasons = (counts: Record<string, number>, lang: DeliveryLanguage): string =>
  Object.entries(counts)
    .map(([key, n]) => `${n} ${isDeliveryMessageKey(key) ? deliveryText(key, lang) : key}`)
    .join('; ');

const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

function printReport(r: SendReport & { auditId: string | null }, lang: DeliveryLanguage): void {
  const t = (key: DeliveryMessageKey, params: Record<string, string | number> = {}): string =>
    deliveryText(key, lang, Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])));
  const scope = [r.channels.join(', '), ...(r.campaign ? [t('report.campaign', { campaign: r.campaign })] : [])].join(', ');
  const head = r.dryRun ? t('report.dry_run') : t('report.sent_through', { destination: r.destination });
  const sent = [
    t('report.sent', { n: r.sent }),
    ...(r.file ? [t('report.file', { file: r.file })] : []),
    ...(r.destination === 'webhook' ? [t('report.batches', { batches: r.batches, retries: r.retries })] : []),
  ].join(' ');
  const lines = [t('report.examined', { head, examined: r.examined, scope, asOf: r.asOf }), `  ${r.dryRun ? t('report.would_send', { n: r.ready }) : sent}`];
  if (total(r.cancelled) > 0) lines.push(`  ${t(r.dryRun ? 'report.would_cancel' : 'report.cancelled', { n: total(r.cancelled), reasons: reasons(r.cancelled, lang) })}`);
  if (total(r.held) > 0) lines.push(`  ${t('report.held', { n: total(r.held), reasons: reasons(r.held, lang) })}`);
  if (total(r.failed) > 0) lines.push(`  ${t('report.failed', { n: total(r.failed), reasons: reasons(r.failed, lang) })}`);
  if (r.deadLetters.batches > 0) lines.push(`  ${t('report.dead_letters', { batches: r.deadLetters.batches, contacts: r.deadLetters.contacts })}`);
  if (r.uncertain > 0) lines.push(`  ${t('report.uncertain', { n: r.uncertain, why: t('delivery.uncertain') })}`);
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
    .addOption(new Option('--lang <lang>', 'language of the report').choices(DELIVERY_LANGUAGES).default('en'))
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
      else printReport(report, options.lang);
    });
}
