import { randomUUID } from 'node:crypto';
import type { Config } from '../../config/index.js';
import { dropTables } from '../../kernel/index.js';
import { contactAllowance } from '../pressure/index.js';
import { CONTACT_CHANNELS, sql, type Engine } from '../../store/index.js';
import type { ContactChannel } from '../../consent/index.js';
import { UsageError } from '../../errors.js';
import { checkBeforeSend } from './check.js';
import { systemClock, type DeliveryClock } from './clock.js';
import { markCancelled, plannedPage, requireResolvedPersons, type AttemptRow, type ContactSelection, type PlannedContact } from './contacts.js';
import { exportSender, formatOf } from './export-sender.js';
import { count, emptyTally, type DeliveryTally, type SendContext, type Sender } from './sender.js';
import { smtpSender } from './smtp-sender.js';
import type { DeliveryDestination } from './tables.js';
import { requireUnsubscribeSecret, unsubscribeUrl } from './unsubscribe.js';
import { webhookSender, webhookSettings } from './webhook-sender.js';

export interface SendOptions {
  readonly destination: DeliveryDestination;
  readonly campaign?: string;
  readonly channel?: ContactChannel;
  /** The export's file (required for `export`). */
  readonly out?: string;
  /** Check and count, send nothing, write nothing. */
  readonly dryRun?: boolean;
  readonly clock?: DeliveryClock;
  /**
   * A `contact_allowance`-shaped table the caller computed for this send. At merge, sendPlanned
   * computes its own when none is given (see the PRESSURE mark below).
   */
  readonly allowanceTable?: string;
}

/** What `fidelis send` reports (docs/activation.md, Delivery). Reasons are message keys. */
export interface SendReport extends DeliveryTally {
  readonly destination: DeliveryDestination;
  readonly dryRun: boolean;
  readonly asOf: string;
  readonly campaign: string | null;
  readonly channels: readonly ContactChannel[];
  /** Due planned contacts examined. */
  readonly examined: number;
  /** Passed the re-check (in a dry run: would be sent). */
  readonly ready: number;
  /** Refused for good by the re-check: now cancelled; by reason. */
  readonly cancelled: Record<string, number>;
  /** Not now (pressure, quiet hours): still planned; by reason. */
  readonly held: Record<string, number>;
  /** SMTP contacts a stopped send may have handed over: not sent again (at most once). */
  readonly uncertain: number;
  readonly file: string | null;
}

/**
 * The audit log entry of a send (personal data left the system): written by the caller, which
 * knows who asked (src/privacy's writeAudit; activation does not reach up into privacy). Names
 * no person and copies none of his data.
 */
export function sendAuditEntry(report: SendReport, actor: string): { actor: string; action: string; subject: string | null; rows: number; detail: Record<string, unknown> } {
  return {
    actor,
    action: 'contacts_send',
    subject: report.campaign === null ? null : `campaign=${report.campaign}`,
    rows: report.sent,
    detail: {
      destination: report.destination,
      channels: report.channels,
      ...(report.file !== null ? { format: formatOf(report.file) } : {}),
      examined: report.examined,
      cancelled: report.cancelled,
      held: report.held,
      failed: report.failed,
      deadLetters: report.deadLetters,
    },
  };
}

function channelsFor(options: SendOptions): ContactChannel[] {
  if (options.destination === 'smtp') {
    if (options.channel !== undefined && options.channel !== 'email') throw new UsageError(`--destination smtp sends e-mail only; --channel ${options.channel} cannot go through it`);
    return ['email'];
  }
  if (options.destination === 'export') {
    if (options.channel === undefined) throw new UsageError('--destination export needs --channel (one file per channel: each sender needs its own fields)');
    if (options.out === undefined) throw new UsageError('--destination export needs --out FILE (.csv, or .jsonl for JSON Lines)');
  }
  return options.channel === undefined ? [...CONTACT_CHANNELS] : [options.channel];
}

function makeSender(destination: DeliveryDestination, context: SendContext, options: SendOptions, channels: readonly ContactChannel[]): Sender {
  if (destination === 'smtp') return smtpSender(context);
  if (destination === 'webhook') return webhookSender(context);
  return exportSender(context, options.out ?? '', channels[0] ?? 'email');
}

/**
 * Sends the due planned contacts (status planned, planned time reached) through one destination,
 * a keyset page at a time: every contact re-checked first (checkBeforeSend: consent now, address,
 * pressure), refusals cancelled or held, the rest handed to the destination, which marks what left
 * as sent with the actual time. Written to the audit log: personal data leaves the system.
 */
export async function sendPlanned(engine: Engine, config: Config, options: SendOptions): Promise<SendReport> {
  const clock = options.clock ?? systemClock;
  const channels = channelsFor(options);
  const dryRun = options.dryRun === true;
  await requireResolvedPersons(engine);
  const asOf = clock.now();
  let secret: string | null = null;
  const context: SendContext = {
    engine,
    config,
    clock,
    unsubscribeUrl: (contact) => {
      if (contact.channel !== 'email') return null;
      secret ??= requireUnsubscribeSecret(config);
      return unsubscribeUrl(config, secret, { record: contact.record_id, channel: contact.channel, contactId: contact.contact_id });
    },
    tally: emptyTally(),
  };
  // Settings are checked before anything is read, so a missing one costs nothing.
  if (channels.includes('email')) requireUnsubscribeSecret(config);
  if (options.destination === 'webhook') webhookSettings(config);
  const sender = dryRun ? null : makeSender(options.destination, context, options, channels);
  const cancelled: Record<string, number> = {};
  const held: Record<string, number> = {};
  let examined = 0;
  let ready = 0;
  const batchSize = config.activation.delivery.batchSize;
  // The policy's verdicts once per send (they judge every person), into a table of this send's own.
  const ownAllowance = options.allowanceTable === undefined;
  const allowanceTable = options.allowanceTable ?? `contact_allowance_send_${randomUUID().replaceAll('-', '')}`;
  if (ownAllowance) await contactAllowance(engine, config, { asOf: clock.now(), table: allowanceTable });
  const base = { campaign: options.campaign, channels, asOf };

  const handle = async (page: readonly PlannedContact[]): Promise<void> => {
    examined += page.length;
    const verdicts = await checkBeforeSend(engine, config, page, clock.now(), { allowanceTable });
    const passing: PlannedContact[] = [];
    const refused: AttemptRow[] = [];
    for (const contact of page) {
      const verdict = verdicts.get(contact.contact_id) ?? { ok: false, action: 'hold', reason: 'delivery.unchecked' };
      if (verdict.ok) passing.push(contact);
      else if (verdict.action === 'cancel') {
        count(cancelled, verdict.reason);
        refused.push({ contactId: contact.contact_id, destination: options.destination, batchId: contact.batch_id, status: 'cancelled', reason: verdict.reason, attempts: contact.attempts ?? 0 });
      } else count(held, verdict.reason);
    }
    if (!dryRun) await markCancelled(engine, refused, clock.now());
    ready += passing.length;
    if (sender !== null && passing.length > 0) await sender.deliver(passing);
  };

  try {
    // A webhook send stopped mid-way left batches `attempting`: POST them again first, each whole,
    // under its own Idempotency-Key (one batch can span pages of the main pass).
    if (options.destination === 'webhook') {
      const stopped = await engine.query<{ batch_id: string }>(sql`SELECT DISTINCT a.batch_id AS batch_id FROM delivery_attempts AS a
        JOIN contacts AS c ON c.contact_id = a.contact_id
        WHERE a.destination = 'webhook' AND a.status = 'attempting' AND c.status = 'planned' ORDER BY a.batch_id`);
      for (const { batch_id } of stopped) {
        const selection: ContactSelection = { ...base, asOf: null, resume: ['attempting'], batch: batch_id };
        await handle(await plannedPage(engine, selection, null, 1_000_000));
      }
    }
    const selection: ContactSelection = { ...base, resume: ['failed'] };
    let after: string | null = null;
    for (;;) {
      const page = await plannedPage(engine, selection, after, batchSize);
      if (page.length === 0) break;
      await handle(page);
      after = page.at(-1)?.contact_id ?? after;
      if (page.length < batchSize) break;
    }
    await sender?.finish();
  } finally {
    await sender?.close();
    if (ownAllowance) await dropTables(engine, [allowanceTable]);
  }

  // Counted for the same campaign and channels, so the report speaks of what was asked.
  const [uncertainRow] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM delivery_attempts AS a JOIN contacts AS c ON c.contact_id = a.contact_id
    WHERE a.destination = 'smtp' AND a.status = 'attempting' AND c.status = 'planned'
      AND c.channel IN (${sql.join(channels.map((ch) => sql`${ch}`))})
      ${options.campaign === undefined ? sql`` : sql`AND c.campaign_id = ${options.campaign}`}`);
  const uncertain = options.destination === 'smtp' ? Number(uncertainRow?.n ?? 0) : 0;
  const tally = context.tally;
  const report = {
    destination: options.destination,
    dryRun,
    asOf: asOf.toISOString(),
    campaign: options.campaign ?? null,
    channels,
    examined,
    ready,
    cancelled,
    held,
    uncertain,
    ...tally,
    file: options.destination === 'export' && !dryRun ? (options.out ?? null) : null,
  };
  return report;
}
